import { createClient } from '@symphony/client'
import { RoomProvider } from '@symphony/react'
import type { Presence } from './Presence'
import { Whiteboard } from './Whiteboard'

const params = new URLSearchParams(location.search)
/** `?room=` (default "whiteboard"). */
export const roomId = params.get('room') || 'whiteboard'
/** The server that served this page (`ws(s)://same-host`), or `?server=ws://...` for development. */
const serverUrl = params.get('server') || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`

const NAMES = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Margaret', 'Dennis', 'Frances', 'Ken', 'Radia', 'Tim', 'Hedy']
const COLORS = ['#e11d48', '#ea580c', '#ca8a04', '#16a34a', '#0891b2', '#2563eb', '#7c3aed', '#db2777']
const pick = <T,>(a: T[]) => a[Math.floor(Math.random() * a.length)]
const user = { name: params.get('name') || pick(NAMES), color: params.get('color') || pick(COLORS) }

const client = createClient({ url: serverUrl })

export function App() {
  return (
    <RoomProvider<Presence> client={client} id={roomId} initialPresence={{ cursor: null, selection: null, user }} initialStorage={{ shapes: {} }}>
      <Whiteboard />
    </RoomProvider>
  )
}
