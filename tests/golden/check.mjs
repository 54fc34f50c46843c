#!/usr/bin/env node
// Runs the symphony binary over every golden vector in tests/golden/vectors/ (see generate.mjs)
// and compares with what Yjs produced.
//
//   node tests/golden/check.mjs [--bin PATH] [--filter SUBSTR] [--jobs K] [--verbose]
//
// Per case: `doc apply` of the v1 stream and of the v2 stream (--v2): --out must equal
// <name>.state byte for byte, --sv <name>.sv, --json the JSON view in <name>.json; `doc diff
// --state <name>.state --sv <name>.diff.sv` must equal <name>.diff. Malformed cases must exit
// with status 2 and one stderr line naming the bad update's index.
import * as Y from 'yjs'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  resolveBin, requireBin, runBin, describeRun, bytesEqual, describeByteDiff, compareJsonView,
  semanticCheck, jsonViewOfState, svToPlain, refDocFromStream, ambiguityInfo, readFramed
} from '../js/lib/common.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const VEC = path.join(HERE, 'vectors')
const argv = process.argv.slice(2)
const opt = { bin: undefined, filter: null, jobs: 2, verbose: false }
for (let i = 0; i < argv.length; i++) {
  switch (argv[i]) {
    case '--bin': opt.bin = argv[++i]; break
    case '--filter': opt.filter = argv[++i]; break
    case '--jobs': opt.jobs = Math.max(1, parseInt(argv[++i], 10)); break
    case '--verbose': case '-v': opt.verbose = true; break
    default:
      console.error(`usage: node tests/golden/check.mjs [--bin PATH] [--filter SUBSTR] [--jobs K] [--verbose]\nunknown argument ${argv[i]}`)
      process.exit(2)
  }
}
const bin = requireBin(resolveBin(opt.bin), 'golden')
const index = JSON.parse(fs.readFileSync(path.join(VEC, 'index.json'), 'utf8'))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'symphony-golden-'))
process.on('exit', () => { try { fs.rmSync(tmp, { recursive: true, force: true }) } catch {} })
const read = (f) => new Uint8Array(fs.readFileSync(path.join(VEC, f)))

let running = 0
const waiters = []
const acquire = () => running < opt.jobs ? (running++, Promise.resolve()) : new Promise(resolve => waiters.push(resolve))
const release = () => { const w = waiters.shift(); if (w) w(); else running-- }
const run = async (args) => { await acquire(); try { return await runBin(bin, args, { timeout: 60_000 }) } finally { release() } }

/** @return {Promise<string|null>} failure message */
const checkApply = async (c, v2) => {
  const tag = `${c.name}${v2 ? '.v2' : ''}`
  const out = path.join(tmp, `${tag}.out`)
  const sv = path.join(tmp, `${tag}.svout`)
  const r = await run(['doc', 'apply', '--updates', path.join(VEC, `${tag}.updates`), ...(v2 ? ['--v2'] : []), '--out', out, '--sv', sv, ...(c.json ? ['--json'] : [])])
  if (r.code !== 0) return `doc apply ${describeRun(r)}`
  const expState = read(`${c.name}.state`)
  const expSv = read(`${c.name}.sv`)
  const problems = []
  let gotState = null
  try { gotState = new Uint8Array(fs.readFileSync(out)) } catch { problems.push('--out not written') }
  if (gotState && !bytesEqual(gotState, expState)) {
    problems.push(`--out differs: ${describeByteDiff(expState, gotState)}`)
    // explain semantically
    const d = new Y.Doc()
    Y.applyUpdate(d, expState)
    const ref = { sv: expSv, ds: Y.createDeleteSetFromStructStore(d.store), pending: !!c.pendingAtEnd }
    d.destroy()
    const m = semanticCheck(gotState, ref, c.roots, jsonViewOfState(expState, c.roots))
    problems.push(m ? `semantically: ${m}` : 'semantically equal (same content, state vector, delete set) — bytes differ only')
  }
  try {
    const gotSv = new Uint8Array(fs.readFileSync(sv))
    if (!bytesEqual(gotSv, expSv)) {
      let plain
      try { plain = JSON.stringify(svToPlain(gotSv)) } catch { plain = Buffer.from(gotSv).toString('hex') }
      problems.push(`--sv differs: expected ${JSON.stringify(svToPlain(expSv))}, got ${plain}`)
    }
  } catch { problems.push('--sv not written') }
  if (c.json) {
    const text = r.stdout.toString('utf8')
    let parsed
    try { parsed = JSON.parse(text) } catch (e) { problems.push(`--json output is not JSON (${e.message}): ${text.slice(0, 200)}`) }
    if (parsed !== undefined) {
      const expected = JSON.parse(fs.readFileSync(path.join(VEC, `${c.name}.json`), 'utf8'))
      const ref = refDocFromStream(readFramed(read(`${c.name}.updates`)), false)
      const res = compareJsonView(parsed, c.roots, expected, ambiguityInfo(ref))
      ref.destroy()
      if (!res.ok) problems.push(res.msg)
      else if (opt.verbose && (res.skipped.length || res.ambiguous.length)) console.log(`  note ${tag}: json roots skipped: [${res.skipped}] ambiguous: [${res.ambiguous}]`)
    }
  }
  return problems.length ? problems.join('\n      ') : null
}

