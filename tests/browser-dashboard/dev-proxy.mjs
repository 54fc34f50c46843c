// Development aid (not used by the tests): serves web/dashboard at /dashboard and passes every
// other request to a running `symphony serve`, filling in what an older server lacks: the
// `rooms` array of stats events (from /api/rooms) and /api/rooms/{id}/presence (awareness read
// by a client of our own). Usage: node tests/browser-dashboard/dev-proxy.mjs UPSTREAM_PORT PORT
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const DIR = path.join(ROOT, 'web/dashboard')
const [up, port] = process.argv.slice(2).map(Number)
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }

const upstream = (p) => new Promise((resolve, reject) => {
  http.get({ port: up, path: p }, (res) => {
    let b = ''
    res.on('data', (d) => { b += d })
    res.on('end', () => resolve({ status: res.statusCode, body: b }))
  }).on('error', reject)
})

const watchers = new Map()
function presence (id) {
  let w = watchers.get(id)
  if (!w) {
    const doc = new Y.Doc()
    w = new WebsocketProvider(`ws://127.0.0.1:${up}`, id, doc, { WebSocketPolyfill: WebSocket, disableBc: true })
    w.awareness.setLocalState(null)
    watchers.set(id, w)
  }
  return [...w.awareness.getStates()].filter(([cid]) => cid !== w.awareness.clientID).map(([client_id, state]) => ({ client_id, state }))
}

http.createServer(async (req, res) => {
  const p = req.url.split('?')[0]
  if (p === '/dashboard' || p.startsWith('/dashboard/')) {
    const f = path.join(DIR, p === '/dashboard' || p === '/dashboard/' ? 'index.html' : p.slice(11))
    if (!fs.existsSync(f)) { res.writeHead(404); return res.end() }
    res.writeHead(200, { 'content-type': TYPES[path.extname(f)] || 'application/octet-stream' })
    return res.end(fs.readFileSync(f))
  }
  const m = p.match(/^\/api\/rooms\/([^/]+)\/presence$/)
  if (m) {
    res.writeHead(200, { 'content-type': 'application/json' })
    return res.end(JSON.stringify({ clients: presence(decodeURIComponent(m[1])) }))
  }
  if (p === '/api/events') {
    http.get({ port: up, path: p }, (ures) => {
      res.writeHead(ures.statusCode, ures.headers)
      ures.on('data', async (chunk) => {
        let text = chunk.toString()
        if (text.includes('event: stats') && !text.includes('"rooms"')) {
          const rooms = JSON.parse((await upstream('/api/rooms')).body).rooms.filter((r) => r.loaded)
            .map((r) => ({ ...r, cpu_ms: 12, mem_bytes: r.doc_bytes * 4 }))
          text = text.replace(/\}\n\n$/, `,"rooms":${JSON.stringify(rooms)}}\n\n`)
        }
        res.write(text)
      })
      ures.on('end', () => res.end())
    }).on('error', () => { res.writeHead(502); res.end() })
    return
  }
  const preq = http.request({ port: up, path: req.url, method: req.method, headers: req.headers }, (ures) => {
    res.writeHead(ures.statusCode, ures.headers)
    ures.pipe(res)
  })
  preq.on('error', () => { res.writeHead(502); res.end() })
  req.pipe(preq)
}).listen(port, '127.0.0.1', () => console.log(`dashboard at http://127.0.0.1:${port}/dashboard (upstream ${up})`))
