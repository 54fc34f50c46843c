// The multiplayer whiteboard: SinglePlayer.tsx with its state in a Symphony room (README.md
// shows the diff), plus live cursors, avatars and the connection status.
import { useEffect, useRef, useState } from 'react'
import { shallow, useCanRedo, useCanUndo, useMutation, useOthers, useRedo, useRoom, useStorage, useUndo, useUpdateMyPresence } from '@symphony/react'
import { Avatars, Cursors, Reactions, StatusBadge, type Presence } from './Presence'
import { ShapeView } from './ShapeView'
import { Toolbar, handleKeys } from './Toolbar'
import { COLORS, boxFrom, newId, sortedShapes, type Shape, type Shapes, type Tool } from './shapes'

// The board's shapes and the changes the UI makes to them, with undo and redo.
function useBoard() {
  const room = useRoom()
  return {
    shapes: useStorage((root) => root.shapes as Shapes),
    addShape: useMutation(({ storage }, s: Shape) => void storage.map('shapes').set(s.id, s), []),
    updateShape: useMutation(({ storage }, id: string, partial: Partial<Shape>) => {
      if (storage.map('shapes').has(id)) storage.map('shapes').update(id, partial)
    }, []),
    appendPoints: useMutation(({ storage }, id: string, pts: number[]) => storage.map('shapes').getMap(id)?.getList('points')?.push(...pts), []),
    deleteShape: useMutation(({ storage }, id: string) => void storage.map('shapes').delete(id), []),
    undo: useUndo(),
    redo: useRedo(),
    canUndo: useCanUndo(),
    canRedo: useCanRedo(),
    // Everything between startGesture and endGesture (a stroke, a drag) is one undo step.
    startGesture: () => room.history.pause(),
    endGesture: () => room.history.resume()
  }
}

type Drag = { kind: 'pen' | 'box' | 'move'; id: string; x0: number; y0: number; sx: number; sy: number; last: number[] }

export function Whiteboard() {
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
  const updateMyPresence = useUpdateMyPresence<Presence>()
  useEffect(() => updateMyPresence({ selection: selected }), [selected, updateMyPresence])
  // Shape id -> colour of someone else who has it selected.
  const selectedByOthers = useOthers<Presence, Record<string, string>>(
    (others) => Object.fromEntries(others.filter((o) => o.presence.selection).map((o) => [o.presence.selection!, o.user?.color ?? '#999'])),
    shallow
  )

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
    updateMyPresence({ cursor: p })
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
      <StatusBadge />
      <Avatars />
      <svg ref={svg} data-testid="canvas" className={`canvas tool-${tool}`} onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={onPointerUp} onPointerLeave={() => updateMyPresence({ cursor: null })}>
        {sortedShapes(board.shapes).map((s) => (
          <ShapeView key={s.id} shape={s} outline={s.id === selected ? '#4f46e5' : selectedByOthers[s.id]} />
        ))}
      </svg>
      <Cursors />
      <Reactions />
    </div>
  )
}
