import { COLORS, type Tool } from './shapes'

const TOOLS: Array<{ tool: Tool; label: string; key: string; icon: string }> = [
  { tool: 'select', label: 'Select and move', key: 'V', icon: '↖' },
  { tool: 'pen', label: 'Pen', key: 'P', icon: '✎' },
  { tool: 'rect', label: 'Rectangle', key: 'R', icon: '▭' },
  { tool: 'ellipse', label: 'Ellipse', key: 'E', icon: '◯' }
]

export interface ToolbarProps {
  tool: Tool
  setTool: (t: Tool) => void
  color: string
  setColor: (c: string) => void
  canUndo: boolean
  canRedo: boolean
  undo: () => void
  redo: () => void
  canDelete: boolean
  onDelete: () => void
}

export function Toolbar(p: ToolbarProps) {
  return (
    <div className="toolbar" role="toolbar">
      {TOOLS.map((t) => (
        <button key={t.tool} data-testid={`tool-${t.tool}`} className={p.tool === t.tool ? 'on' : ''} title={`${t.label} (${t.key})`} onClick={() => p.setTool(t.tool)}>
          {t.icon}
        </button>
      ))}
      <span className="sep" />
      {COLORS.map((c) => (
        <button key={c} data-testid={`color-${c}`} className={`swatch ${p.color === c ? 'on' : ''}`} style={{ background: c }} title={c} onClick={() => p.setColor(c)} />
      ))}
      <span className="sep" />
      <button data-testid="undo" title="Undo (Ctrl+Z)" disabled={!p.canUndo} onClick={p.undo}>↶</button>
      <button data-testid="redo" title="Redo (Ctrl+Shift+Z)" disabled={!p.canRedo} onClick={p.redo}>↷</button>
      <button data-testid="delete" title="Delete (Del)" disabled={!p.canDelete} onClick={p.onDelete}>✕</button>
    </div>
  )
}

/** Ctrl/Cmd+Z, Ctrl+Shift+Z / Ctrl+Y, Delete, Escape and tool letters. */
export function handleKeys(e: KeyboardEvent, a: { undo: () => void; redo: () => void; del: () => void; deselect: () => void; setTool: (t: Tool) => void }) {
  if ((e.target as HTMLElement)?.tagName === 'INPUT') return
  const mod = e.ctrlKey || e.metaKey
  if (mod && e.key.toLowerCase() === 'z') {
    e.preventDefault()
    if (e.shiftKey) a.redo()
    else a.undo()
  } else if (mod && e.key.toLowerCase() === 'y') {
    e.preventDefault()
    a.redo()
  } else if (e.key === 'Delete' || e.key === 'Backspace') {
    a.del()
  } else if (e.key === 'Escape') {
    a.deselect()
  } else if (!mod) {
    const t = TOOLS.find((t) => t.key.toLowerCase() === e.key.toLowerCase())
    if (t) a.setTool(t.tool)
  }
}
