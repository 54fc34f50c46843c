// Reference Hocuspocus server, used only to validate the end-to-end tests themselves
// (SYMPHONY_TEST_SERVER=ref).
//   node tests/server/ref/hocuspocus-server.mjs --port N [--host 127.0.0.1] [--version 3|4]
// Serves the Hocuspocus protocol on every path (so ws://host:port/hocuspocus works), answers
// plain HTTP requests with 200 (the harness polls /healthz), keeps documents in memory only.
// @hocuspocus/server does not relay stateless messages by itself; the onStateless hook below
// does what Symphony's contract says: relay to the document's other connections.
const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : dflt
}
const port = Number(opt('port', '0'))
const host = opt('host', '127.0.0.1')
const version = opt('version', '4')
const mod = await import(version === '3' ? 'hocuspocus-server-v3' : '@hocuspocus/server')
const server = new mod.Server({
  port,
  address: host,
  quiet: true,
  stopOnSignals: true,
  async onStateless ({ document, connection, payload }) {
    document.broadcastStateless(payload, (c) => c !== connection)
  }
})
await server.listen()
console.error(`hocuspocus reference server v${version} listening on ${host}:${server.address.port}`)
