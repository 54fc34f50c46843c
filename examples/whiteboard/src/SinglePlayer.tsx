// The whiteboard as it was before it became multiplayer: the same board, with its state kept in
// React (useState) in this tab only. README.md shows the diff to Whiteboard.tsx.
import { useEffect, useRef, useState } from 'react'
import { ShapeView } from './ShapeView'
import { Toolbar, handleKeys } from './Toolbar'
import { COLORS, boxFrom, newId, sortedShapes, type Shape, type Shapes, type Tool } from './shapes'

// The board's shapes and the changes the UI makes to them, with undo and redo.
function useBoard() {
  const [state, setState] = useState({ shapes: {} as Shapes, past: [] as Shapes[], future: [] as Shapes[], gesture: 'off' })
  const edit = (f: (s: Shapes) => Shapes) =>
    setState((st) => ({
      shapes: f(st.shapes),
      past: st.gesture === 'on' ? st.past : [...st.past, st.shapes],
      future: [],
      gesture: st.gesture === 'off' ? 'off' : 'on'
    }))
  return {
    shapes: state.shapes,
    addShape: (s: Shape) => edit((sh) => ({ ...sh, [s.id]: s })),
    updateShape: (id: string, partial: Partial<Shape>) => edit((sh) => (sh[id] ? { ...sh, [id]: { ...sh[id], ...partial } as Shape } : sh)),
    appendPoints: (id: string, pts: number[]) =>
      edit((sh) => {
        const s = sh[id]
        return s?.type === 'path' ? { ...sh, [id]: { ...s, points: [...s.points, ...pts] } } : sh
      }),
    deleteShape: (id: string) => edit(({ [id]: _gone, ...rest }) => rest),
    undo: () => setState((st) => (st.past.length ? { ...st, shapes: st.past[st.past.length - 1], past: st.past.slice(0, -1), future: [st.shapes, ...st.future] } : st)),
    redo: () => setState((st) => (st.future.length ? { ...st, shapes: st.future[0], past: [...st.past, st.shapes], future: st.future.slice(1) } : st)),
    canUndo: state.past.length > 0,
    canRedo: state.future.length > 0,
    // Everything between startGesture and endGesture (a stroke, a drag) is one undo step.
    startGesture: () => setState((st) => ({ ...st, gesture: 'start' })),
    endGesture: () => setState((st) => ({ ...st, gesture: 'off' }))
  }
}

type Drag = { kind: 'pen' | 'box' | 'move'; id: string; x0: number; y0: number; sx: number; sy: number; last: number[] }

export function SinglePlayer() {
  const board = useBoard()
  const [tool, setTool] = useState<Tool>('pen')
  const [color, setColor] = useState(COLORS[0])
  const [selected, setSelected] = useState<string | null>(null)
  const drag = useRef<Drag | null>(null)
  const svg = useRef<SVGSVGElement>(null)
  const point = (e: React.PointerEvent) => {
    const r = svg.current!.getBoundingClientRect()
    return { x: Math.round(e.clientX - r.left), y: Math.round(e.clientY - r.top) }
  }
  const canDelete = selected !== null && selected in board.shapes
  const del = () => {
    if (canDelete) board.deleteShape(selected)
    setSelected(null)
  }

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => handleKeys(e, { undo: board.undo, redo: board.redo, del, deselect: () => setSelected(null), setTool })
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  })

  const onPointerDown = (e: React.PointerEvent) => {
    e.preventDefault() // no text selection, no native drag and drop of the SVG
    const p = point(e)
    svg.current!.setPointerCapture(e.pointerId)
    if (tool === 'select') {
      const id = (e.target as Element).closest('[data-id]')?.getAttribute('data-id') ?? null
      setSelected(id)
      const s = id ? board.shapes[id] : undefined
      if (s) {
        board.startGesture()
        drag.current = { kind: 'move', id: s.id, x0: p.x, y0: p.y, sx: s.x, sy: s.y, last: [] }
      }
      return
    }
    board.startGesture()
    const id = newId()
    const base = { id, color, x: p.x, y: p.y, z: Date.now() }
    if (tool === 'pen') board.addShape({ ...base, type: 'path', points: [0, 0, 0, 0], width: 4 })
    else board.addShape({ ...base, type: tool, w: 0, h: 0 })
    drag.current = { kind: tool === 'pen' ? 'pen' : 'box', id, x0: p.x, y0: p.y, sx: p.x, sy: p.y, last: [0, 0] }
  }

  const onPointerMove = (e: React.PointerEvent) => {
    const p = point(e)
    const d = drag.current
    if (!d) return
    if (d.kind === 'pen') {
      const rel = [p.x - d.sx, p.y - d.sy]
      if (rel[0] !== d.last[0] || rel[1] !== d.last[1]) board.appendPoints(d.id, rel)
      d.last = rel
    } else if (d.kind === 'box') {
      board.updateShape(d.id, boxFrom(d.x0, d.y0, p.x, p.y))
    } else {
      board.updateShape(d.id, { x: d.sx + p.x - d.x0, y: d.sy + p.y - d.y0 })
    }
  }

  const onPointerUp = () => {
    const d = drag.current
    if (!d) return
    const s = board.shapes[d.id]
    if (d.kind === 'box' && s && s.type !== 'path' && s.w < 4 && s.h < 4) board.updateShape(d.id, { w: 80, h: 60 })
    board.endGesture()
    drag.current = null
  }

  return (
    <div className="app">
      <Toolbar tool={tool} setTool={setTool} color={color} setColor={setColor} canUndo={board.canUndo} canRedo={board.canRedo} undo={board.undo} redo={board.redo} canDelete={canDelete} onDelete={del} />
      <svg ref={svg} data-testid="canvas" className={`canvas tool-${tool}`} onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={onPointerUp}>
        {sortedShapes(board.shapes).map((s) => (
          <ShapeView key={s.id} shape={s} outline={s.id === selected ? '#4f46e5' : undefined} />
        ))}
      </svg>
    </div>
  )
}
