// WebSocket framing, spoken byte by byte over a plain TCP socket: what the server must accept
// (fragmented messages with a ping in between, many frames in one TCP segment, pings answered
// with the same payload, the client's close echoed), what it must refuse (unmasked client frames,
// reserved bits, oversized control frames: close 1002 with a reason, then the TCP connection
// ends), and keep-alive (a silent peer is pinged after --ping-interval-ms and dropped after twice
// that; one that answers stays).
import crypto from 'node:crypto'
import net from 'node:net'
import { Suite } from './lib/runner.mjs'
import { Y, encoding, syncUpdateMessage, step1Message, ywsProvider, ywsSynced } from './lib/clients.mjs'
import { assert, rootsOf, sleep, waitFor } from './lib/util.mjs'

const s = new Suite('ws-framing')

// A client frame: masked, FIN unless told, any opcode.
function clientFrame (opcode, payload = new Uint8Array(0), { fin = true, mask = true, rsv = 0 } = {}) {
  const n = payload.length
  const head = [(fin ? 0x80 : 0) | rsv | opcode]
  const m = mask ? 0x80 : 0
  if (n < 126) head.push(m | n)
  else if (n < 65536) head.push(m | 126, n >> 8, n & 255)
  else throw new Error('test frames stay under 64 KiB')
  const key = mask ? crypto.randomBytes(4) : Buffer.alloc(0)
  const body = Buffer.from(payload)
  if (mask) for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3]
  return Buffer.concat([Buffer.from(head), key, body])
}

// A raw WebSocket client: the upgrade by hand, then server frames parsed as they arrive.
class RawSocket {
  static async connect (port, path) {
    const c = new RawSocket()
    await c.#open(port, path)
    return c
  }

  constructor () {
    this.frames = [] // { opcode, payload }
    this.ended = false
    this.buffer = Buffer.alloc(0)
    this.waiters = []
  }

  #open (port, path) {
    return new Promise((resolve, reject) => {
      const key = crypto.randomBytes(16).toString('base64')
      this.sock = net.connect(port, '127.0.0.1', () => {
        this.sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`)
      })
      let upgraded = false
      this.sock.on('data', (chunk) => {
        this.buffer = Buffer.concat([this.buffer, chunk])
        if (!upgraded) {
          const end = this.buffer.indexOf('\r\n\r\n')
          if (end < 0) return
          const head = this.buffer.subarray(0, end).toString()
          this.buffer = this.buffer.subarray(end + 4)
          if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`))
          const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64')
          if (!head.includes(accept)) return reject(new Error('wrong Sec-WebSocket-Accept'))
          upgraded = true
          resolve()
        }
        this.#parse()
      })
      this.sock.on('close', () => { this.ended = true; this.#wake() })
      this.sock.on('error', (e) => { if (!upgraded) reject(e) })
    })
  }

  #parse () {
    for (;;) {
      const b = this.buffer
      if (b.length < 2) return
      let len = b[1] & 0x7f
      let at = 2
      if (len === 126) { if (b.length < 4) return; len = b.readUInt16BE(2); at = 4 }
      if (len === 127) { if (b.length < 10) return; len = Number(b.readBigUInt64BE(2)); at = 10 }
      assert((b[1] & 0x80) === 0, 'server frames must not be masked')
      if (b.length < at + len) return
      this.frames.push({ opcode: b[0] & 0x0f, fin: (b[0] & 0x80) !== 0, payload: b.subarray(at, at + len) })
      this.buffer = b.subarray(at + len)
      this.#wake()
    }
  }

  #wake () { for (const w of this.waiters.splice(0)) w() }

  // Resolves with the first frame (removed from the list) that matches, or null once the
  // connection ends or the time is up.
  async next (match, timeout = 5000) {
    const deadline = Date.now() + timeout
    for (;;) {
      const i = this.frames.findIndex(match)
      if (i >= 0) return this.frames.splice(i, 1)[0]
      if (this.ended || Date.now() > deadline) return null
      await Promise.race([new Promise((resolve) => this.waiters.push(resolve)), sleep(Math.max(1, deadline - Date.now()))])
    }
  }

  async waitEnded (timeout = 5000) {
    await waitFor(() => this.ended, { timeout, message: 'the server ends the TCP connection' })
  }

  send (...frames) { this.sock.write(Buffer.concat(frames)) }
  destroy () { this.sock.destroy() }
}

const closeOf = (frame) => ({
  code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005,
  reason: frame.payload.subarray(2).toString()
})
const isClose = (f) => f.opcode === 8
// y-websocket sync step 2 (message type 0, sync type 1).
const isStep2 = (f) => f.opcode === 2 && f.payload[0] === 0 && f.payload[1] === 1

s.test('a ping is answered with a pong carrying the same payload', async (ctx) => {
  const srv = await ctx.server()
  const c = await RawSocket.connect(srv.port, '/framing-ping')
  ctx.defer(() => c.destroy())
  c.send(clientFrame(9, Buffer.from('are you there?')))
  const pong = await c.next((f) => f.opcode === 10)
  assert(pong, 'no pong')
  assert(pong.payload.toString() === 'are you there?', `pong payload '${pong.payload}'`)
})

