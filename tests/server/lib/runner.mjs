// A tiny test runner for the end-to-end tests: one line per test, bounded time per test,
// servers and clients cleaned up after each test, server log tails printed on failure.
//
//   const s = new Suite('presence')
//   s.test('late joiner gets states', async (ctx) => { const srv = await ctx.server(); ... })
//   s.test('timeout', fn, { symphonyOnly: 'the reference has a fixed 30 s timeout' })
//   await s.run()
//
// Output: "ok   suite: name (1.2 s)", "SKIP suite: name: reason", "FAIL suite: name: error" (with
// the test's log, the error stack and each server's log tail), then
// "suite: N passed, M failed, K skipped". Exit status 1 when a test failed.
// Environment: TEST_GREP=substring runs only the matching tests; VERBOSE=1 prints ctx.log lines
// of passing tests too.
import fs from 'node:fs'
import { MODE, ServerProcess, freePort, makeDataDir, symphonyAvailability } from './server.mjs'

class Skip extends Error {}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)

export class Suite {
  constructor (name) {
    this.name = name
    this.tests = []
  }

  // opts: { timeout (ms, default 60000), symphonyOnly: 'why the references cannot run it' }
  test (name, fn, opts = {}) {
    this.tests.push({ name, fn, opts })
  }

  async run () {
    const grep = process.env.TEST_GREP
    // An exception thrown outside a test's promise chain (a client library's callback, say) fails
    // the running test instead of killing the process.
    let failCurrent = null
    const onUncaught = (err) => {
      if (failCurrent) failCurrent(err)
      else console.log(`uncaught error between tests: ${err?.stack ?? err}`)
    }
    process.on('uncaughtException', onUncaught)
    process.on('unhandledRejection', onUncaught)
    const counts = { passed: 0, failed: 0, skipped: 0 }
    for (const t of this.tests) {
      if (grep && !`${this.name}: ${t.name}`.includes(grep)) continue
      const label = `${this.name}: ${t.name}`
      const skipReason = this.skipReason(t)
      if (skipReason) {
        console.log(`SKIP ${label}: ${skipReason}`)
        counts.skipped++
        continue
      }
      const ctx = new Context(this, t)
      const t0 = Date.now()
      const timeout = t.opts.timeout ?? 60000
      let timer
      let outcome
      try {
        await Promise.race([
          t.fn(ctx),
          new Promise((resolve, reject) => {
            timer = setTimeout(() => reject(new Error(`test timed out after ${timeout} ms`)), timeout)
            failCurrent = (err) => reject(new Error(`uncaught error: ${err?.stack ?? err}`))
          })
        ])
        outcome = { kind: 'pass' }
      } catch (err) {
        outcome = err instanceof Skip ? { kind: 'skip', reason: err.message } : { kind: 'fail', err }
      }
      clearTimeout(timer)
      failCurrent = null
      const cleanupErrors = await ctx.cleanup(outcome.kind === 'pass')
      for (const e of cleanupErrors) ctx.log(`cleanup error: ${e?.message ?? e}`)
      const secs = ((Date.now() - t0) / 1000).toFixed(1)
      if (outcome.kind === 'pass') {
        counts.passed++
        console.log(`ok   ${label} (${secs} s)`)
        for (const n of ctx.notes) console.log(`       note: ${n}`)
        if (process.env.VERBOSE) for (const l of ctx.lines) console.log(`       ${l}`)
      } else if (outcome.kind === 'skip') {
        counts.skipped++
        console.log(`SKIP ${label}: ${outcome.reason}`)
      } else {
        counts.failed++
        console.log(`FAIL ${label} (${secs} s): ${outcome.err?.message ?? outcome.err}`)
        for (const n of ctx.notes) console.log(`       note: ${n}`)
        for (const l of ctx.lines) console.log(`       ${l}`)
        if (outcome.err?.stack) console.log(outcome.err.stack.split('\n').slice(1, 6).map((l) => `       ${l.trim()}`).join('\n'))
        for (const s of ctx.servers) {
          console.log(`       --- server log ${s.logPath} (tail)`)
          console.log(s.logTail(30).split('\n').map((l) => `       | ${l}`).join('\n'))
        }
      }
    }
    console.log(`${this.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
    // Clients and timers left by libraries must not keep the process alive.
    process.exit(counts.failed ? 1 : 0)
  }

  skipReason (t) {
    if (MODE === 'ref') {
      return t.opts.symphonyOnly ? `needs Symphony (${t.opts.symphonyOnly}); reference mode` : null
    }
    const a = symphonyAvailability()
    return a.ok ? null : `server not available: ${a.reason}`
  }
}

class Context {
  constructor (suite, t) {
    this.suite = suite
    this.testName = t.name
    this.isRef = MODE === 'ref'
    this.servers = []
    this.cleanups = []
    this.dataDirs = []
    this.lines = []
    this.notes = []
  }

  log (...args) { this.lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')) }
  // Printed even when the test passes: use for assertions skipped in reference mode.
  note (msg) { this.notes.push(msg) }
  skip (reason) { throw new Skip(reason) }
  defer (fn) { this.cleanups.push(fn) }

  // Starts a server for this test and waits until it is ready.
  //   protocol: 'yws' | 'hocuspocus' | 'both' (which references to start in ref mode; 'both'
  //             skips the test in ref mode, the two references are separate servers)
  //   args:     symphony flags, e.g. { 'room-grace-ms': 500 }
  //   dataDir:  reuse a data directory (default: a new one)
  //   hocuspocusVersion: 3 | 4, the reference server's major version in ref mode
  async server ({ protocol = 'yws', args = {}, dataDir, hocuspocusVersion = 4, name = '' } = {}) {
    let kind = 'symphony'
    if (this.isRef) {
      if (protocol === 'both') this.skip('needs one server speaking both protocols; the references are separate servers')
      kind = protocol === 'hocuspocus' ? 'ref-hocuspocus' : 'ref-yws'
    }
    if (!dataDir) {
      dataDir = makeDataDir(slug(`${this.suite.name}-${this.testName}`))
      this.dataDirs.push(dataDir)
    }
    const s = new ServerProcess({
      kind,
      port: await freePort(),
      dataDir,
      args,
      hocuspocusVersion,
      logName: slug(`${this.suite.name}-${this.testName}${name ? '-' + name : ''}`) + (this.servers.length ? `-s${this.servers.length}` : '')
    })
    this.servers.push(s)
    await s.start()
    return s
  }

  async cleanup (passed) {
    const errors = []
    for (const fn of this.cleanups.reverse()) {
      try {
        await Promise.race([fn(), new Promise((resolve) => setTimeout(resolve, 3000))])
      } catch (e) {
        errors.push(e)
      }
    }
    for (const s of this.servers) {
      if (s.running) await s.kill9()
    }
    if (passed) for (const d of this.dataDirs) fs.rmSync(d, { recursive: true, force: true })
    return errors
  }
}

export { freePort }
