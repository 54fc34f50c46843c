// The whiteboard's data: shapes keyed by id. Paths store their points relative to (x, y), as a
// flat list [x0, y0, x1, y1, ...], so moving a shape changes two numbers and drawing appends.
export interface BaseShape {
  id: string
  color: string
  x: number
  y: number
  /** Stacking order: later shapes are drawn on top. */
  z: number
}
export interface PathShape extends BaseShape {
  type: 'path'
  points: number[]
  width: number
}
export interface BoxShape extends BaseShape {
  type: 'rect' | 'ellipse'
  w: number
  h: number
}
export type Shape = PathShape | BoxShape
export type Shapes = Record<string, Shape>
export type Tool = 'pen' | 'rect' | 'ellipse' | 'select'

export const COLORS = ['#1f2937', '#e11d48', '#f59e0b', '#10b981', '#3b82f6', '#8b5cf6']

let counter = 0
export function newId(): string {
  counter = (counter + 1) % 1e6
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${counter}`
}

/** Shapes bottom to top. */
export function sortedShapes(shapes: Shapes): Shape[] {
  return Object.values(shapes).sort((a, b) => a.z - b.z || (a.id < b.id ? -1 : 1))
}

/** The rectangle spanned by two corners. */
export function boxFrom(x0: number, y0: number, x1: number, y1: number) {
  return { x: Math.min(x0, x1), y: Math.min(y0, y1), w: Math.abs(x1 - x0), h: Math.abs(y1 - y0) }
}