s.test('a fragmented message with a ping between its frames is one message', async (ctx) => {
  const srv = await ctx.server()
  const room = 'framing-fragments'
  const writer = ywsProvider(ctx, srv, room)
  await ywsSynced(writer)
  rootsOf(writer.doc).t.insert(0, 'fragmented hello')
  await sleep(200)
  const c = await RawSocket.connect(srv.port, `/${room}`)
  ctx.defer(() => c.destroy())
  const step1 = Buffer.from(step1Message(new Y.Doc()))
  const a = step1.subarray(0, 1)
  const b = step1.subarray(1, 2)
  const rest = step1.subarray(2)
  c.send(clientFrame(2, a, { fin: false }), clientFrame(9, Buffer.from('p')),
    clientFrame(0, b, { fin: false }))
  await sleep(50) // the rest in a later TCP segment
  c.send(clientFrame(0, rest))
  const step2 = await c.next(isStep2)
  assert(step2, 'no sync step 2 for the reassembled step 1')
  const d = new Y.Doc()
  const dec = step2.payload.subarray(2)
  // varUint8Array: length prefix then the update.
  let len = 0; let shift = 0; let i = 0
  for (; ; i++) { len |= (dec[i] & 0x7f) << shift; shift += 7; if (!(dec[i] & 0x80)) break }
  Y.applyUpdate(d, dec.subarray(i + 1, i + 1 + len))
  assert(rootsOf(d).t.toString() === 'fragmented hello', `step 2 content '${rootsOf(d).t.toString()}'`)
  assert(await c.next((f) => f.opcode === 10), 'the ping between the fragments got no pong')
})

s.test('twenty updates in one TCP segment are all applied, in order', async (ctx) => {
  const srv = await ctx.server()
  const room = 'framing-burst'
  const reader = ywsProvider(ctx, srv, room)
  await ywsSynced(reader)
  const c = await RawSocket.connect(srv.port, `/${room}`)
  ctx.defer(() => c.destroy())
  const d = new Y.Doc()
  const frames = []
  d.on('update', (u) => frames.push(clientFrame(2, syncUpdateMessage(u))))
  for (let i = 0; i < 20; i++) rootsOf(d).a.push([i])
  c.send(...frames)
  await waitFor(() => rootsOf(reader.doc).a.length === 20, { message: 'all 20 updates reach the other client' })
  assert(JSON.stringify(rootsOf(reader.doc).a.toArray()) === JSON.stringify([...Array(20).keys()]), 'order')
})

s.test("the client's close is echoed, then the server ends the connection", async (ctx) => {
  const srv = await ctx.server()
  const c = await RawSocket.connect(srv.port, '/framing-close')
  ctx.defer(() => c.destroy())
  const payload = Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('bye')])
  c.send(clientFrame(8, payload))
  const echo = await c.next(isClose)
  assert(echo, 'no close frame back')
  assert(closeOf(echo).code === 1000, `echoed code ${closeOf(echo).code}`)
  await c.waitEnded()
})

for (const [name, frame] of [
  ['an unmasked client frame', () => clientFrame(2, Buffer.from([0, 0, 0]), { mask: false })],
  ['reserved bits (no extension negotiated)', () => clientFrame(2, Buffer.from([0, 0, 0]), { rsv: 0x40 })],
  ['a control frame over 125 bytes', () => clientFrame(9, Buffer.alloc(126))],
  ['a continuation frame with nothing to continue', () => clientFrame(0, Buffer.from([1]))]
]) {
  s.test(`${name} closes with 1002 and a reason; others in the room carry on`, async (ctx) => {
    const srv = await ctx.server()
    const room = 'framing-bad'
    const good = ywsProvider(ctx, srv, room)
    await ywsSynced(good)
    const c = await RawSocket.connect(srv.port, `/${room}`)
    ctx.defer(() => c.destroy())
    c.send(frame())
    const close = await c.next(isClose)
    assert(close, 'no close frame')
    const { code, reason } = closeOf(close)
    assert(code === 1002, `close code ${code} '${reason}'`)
    assert(reason.length > 0, 'no reason')
    ctx.note(`reason: ${reason}`)
    await c.waitEnded()
    rootsOf(good.doc).m.set('still', 'here')
    const other = ywsProvider(ctx, srv, room)
    await ywsSynced(other)
    await waitFor(() => rootsOf(other.doc).m.get('still') === 'here', { message: 'the room still works' })
  }, { symphonyOnly: 'close reasons differ between servers' })
}

s.test('a silent connection is pinged, then dropped; one that answers stays', async (ctx) => {
  const srv = await ctx.server({ args: { 'ping-interval-ms': 300 } })
  const silent = await RawSocket.connect(srv.port, '/framing-idle')
  const lively = await RawSocket.connect(srv.port, '/framing-idle')
  ctx.defer(() => { silent.destroy(); lively.destroy() })
  const t0 = Date.now()
  // The lively one answers every ping, as browsers do.
  let pongs = 0
  const timer = setInterval(async () => {
    const ping = await lively.next((f) => f.opcode === 9, 10)
    if (ping) { lively.send(clientFrame(10, ping.payload)); pongs++ }
  }, 20)
  ctx.defer(() => clearInterval(timer))
  const ping = await silent.next((f) => f.opcode === 9, 2000)
  assert(ping, 'no ping after 300 ms of silence')
  await silent.waitEnded(3000)
  const after = Date.now() - t0
  assert(after >= 550, `dropped after ${after} ms, before twice the interval`)
  assert(!silent.frames.some(isClose), 'a dropped connection gets no close frame')
  await sleep(1500)
  assert(!lively.ended, 'the connection answering pings was dropped')
  assert(pongs >= 2, `only ${pongs} pings answered`)
  ctx.note(`silent dropped after ${after} ms; lively answered ${pongs} pings`)
}, { symphonyOnly: '--ping-interval-ms' })

await s.run()
