// The server the integration and browser tests run against:
//  - `symphony serve` (build/symphony, or $SYMPHONY_BIN) when `serve --help` works there;
//  - else the reference y-websocket server (@y/websocket-server, documents kept in LevelDB via
//    YPERSISTENCE so that a restart keeps them), with, when a static directory is asked for, a
//    small same-origin front (static files + WebSocket upgrades forwarded), as Symphony serves
//    the demo and the rooms on one port.
// SYMPHONY_CLIENT_TEST_SERVER=ref forces the reference; =symphony requires Symphony.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')
export const OUT = path.join(ROOT, 'tests/out/clients')
const BIN = path.resolve(ROOT, process.env.SYMPHONY_BIN || 'build/symphony')

export type ServerKind = 'symphony' | 'reference'

let kindCache: { kind: ServerKind; why: string } | null = null
export function serverKind(): { kind: ServerKind; why: string } {
  if (kindCache) return kindCache
  const want = process.env.SYMPHONY_CLIENT_TEST_SERVER
  if (want === 'ref') return (kindCache = { kind: 'reference', why: 'SYMPHONY_CLIENT_TEST_SERVER=ref' })
  const r = fs.existsSync(BIN) ? spawnSync(BIN, ['serve', '--help'], { timeout: 5000, encoding: 'utf8' }) : null
  if (r && r.status === 0) return (kindCache = { kind: 'symphony', why: `${path.relative(ROOT, BIN)} serve` })
  const why = r ? `'${path.relative(ROOT, BIN)} serve --help' failed: ${(r.stderr || r.stdout || '').trim().split('\n')[0]}` : `${path.relative(ROOT, BIN)} is missing`
  if (want === 'symphony') throw new Error(`SYMPHONY_CLIENT_TEST_SERVER=symphony but ${why}`)
  return (kindCache = { kind: 'reference', why })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function httpGet(port: number, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, timeout: 1000 }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('timeout')))
  })
}

export interface StartOptions {
  /** Serve these static files at `/` (the built whiteboard). */
  staticDir?: string
  /** A name for the log file. */
  name?: string
}

/** One server, restartable on the same port with the same data. */
export class TestServer {
  readonly kind: ServerKind
  readonly dataDir: string
  /** The port clients use (the front's port in reference mode with static files). */
  port = 0
  private backendPort = 0
  private proc: ChildProcess | null = null
  private front: http.Server | null = null
  private starts = 0

  constructor(private opts: StartOptions = {}) {
    this.kind = serverKind().kind
    fs.mkdirSync(OUT, { recursive: true })
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'symphony-client-test-'))
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get logPath(): string {
    return path.join(OUT, `${this.opts.name ?? 'server'}-${this.starts}.log`)
  }

  async start(): Promise<this> {
    if (!this.port) {
      this.backendPort = await freePort()
      this.port = this.backendPort
      if (this.kind === 'reference' && this.opts.staticDir) {
        this.front = await startFront(this.opts.staticDir, () => this.backendPort)
        this.port = (this.front.address() as net.AddressInfo).port
      }
    }
    this.starts++
    const fd = fs.openSync(this.logPath, 'w')
    let cmd: string
    let args: string[]
    let env = process.env
    if (this.kind === 'symphony') {
      cmd = BIN
      args = ['serve', '--host', '127.0.0.1', '--port', String(this.backendPort), '--data', this.dataDir, '--fsync', 'normal']
      args.push('--static-dir', this.opts.staticDir ?? 'none')
    } else {
      cmd = process.execPath
      args = [path.join(ROOT, 'node_modules/@y/websocket-server/src/server.js')]
      env = { ...process.env, HOST: '127.0.0.1', PORT: String(this.backendPort), YPERSISTENCE: path.join(this.dataDir, 'leveldb') }
    }
    fs.writeSync(fd, `# ${cmd} ${args.join(' ')}\n`)
    const proc = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', fd, fd] })
    fs.closeSync(fd)
    this.proc = proc
    let exited = false
    proc.on('exit', () => {
      exited = true
    })
    const readyPath = this.kind === 'symphony' ? '/healthz' : '/'
    const deadline = Date.now() + 15000
    for (;;) {
      if (exited) throw new Error(`server exited during startup; log ${this.logPath}:\n${this.logTail()}`)
      try {
        if ((await httpGet(this.backendPort, readyPath)) === 200) return this
      } catch {}
      if (Date.now() > deadline) throw new Error(`server not ready after 15 s; log ${this.logPath}:\n${this.logTail()}`)
      await sleep(50)
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s); the front, if any, stays up. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const done = new Promise<void>((r) => proc.once('exit', () => r()))
    proc.kill(signal)
    const t = setTimeout(() => proc.kill('SIGKILL'), 10000)
    await done
    clearTimeout(t)
    this.proc = null
  }

  async restart(): Promise<void> {
    await this.stop()
    await this.start()
  }

  /** Stops everything and removes the data directory. */
  async close(): Promise<void> {
    await this.stop()
    if (this.front) {
      this.front.closeAllConnections?.()
      await new Promise<void>((r) => this.front!.close(() => r()))
      this.front = null
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true })
  }

  logTail(lines = 30): string {
    try {
      return fs.readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n')
    } catch {
      return '(no log)'
    }
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon'
}

/** Static files from `dir` and every WebSocket upgrade piped to the backend, on one port. */
function startFront(dir: string, backendPort: () => number): Promise<http.Server> {
  const root = path.resolve(dir)
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    let file = path.join(root, decodeURIComponent(url.pathname))
    if (!file.startsWith(root)) {
      res.writeHead(403).end()
      return
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html')
    if (!fs.existsSync(file)) file = path.join(root, 'index.html')
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
    fs.createReadStream(file).pipe(res)
  })
  server.on('upgrade', (req, socket, head) => {
    const upstream = net.connect(backendPort(), '127.0.0.1', () => {
      let raw = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`
      for (let i = 0; i < req.rawHeaders.length; i += 2) raw += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`
      upstream.write(raw + '\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
    upstream.on('close', () => socket.destroy())
    socket.on('close', () => upstream.destroy())
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}
