// Helpers of the dashboard tests: the server process, HTTP calls, a stats event from
// /api/events, polling, and a tiny sequential runner ("ok" / "FAIL" per step).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const OUT = path.join(ROOT, 'tests/out/dashboard')
export const BIN = path.resolve(ROOT, process.env.SYMPHONY_BIN || 'build/symphony')
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// One HTTP request: { status, headers, body (string), json (parsed or undefined) }.
export function request (port, method, p, { body, headers = {}, timeout = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, timeout }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json
        try { json = JSON.parse(text) } catch {}
        resolve({ status: res.statusCode, headers: res.headers, body: text, json })
      })
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${p}: timed out`)))
    req.on('error', reject)
    if (body) req.write(body)
    req.end()
  })
}

// The next `stats` event of /api/events, parsed.
export function nextStats (port, headers = {}, timeout = 5000) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/events', headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        req.destroy()
        return reject(new Error(`/api/events answered ${res.statusCode}`))
      }
      let buf = ''
      res.on('data', (d) => {
        buf += d.toString('utf8')
        const m = /event: stats\ndata: (.*)\n\n/.exec(buf)
        if (m) {
          req.destroy()
          resolve(JSON.parse(m[1]))
        }
      })
    })
    req.setTimeout(timeout, () => req.destroy(new Error('no stats event')))
    req.on('error', (e) => { if (e.code !== 'ECONNRESET') reject(e) })
  })
}

// `symphony serve` on a free port with a fresh data directory under tests/out/dashboard.
export class Server {
  constructor (name, args = {}) {
    this.name = name
    this.args = args
    this.dataDir = path.join(OUT, `data-${name}-${process.pid}`)
    fs.rmSync(this.dataDir, { recursive: true, force: true })
    fs.mkdirSync(this.dataDir, { recursive: true })
    this.starts = 0
  }

  get url () { return `http://127.0.0.1:${this.port}` }
  get ws () { return `ws://127.0.0.1:${this.port}` }
  get logPath () { return path.join(OUT, `server-${this.name}-${this.starts}.log`) }
  http (method, p, opts) { return request(this.port, method, p, opts) }

  async start () {
    this.port ??= await freePort()
    this.starts++
    const argv = ['serve', '--host', '127.0.0.1', '--port', String(this.port), '--data', this.dataDir,
      '--static-dir', 'none', '--log-level', 'info']
    for (const [k, v] of Object.entries(this.args)) argv.push(`--${k}`, String(v))
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SYMPHONY_')))
    const fd = fs.openSync(this.logPath, 'w')
    this.proc = spawn(BIN, argv, { cwd: ROOT, env, stdio: ['ignore', fd, fd] })
    fs.closeSync(fd)
    const proc = this.proc
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })))
    let dead = null
    this.exited.then((s) => { dead = s })
    const deadline = Date.now() + 10000
    for (;;) {
      if (dead) throw new Error(`server exited at start (${JSON.stringify(dead)}):\n${this.logTail()}`)
      try {
        if ((await this.http('GET', '/healthz', { timeout: 1000 })).status === 200) return this
      } catch {}
      if (Date.now() > deadline) throw new Error(`server not ready after 10 s:\n${this.logTail()}`)
      await sleep(50)
    }
  }

  async stop (signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return
    this.proc.kill(signal)
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 12000)
    await this.exited
    clearTimeout(t)
  }

  logTail (n = 30) {
    try { return fs.readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-n).join('\n') } catch { return '(no log)' }
  }
}

// Polls `fn` (returning { ok, got }) until ok, or throws naming `what` and the last `got`.
export async function eventually (what, fn, timeout = 10000, every = 150) {
  const deadline = Date.now() + timeout
  let last
  for (;;) {
    try {
      last = await fn()
      if (last.ok) return last.got
    } catch (err) {
      last = { got: `error: ${err.message}` }
    }
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${timeout} ms; last seen: ${JSON.stringify(last.got)}`)
    await sleep(every)
  }
}

export function assert (cond, message) {
  if (!cond) throw new Error(message)
}

export function assertEqual (got, want, what) {
  const g = JSON.stringify(got)
  const w = JSON.stringify(want)
  if (g !== w) throw new Error(`${what}: got ${g}, want ${w}`)
}

// Sequential steps with a time limit each. A failed step is reported and the run goes on
// (`onFail(name)` can save a screenshot); `critical` steps end the run when they fail.
export class Steps {
  constructor (suite) {
    this.suite = suite
    this.passed = 0
    this.failed = []
    this.stopped = false
  }

  async step (name, fn, { timeout = 30000, critical = false, onFail } = {}) {
    if (this.stopped) return false
    const t0 = Date.now()
    let timer
    try {
      await Promise.race([fn(), new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeout} ms`)), timeout)
      })])
      clearTimeout(timer)
      this.passed++
      console.log(`ok   ${this.suite}: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
      return true
    } catch (err) {
      clearTimeout(timer)
      this.failed.push(name)
      console.log(`FAIL ${this.suite}: ${name}: ${err?.stack ?? err}`)
      if (onFail) await Promise.resolve(onFail(name)).catch(() => {})
      if (critical) this.stopped = true
      return false
    }
  }

  summary () {
    if (this.stopped) console.log(`${this.suite}: stopped after a critical step failed`)
    for (const f of this.failed) console.log(`${this.suite}: FAILED: ${f}`)
    console.log(`${this.suite}: ${this.passed} passed, ${this.failed.length} failed`)
    return this.failed.length === 0
  }
}