const checkDiff = async (c) => {
  const out = path.join(tmp, `${c.name}.diffout`)
  const r = await run(['doc', 'diff', '--state', path.join(VEC, `${c.name}.state`), '--sv', path.join(VEC, `${c.name}.diff.sv`), '--out', out])
  if (r.code !== 0) return `doc diff ${describeRun(r)}`
  let got
  try { got = new Uint8Array(fs.readFileSync(out)) } catch { return 'doc diff: --out not written' }
  const exp = read(`${c.name}.diff`)
  return bytesEqual(got, exp) ? null : `doc diff differs from Y.diffUpdate: ${describeByteDiff(exp, got)}`
}

const checkMalformed = async (c) => {
  const r = await run(['doc', 'apply', '--updates', path.join(VEC, `${c.name}.updates`), '--out', path.join(tmp, `${c.name}.out`), '--json'])
  if (r.code !== c.expectExit) return `expected exit ${c.expectExit}, got ${describeRun(r)}`
  const lines = r.stderr.toString('utf8').split('\n').filter(l => l.trim() !== '')
  if (lines.length !== 1) return `expected exactly one stderr line, got ${lines.length}: ${JSON.stringify(lines.slice(0, 3))}`
  if (!new RegExp(`\\b${c.badUpdateIndex}\\b`).test(lines[0])) return `stderr line does not name update index ${c.badUpdateIndex}: ${lines[0]}`
  return null
}

const main = async () => {
  const cases = index.cases.filter(c => !opt.filter || c.name.includes(opt.filter))
  const tests = []
  for (const c of cases) {
    if (c.malformed) tests.push({ id: `${c.name}`, fn: () => checkMalformed(c) })
    else {
      tests.push({ id: `${c.name} [v1]`, fn: () => checkApply(c, false) })
      tests.push({ id: `${c.name} [v2]`, fn: () => checkApply(c, true) })
      tests.push({ id: `${c.name} [diff]`, fn: () => checkDiff(c) })
    }
  }
  const t0 = performance.now()
  const results = await Promise.all(tests.map(async t => {
    try { return { t, err: await t.fn() } } catch (e) { return { t, err: `harness error: ${e.stack}` } }
  }))
  let failed = 0
  for (const { t, err } of results) {
    if (err) { failed++; console.log(`FAIL ${t.id}\n      ${err}`) } else if (opt.verbose) console.log(`ok   ${t.id}`)
  }
  console.log(`golden: ${cases.length} cases (Yjs ${index.yjs}), ${tests.length} checks in ${((performance.now() - t0) / 1000).toFixed(1)}s`)
  console.log(`golden vectors: ${tests.length - failed} passed, ${failed} failed`)
  process.exitCode = failed ? 1 : 0
}
main().catch(e => { console.error(e); process.exit(1) })
