// The stock @y/websocket-server (its own src/server.js, unchanged) with a persistence layer
// that loads one room from a Yjs update file: the cold-start scenario of bench/peers.sh.
//   HOST=127.0.0.1 PORT=N PEERS_DOC_ROOM=ROOM PEERS_DOC_FILE=FILE node bench/peers/ywebsocket-persist.mjs
// setPersistence is the package's official hook (exported from '@y/websocket-server/utils',
// the same module instance server.js uses). bindState runs when a room is first opened; the
// server does not wait for a promise from it before it answers the client's sync step 1, so
// the file is read synchronously: otherwise the first step 2 would be sent empty.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import * as Y from 'yjs'
import { setPersistence } from '@y/websocket-server/utils'

const room = process.env.PEERS_DOC_ROOM
const file = process.env.PEERS_DOC_FILE
if (!room || !file) throw new Error('set PEERS_DOC_ROOM and PEERS_DOC_FILE')

setPersistence({
  provider: null,
  bindState: (docName, ydoc) => {
    if (docName === room) Y.applyUpdate(ydoc, fs.readFileSync(file))
  },
  writeState: async () => {}
})

// The package's exports do not list src/server.js; load it by path (it resolves ./utils.js to
// the module configured above).
const pkg = createRequire(import.meta.url).resolve('@y/websocket-server/package.json')
await import(new URL('src/server.js', `file://${pkg}`).href)
