#!/usr/bin/env node
// Replays every editing trace through the symphony binary and checks the final text.
//
//   node tests/traces/check.mjs [--bin PATH] [--traces DIR] [--out DIR] [--only NAME,...] [--text-only]
//
// Streams are (re)built by make_streams.mjs into build/traces/ when missing or stale. For each
// trace: `symphony doc apply --updates <name>.updates --out O --sv S --json`, then
//   - the "text" root of the --json output must equal the trace's endContent
//   - O must equal Yjs's encodeStateAsUpdate byte for byte and S its state vector
//     (skipped with --text-only)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defaultTracesDir, defaultOutDir, listTraces, makeStream } from './make_streams.mjs'
import { resolveBin, requireBin, runBin, describeRun, bytesEqual, describeByteDiff } from '../js/lib/common.mjs'

const argv = process.argv.slice(2)
const opt = { bin: undefined, traces: defaultTracesDir(), out: defaultOutDir(), only: null, textOnly: false }
for (let i = 0; i < argv.length; i++) {
  switch (argv[i]) {
    case '--bin': opt.bin = argv[++i]; break
    case '--traces': opt.traces = path.resolve(argv[++i]); break
    case '--out': opt.out = path.resolve(argv[++i]); break
    case '--only': opt.only = argv[++i].split(','); break
    case '--text-only': opt.textOnly = true; break
    default:
      console.error(`usage: node tests/traces/check.mjs [--bin PATH] [--traces DIR] [--out DIR] [--only NAME,...] [--text-only]\nunknown argument ${argv[i]}`)
      process.exit(2)
  }
}
const bin = requireBin(resolveBin(opt.bin), 'traces')
if (!fs.existsSync(opt.traces)) { console.error(`traces: no traces directory at ${opt.traces} (set SYMPHONY_TRACES_DIR or --traces)`); process.exit(3) }
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'symphony-traces-'))
process.on('exit', () => { try { fs.rmSync(tmp, { recursive: true, force: true }) } catch {} })

const firstDiffAt = (a, b) => { let i = 0; while (i < a.length && i < b.length && a[i] === b[i]) i++; return i }

const main = async () => {
  let passed = 0
  let failed = 0
  for (const name of listTraces(opt.traces).filter(n => !opt.only || opt.only.includes(n))) {
    let stream
    try {
      stream = makeStream(opt.traces, opt.out, name)
    } catch (e) {
      failed++
      console.log(`FAIL ${name}: building the Yjs stream failed: ${e.message}`)
      continue
    }
    const base = path.join(opt.out, name)
    const o = path.join(tmp, `${name}.out`)
    const s = path.join(tmp, `${name}.sv`)
    const r = await runBin(bin, ['doc', 'apply', '--updates', stream.updatesFile, '--out', o, '--sv', s, '--json'], { timeout: 600_000 })
    const problems = []
    if (r.code !== 0) problems.push(`doc apply ${describeRun(r)}`)
    else {
      const end = fs.readFileSync(`${base}.txt`, 'utf8')
      let parsed
      try { parsed = JSON.parse(r.stdout.toString('utf8')) } catch (e) { problems.push(`--json output is not JSON: ${e.message}`) }
      if (parsed !== undefined) {
        const got = parsed && parsed.text
        if (typeof got !== 'string') problems.push(`--json has no string root "text" (keys: ${parsed && typeof parsed === 'object' ? Object.keys(parsed).join(',') : typeof parsed})`)
        else if (got !== end) {
          const i = firstDiffAt(got, end)
          problems.push(`text differs from endContent: length ${got.length} vs ${end.length}, first difference at char ${i}: got ${JSON.stringify(got.slice(i, i + 40))}, expected ${JSON.stringify(end.slice(i, i + 40))}`)
        }
      }
      if (!opt.textOnly) {
        const expState = new Uint8Array(fs.readFileSync(`${base}.state`))
        const expSv = new Uint8Array(fs.readFileSync(`${base}.sv`))
        let gotState, gotSv
        try { gotState = new Uint8Array(fs.readFileSync(o)) } catch { problems.push('--out not written') }
        try { gotSv = new Uint8Array(fs.readFileSync(s)) } catch { problems.push('--sv not written') }
        if (gotState && !bytesEqual(gotState, expState)) problems.push(`--out differs from Y.encodeStateAsUpdate: ${describeByteDiff(expState, gotState)}`)
        if (gotSv && !bytesEqual(gotSv, expSv)) problems.push(`--sv differs: expected ${Buffer.from(expSv).toString('hex')}, got ${Buffer.from(gotSv).toString('hex')}`)
      }
    }
    const what = `${name} (${stream.meta.kind}, ${stream.meta.updates} updates, engine ${(r.ms / 1000).toFixed(2)}s)`
    if (problems.length) { failed++; console.log(`FAIL ${what}\n      ${problems.join('\n      ')}`) } else { passed++; console.log(`ok   ${what}`) }
  }
  console.log(`traces: ${passed} passed, ${failed} failed`)
  process.exitCode = failed ? 1 : 0
}
main().catch(e => { console.error(e); process.exit(1) })
