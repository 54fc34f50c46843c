// Starting and stopping the server under test: `symphony serve`, or (SYMPHONY_TEST_SERVER=ref)
// the reference servers the tests are validated against: @y/websocket-server for the
// y-websocket protocol and @hocuspocus/server (tests/server/ref/) for the Hocuspocus protocol.
//
// Environment:
//   SYMPHONY_TEST_SERVER  symphony (default) | ref
//   SYMPHONY_BIN          the binary (default build/symphony)
//   SYMPHONY_TEST_LOG_LEVEL  --log-level given to symphony (default debug)
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { request, rssBytes, sleep } from './util.mjs'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const OUT_DIR = path.join(ROOT, 'tests/out/server')
export const MODE = process.env.SYMPHONY_TEST_SERVER === 'ref' ? 'ref' : 'symphony'
export const BIN = path.resolve(ROOT, process.env.SYMPHONY_BIN || 'build/symphony')
const LOG_LEVEL = process.env.SYMPHONY_TEST_LOG_LEVEL || 'debug'

let availability = null
// Whether `symphony serve` can run here: { ok, reason }. Cached.
export function symphonyAvailability () {
  if (availability) return availability
  if (!fs.existsSync(BIN)) {
    availability = { ok: false, reason: `${path.relative(ROOT, BIN)} does not exist (build it: ninja -C build symphony)` }
  } else {
    const r = spawnSync(BIN, ['serve', '--help'], { timeout: 5000, encoding: 'utf8' })
    if (r.status !== 0) {
      const first = `${r.stderr || ''}${r.stdout || ''}`.trim().split('\n')[0] || r.error?.message || ''
      availability = { ok: false, reason: `'${path.relative(ROOT, BIN)} serve --help' failed (status ${r.status}): ${first}` }
    } else {
      availability = { ok: true, reason: '' }
    }
  }
  return availability
}

// A port that was free a moment ago (listen on 0, close, reuse).
export function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

let dataDirCounter = 0
export function makeDataDir (name) {
  fs.mkdirSync(OUT_DIR, { recursive: true })
  const dir = path.join(OUT_DIR, `data-${name}-${process.pid}-${++dataDirCounter}`)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

// One server process. `kind`: 'symphony' | 'ref-yws' | 'ref-hocuspocus'.
// `args`: extra symphony flags as { 'room-grace-ms': 500, ... } (ignored by the references).
export class ServerProcess {
  constructor ({ kind, port, dataDir, args = {}, logName, hocuspocusVersion = 4 }) {
    Object.assign(this, { kind, port, dataDir, args, logName, hocuspocusVersion })
    this.starts = 0
    this.proc = null
    this.exited = null
  }

  get isRef () { return this.kind !== 'symphony' }
  get pid () { return this.proc?.pid }
  get running () { return this.proc !== null && this.exitStatus === undefined }
  // Base URL for y-websocket clients (WebsocketProvider appends /<room>).
  get wsBase () { return `ws://127.0.0.1:${this.port}` }
  get hocuspocusUrl () { return `ws://127.0.0.1:${this.port}/hocuspocus` }
  roomUrl (room) { return `${this.wsBase}/${encodeURIComponent(room)}` }
  http (method, p, opts) { return request(this.port, method, p, opts) }
  rss () { return this.running ? rssBytes(this.pid) : Promise.resolve(0) }

  commandLine () {
    if (this.kind === 'symphony') {
      const a = ['serve', '--host', '127.0.0.1', '--port', String(this.port), '--data', this.dataDir]
      const args = { 'log-level': LOG_LEVEL, ...this.args }
      for (const [k, v] of Object.entries(args)) if (v !== undefined && v !== null) a.push(`--${k}`, String(v))
      // The test's own SYMPHONY_* variables must not reach the server, which reads SYMPHONY_<OPTION>.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SYMPHONY_')))
      return { cmd: BIN, argv: a, env }
    }
    if (this.kind === 'ref-yws') {
      return {
        cmd: process.execPath,
        argv: [path.join(ROOT, 'node_modules/@y/websocket-server/src/server.js')],
        env: { ...process.env, HOST: '127.0.0.1', PORT: String(this.port) }
      }
    }
    return {
      cmd: process.execPath,
      argv: [path.join(ROOT, 'tests/server/ref/hocuspocus-server.mjs'), '--port', String(this.port),
        '--version', String(this.hocuspocusVersion)],
      env: process.env
    }
  }

  get logPath () { return path.join(OUT_DIR, `${this.logName}-${this.starts}.log`) }

  // Spawns the process and waits (bounded) until GET /healthz answers 200.
  async start ({ readyTimeout = 10000 } = {}) {
    this.starts++
    fs.mkdirSync(OUT_DIR, { recursive: true })
    const { cmd, argv, env } = this.commandLine()
    const fd = fs.openSync(this.logPath, 'w')
    fs.writeSync(fd, `# ${cmd} ${argv.join(' ')}\n`)
    this.proc = spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', fd, fd] })
    fs.closeSync(fd)
    this.exitStatus = undefined
    const proc = this.proc
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        if (proc === this.proc) this.exitStatus = { code, signal }
        resolve({ code, signal })
      })
      proc.on('error', (err) => {
        if (proc === this.proc) this.exitStatus = { code: null, signal: null, error: err }
        resolve({ code: null, signal: null, error: err })
      })
    })
    const deadline = Date.now() + readyTimeout
    for (;;) {
      if (this.exitStatus !== undefined) {
        throw new Error(`server exited during startup (${JSON.stringify(this.exitStatus)}); log ${this.logPath}:\n${this.logTail()}`)
      }
      try {
        const r = await this.http('GET', '/healthz', { timeout: 1000 })
        if (r.status === 200) return this
      } catch {}
      if (Date.now() > deadline) {
        throw new Error(`server not ready (GET /healthz != 200) after ${readyTimeout} ms; log ${this.logPath}:\n${this.logTail()}`)
      }
      await sleep(50)
    }
  }

  // Sends `signal` and waits up to `timeout` ms for the exit. Resolves { code, signal, ms,
  // timedOut }; on a time-out the process is killed with SIGKILL.
  async stop (signal = 'SIGTERM', timeout = 10000) {
    if (!this.running) return { ...(this.exitStatus || {}), ms: 0, timedOut: false }
    const t0 = Date.now()
    this.proc.kill(signal)
    let timer
    const res = await Promise.race([
      this.exited,
      new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeout) })
    ])
    clearTimeout(timer)
    if (res === null) {
      this.proc.kill('SIGKILL')
      const r = await this.exited
      return { ...r, ms: Date.now() - t0, timedOut: true }
    }
    return { ...res, ms: Date.now() - t0, timedOut: false }
  }

  kill9 () { return this.stop('SIGKILL', 10000) }

  // Starts the same server again (same port, same data directory).
  async restart (opts) {
    if (this.running) await this.kill9()
    return this.start(opts)
  }

  logTail (lines = 40) {
    try {
      const s = fs.readFileSync(this.logPath, 'utf8').split('\n')
      return s.slice(-lines - 1).join('\n')
    } catch {
      return '(no log)'
    }
  }
}
