// An in-process y-websocket server for unit tests: rooms of Y.Doc + Awareness, every update
// echoed to every socket of the room (the sender included), as Symphony does. `hold()` makes it
// queue what it receives (no processing, no echo) until `release()`, to observe unsaved states.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'

interface FakeRoom {
  doc: Y.Doc
  awareness: awarenessProtocol.Awareness
  sockets: Set<FakeSocket>
}

export class FakeServer {
  rooms = new Map<string, FakeRoom>()
  sockets = new Set<FakeSocket>()
  urls: string[] = []
  received = 0
  /** Sync update messages (type 0/2) received. */
  updates = 0
  up = true
  private held: Array<() => void> | null = null
  readonly WebSocket: new (url: string) => FakeSocket

  constructor() {
    const server = this
    this.WebSocket = class extends FakeSocket {
      constructor(url: string) {
        super(server, url)
      }
    }
  }

  room(name: string): FakeRoom {
    let r = this.rooms.get(name)
    if (!r) {
      const doc = new Y.Doc()
      const awareness = new awarenessProtocol.Awareness(doc)
      clearInterval((awareness as any)._checkInterval)
      awareness.setLocalState(null)
      r = { doc, awareness, sockets: new Set() }
      const room = r
      doc.on('update', (update: Uint8Array) => {
        const enc = encoding.createEncoder()
        encoding.writeVarUint(enc, 0)
        syncProtocol.writeUpdate(enc, update)
        const msg = encoding.toUint8Array(enc)
        for (const s of room.sockets) s.deliver(msg)
      })
      awareness.on('update', ({ added, updated, removed }: any, origin: unknown) => {
        if (origin instanceof FakeSocket) for (const c of [...added, ...updated]) origin.announced.add(c)
        const changed = [...added, ...updated, ...removed]
        const enc = encoding.createEncoder()
        encoding.writeVarUint(enc, 1)
        encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(awareness, changed))
        const msg = encoding.toUint8Array(enc)
        for (const s of room.sockets) s.deliver(msg)
      })
      this.rooms.set(name, r)
    }
    return r
  }

  hold(): void {
    this.held ??= []
  }

  release(): void {
    const h = this.held
    this.held = null
    h?.forEach((f) => f())
  }

  /** Closes every socket (as a crash would) and refuses new ones until `start()`. */
  stop(): void {
    this.up = false
    for (const s of [...this.sockets]) s.serverClose(1006)
  }

  start(): void {
    this.up = true
  }

  handle(socket: FakeSocket, data: Uint8Array): void {
    if (this.held) {
      this.held.push(() => this.handle(socket, data))
      return
    }
    this.received++
    const room = socket.room!
    const dec = decoding.createDecoder(data)
    const type = decoding.readVarUint(dec)
    if (type === 0) {
      if (data[1] === 2) this.updates++
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, 0)
      syncProtocol.readSyncMessage(dec, enc, room.doc, socket)
      if (encoding.length(enc) > 1) socket.deliver(encoding.toUint8Array(enc))
    } else if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(room.awareness, decoding.readVarUint8Array(dec), socket)
    }
  }
}

export class FakeSocket {
  binaryType = 'arraybuffer'
  readyState = 0
  onopen: ((ev: any) => void) | null = null
  onclose: ((ev: any) => void) | null = null
  onerror: ((ev: any) => void) | null = null
  onmessage: ((ev: any) => void) | null = null
  room: FakeRoom | null = null
  sent = 0

  constructor(
    private server: FakeServer,
    readonly url: string
  ) {
    server.urls.push(url)
    setTimeout(() => {
      if (!server.up) {
        this.readyState = 3
        this.onclose?.({ code: 1006, reason: '' })
        return
      }
      const name = decodeURIComponent(new URL(url).pathname.slice(1))
      this.room = server.room(name)
      this.room.sockets.add(this)
      server.sockets.add(this)
      this.readyState = 1
      this.onopen?.({})
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, 0)
      syncProtocol.writeSyncStep1(enc, this.room.doc)
      this.deliver(encoding.toUint8Array(enc))
      const states = [...this.room.awareness.getStates().keys()]
      if (states.length) {
        const a = encoding.createEncoder()
        encoding.writeVarUint(a, 1)
        encoding.writeVarUint8Array(a, awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, states))
        this.deliver(encoding.toUint8Array(a))
      }
    }, 1)
  }

  send(data: Uint8Array): void {
    if (this.readyState !== 1) return
    this.sent++
    const copy = new Uint8Array(data)
    setTimeout(() => {
      if (this.readyState === 1) this.server.handle(this, copy)
    }, 0)
  }

  deliver(msg: Uint8Array): void {
    if (this.readyState !== 1) return
    const copy = msg.slice().buffer
    setTimeout(() => {
      if (this.readyState === 1) this.onmessage?.({ data: copy })
    }, 0)
  }

  close(code = 1000, reason = ''): void {
    this.serverClose(code, reason)
  }

  serverClose(code: number, reason = ''): void {
    if (this.readyState >= 2) return
    this.readyState = 3
    const room = this.room
    if (room) {
      room.sockets.delete(this)
      // Remove the awareness states this socket announced (as servers do).
      const mine = [...room.awareness.getStates().keys()].filter((c) => room.awareness.meta.get(c) && this.announced.has(c))
      awarenessProtocol.removeAwarenessStates(room.awareness, mine, null)
    }
    this.server.sockets.delete(this)
    setTimeout(() => this.onclose?.({ code, reason }), 0)
  }

  announced = new Set<number>()
}
