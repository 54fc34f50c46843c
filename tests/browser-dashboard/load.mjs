// Real Yjs clients (y-websocket over `ws`) for the dashboard tests: a few rooms, a few named
// users each with awareness `user: {name, color}`, and some edits so that messages flow.
//
//   const load = await startLoad('ws://127.0.0.1:8080', ROOMS)
//   load.edit()          // one edit in every room
//   await load.stop()
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

// The rooms and their people (ids with characters that need escaping in URLs on purpose).
export const ROOMS = [
  { id: 'design-review', title: 'Design review', users: [['Alice Martin', '#e5484d'], ['Bob Chen', '#0091ff'], ['Chloé Dubois', '#30a46c']] },
  { id: 'standup notes/2026', title: 'Stand-up notes', users: [['Dmitri Ivanov', '#f76808']] },
  { id: 'roadmap-2027', title: 'Roadmap 2027', users: [['Eve Adams', '#8e4ec6'], ['Farid Haddad', '#12a594']] }
]

function waitFor (pred, ms, what) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now()
    const tick = () => {
      if (pred()) return resolve()
      if (Date.now() - t0 > ms) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(tick, 25)
    }
    tick()
  })
}

export async function startLoad (wsBase, rooms = ROOMS) {
  const clients = []
  for (const room of rooms) {
    for (const [name, color] of room.users) {
      const doc = new Y.Doc()
      const provider = new WebsocketProvider(wsBase, room.id, doc, { WebSocketPolyfill: WebSocket, disableBc: true })
      provider.awareness.setLocalStateField('user', { name, color })
      clients.push({ room, name, doc, provider })
    }
  }
  await waitFor(() => clients.every((c) => c.provider.synced), 15000, 'every client to sync')
  // The first user of each room writes the document.
  for (const room of rooms) {
    const c = clients.find((x) => x.room === room)
    c.doc.transact(() => {
      c.doc.getMap('meta').set('title', room.title)
      c.doc.getMap('meta').set('owner', room.users[0][0])
      c.doc.getText('notes').insert(0, `Notes of ${room.title}. `)
      c.doc.getArray('items').push([{ text: `first item of ${room.id}`, done: false }])
    })
  }
  let n = 0
  return {
    clients,
    // One small edit by every client (messages in and out for the rates).
    edit () {
      n++
      for (const c of clients) c.doc.getArray('items').push([{ text: `${c.name} #${n}`, done: n % 2 === 0 }])
    },
    // Waits until every client's document holds what the others wrote.
    async settle (ms = 10000) {
      await waitFor(() => rooms.every((room) => {
        const docs = clients.filter((c) => c.room === room).map((c) => c.doc.getArray('items').length)
        return docs.every((l) => l === docs[0])
      }), ms, 'clients to converge')
    },
    async stop () {
      for (const c of clients) {
        c.provider.destroy()
        c.doc.destroy()
      }
    }
  }
}
