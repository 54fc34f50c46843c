// Multiplayer-only parts of the whiteboard: others' cursors, who is online, connection status,
// reactions (broadcast events).
import { useState } from 'react'
import { useBroadcastEvent, useEventListener, useMyPresence, useOthers, useStatus, type RoomStatus } from '@symphony/react'

export interface Presence extends Record<string, unknown> {
  cursor: { x: number; y: number } | null
  selection: string | null
  user: { name: string; color: string }
}

/** Everyone else's pointer, with their name, in their colour (positions relative to the canvas). */
export function Cursors() {
  const others = useOthers<Presence>()
  return (
    <div className="cursors">
      {others.map(({ clientId, presence, user }) =>
        presence.cursor ? (
          <div key={clientId} className="cursor" data-testid="cursor" style={{ transform: `translate(${presence.cursor.x}px, ${presence.cursor.y}px)` }}>
            <svg width="18" height="22" viewBox="0 0 18 22">
              <path d="M1 1 L1 17 L5.5 13 L8.5 20 L11 19 L8 12 L14 12 Z" fill={user?.color ?? '#999'} stroke="white" strokeWidth="1.5" />
            </svg>
            <span style={{ background: user?.color ?? '#999' }}>{user?.name ?? 'Someone'}</span>
          </div>
        ) : null
      )}
    </div>
  )
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase()
}

/** Who is in the room: this user first, then the others (at most 5 shown, then "+N"). */
export function Avatars() {
  const [me] = useMyPresence<Presence>()
  const others = useOthers<Presence>()
  const shown = others.slice(0, 5)
  return (
    <div className="avatars" data-testid="avatars">
      <div className="avatar me" data-testid="avatar" title={`${me.user.name} (you)`} style={{ background: me.user.color }}>
        {initials(me.user.name)}
      </div>
      {shown.map((o) => (
        <div key={o.clientId} className="avatar" data-testid="avatar" title={o.user?.name ?? 'Someone'} style={{ background: o.user?.color ?? '#999' }}>
          {initials(o.user?.name ?? '?')}
        </div>
      ))}
      {others.length > shown.length && <div className="avatar more">+{others.length - shown.length}</div>}
    </div>
  )
}

const LABELS: Record<RoomStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Loading…',
  synced: 'Saving…',
  saved: 'Saved',
  disconnected: 'Offline – edits kept'
}

/** The connection status; `data-status` holds the raw value. */
export function StatusBadge() {
  const status = useStatus()
  return (
    <div className={`status status-${status}`} data-testid="status" data-status={status}>
      <span className="dot" />
      {LABELS[status]}
    </div>
  )
}

const REACTIONS = ['★', '♥', '✓', '?']
type Reaction = { type: 'reaction'; symbol: string }
type Shown = { id: number; symbol: string; name: string; color: string }
let shownSeq = 0

/** Reaction buttons; a reaction is broadcast (never stored) and floats by for 2.5 s at the others. */
export function Reactions() {
  const broadcast = useBroadcastEvent<Reaction>()
  const [shown, setShown] = useState<Shown[]>([])
  useEventListener<Reaction>(({ event, user }) => {
    if (event?.type !== 'reaction') return
    const item = { id: ++shownSeq, symbol: String(event.symbol), name: String(user?.name ?? 'Someone'), color: String(user?.color ?? '#999') }
    setShown((s) => [...s.slice(-5), item])
    setTimeout(() => setShown((s) => s.filter((x) => x !== item)), 2500)
  })
  return (
    <>
      <div className="reactions">
        {REACTIONS.map((r) => (
          <button key={r} data-testid={`react-${r}`} title="Send a reaction to everyone" onClick={() => broadcast({ type: 'reaction', symbol: r })}>
            {r}
          </button>
        ))}
      </div>
      <div className="reaction-feed">
        {shown.map((s) => (
          <div key={s.id} className="reaction" data-testid="reaction" style={{ borderColor: s.color }}>
            <b style={{ color: s.color }}>{s.name}</b> {s.symbol}
          </div>
        ))}
      </div>
    </>
  )
}
