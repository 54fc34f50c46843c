// @hocuspocus/server v4 with one room loaded from a Yjs update file: the cold-start scenario
// of bench/peers.sh.
//   node bench/peers/hocuspocus-persist.mjs --port N --room ROOM --file FILE [--host 127.0.0.1]
// @hocuspocus/extension-database is not installed; this is what its fetch does, through the
// server's own onLoadDocument hook: read the stored update, hand it back, and the server
// applies it to the new document before anyone syncs. Otherwise configured like
// tests/server/ref/hocuspocus-server.mjs (in memory, quiet, stops on SIGTERM).
import fs from 'node:fs/promises'
import { Server } from '@hocuspocus/server'

const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : dflt
}
const room = opt('room')
const file = opt('file')
if (!room || !file) throw new Error('--room and --file are required')

const server = new Server({
  port: Number(opt('port', '0')),
  address: opt('host', '127.0.0.1'),
  quiet: true,
  stopOnSignals: true,
  async onLoadDocument ({ documentName }) {
    if (documentName !== room) return null
    return new Uint8Array(await fs.readFile(file))
  }
})
await server.listen()
console.error(`hocuspocus (persist ${room} from ${file}) listening on ${server.address.port}`)
