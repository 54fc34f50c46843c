// Generates golden vectors for src/crdt/updates_test.cc and snapshot_test.cc from real Yjs.
//
// Usage (yjs 13.6 and lib0 resolvable from the working directory, e.g. the repo root after
// `npm ci`, or a scratch dir with `npm i yjs@13.6`):
//   node src/crdt/testdata/gen_update_vectors.mjs > src/crdt/testdata/update_vectors.txt
//   node src/crdt/testdata/gen_update_vectors.mjs --cases    # the hand-written cases, as C++
//
// update_vectors.txt has one case per line, tokens separated by spaces:
//   merge <v1|v2> <update hex>... = <expected hex>
//   diff <v1|v2> <update hex> <state vector hex> = <expected hex>
//   convert <v1v2|v2v1> <update hex> = <expected hex>
//   sv <v1|v2> <update hex> = <expected hex>               (encodeStateVectorFromUpdate)
//   meta <v1|v2> <update hex> = <from> <to>                (client:clock,... sorted by client; - if empty)
//   snapshot <v1|v2> <snapshot hex (v1 encoding)> = <expected encoding hex in that format>
// An empty update is written as "-".
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(path.join(process.cwd(), 'noop.js'))
const Y = require('yjs')
const prng = require('lib0/prng')

const hex = (u) => (u.length === 0 ? '-' : Buffer.from(u).toString('hex'))
const metaStr = (m) => {
  const e = [...m.entries()].sort((a, b) => a[0] - b[0])
  return e.length === 0 ? '-' : e.map(([c, k]) => `${c}:${k}`).join(',')
}

// ---------------------------------------------------------------------------------------------
// Hand-written cases (printed as C++ with --cases)

const handCases = () => {
  const out = []
  const add = (name, v) => out.push([name, v])

  // Two consecutive text updates from one client.
  {
    const d = new Y.Doc(); d.clientID = 1
    const ups = []; const ups2 = []
    d.on('update', (u) => ups.push(u)); d.on('updateV2', (u) => ups2.push(u))
    d.getText('t').insert(0, 'hello')
    d.getText('t').insert(5, ' world')
    add('kTextA', ups[0]); add('kTextB', ups[1])
    add('kTextMergedV1', Y.mergeUpdates(ups))
    add('kTextA2', ups2[0]); add('kTextB2', ups2[1])
    add('kTextMergedV2', Y.mergeUpdatesV2(ups2))
    add('kTextMergedBA', Y.mergeUpdates([ups[1], ups[0]]))
  }
  // A gap: updates 1 and 3 of 3 give a Skip struct.
  {
    const d = new Y.Doc(); d.clientID = 7
    const ups = []
    d.on('update', (u) => ups.push(u))
    const a = d.getArray('a')
    a.insert(0, [1, 2]); a.insert(2, ['x']); a.insert(3, [true, null])
    add('kGap1', ups[0]); add('kGap3', ups[2])
    add('kGapMerged', Y.mergeUpdates([ups[0], ups[2]]))
    add('kGapMergedAll', Y.mergeUpdates([ups[2], ups[0], ups[1]]))
    add('kGapDiffSv', Y.encodeStateVectorFromUpdate(Y.mergeUpdates([ups[0], ups[2]])))
  }
  // Overlap: a prefix update and the full state; the state's string item is sliced inside a
  // surrogate pair.
  {
    const d = new Y.Doc(); d.clientID = 1000000
    const t = d.getText('t')
    t.insert(0, 'ab😀')
    const sv1 = Y.encodeStateVector(d)
    const part = Y.encodeStateAsUpdate(d)
    t.insert(4, 'cd😀ef')
    t.delete(1, 1)
    const full = Y.encodeStateAsUpdate(d)
    add('kOverlapPart', part); add('kOverlapFull', full)
    add('kOverlapMerged', Y.mergeUpdates([part, full]))
    add('kOverlapMergedRev', Y.mergeUpdates([full, part]))
    add('kOverlapSv', sv1)
    add('kOverlapDiff', Y.diffUpdate(full, sv1))
    // A state vector that ends inside the emoji (clock 3 of "ab😀" + ...).
    const enc = require('lib0/encoding').createEncoder()
    require('lib0/encoding').writeVarUint(enc, 1)
    require('lib0/encoding').writeVarUint(enc, 1000000)
    require('lib0/encoding').writeVarUint(enc, 3)
    const svMidBytes = require('lib0/encoding').toUint8Array(enc)
    add('kSvMid', svMidBytes)
    add('kOverlapDiffMid', Y.diffUpdate(full, svMidBytes))
    add('kOverlapFullV2', Y.convertUpdateFormatV1ToV2(full))
    add('kOverlapDiffMidV2', Y.diffUpdateV2(Y.convertUpdateFormatV1ToV2(full), svMidBytes))
  }
  // An Item in one update and a GC for the same clocks in another (gc'd replica).
  {
    const d = new Y.Doc({ gc: false }); d.clientID = 5
    const ups = []
    d.on('update', (u) => ups.push(u))
    const arr = d.getArray('a')
    const m = new Y.Map()
    arr.insert(0, [m])
    m.set('k', 'v'); m.set('n', 42)
    const withItems = Y.encodeStateAsUpdate(d)
    const g = new Y.Doc(); g.clientID = 6
    Y.applyUpdate(g, withItems)
    g.getArray('a').delete(0, 1)
    const gcState = Y.encodeStateAsUpdate(g)
    add('kItemsState', withItems); add('kGcState', gcState)
    add('kItemsThenGc', Y.mergeUpdates([withItems, gcState]))
    add('kGcThenItems', Y.mergeUpdates([gcState, withItems]))
  }
  // Map, nested types, formats, embeds and binary: converts and merges.
  {
    const d = new Y.Doc(); d.clientID = 3
    const ups = []; const ups2 = []
    d.on('update', (u) => ups.push(u)); d.on('updateV2', (u) => ups2.push(u))
    const m = d.getMap('m')
    m.set('num', 1.5); m.set('obj', { a: [1, 'x', null], b: true }); m.set('bin', new Uint8Array([1, 2, 3]))
    const t = new Y.Text()
    m.set('text', t)
    t.insert(0, 'rich', { bold: true }); t.insertEmbed(4, { image: 'x.png' })
    const x = d.getXmlFragment('x')
    const el = new Y.XmlElement('p'); el.setAttribute('class', 'c')
    x.insert(0, [el, new Y.XmlText('tail')])
    m.delete('num')
    add('kMixedV1', Y.mergeUpdates(ups)); add('kMixedV2', Y.mergeUpdatesV2(ups2))
    add('kMixedV1toV2', Y.convertUpdateFormatV1ToV2(Y.mergeUpdates(ups)))
    add('kMixedV2toV1', Y.convertUpdateFormatV2ToV1(Y.mergeUpdatesV2(ups2)))
    add('kMixedSv', Y.encodeStateVectorFromUpdate(Y.mergeUpdates(ups)))
  }
  // Snapshots: a gc-off document, a snapshot in the middle of its history, and the document
  // restored from it. The origin is loaded from its state first, as the C++ test does.
  {
    const d = new Y.Doc({ gc: false }); d.clientID = 9
    const t = d.getText('t')
    t.insert(0, 'world!')
    d.getMap('m').set('k', 1)
    const e = new Y.Doc({ gc: false }); e.clientID = 12
    Y.applyUpdate(e, Y.encodeStateAsUpdate(d))
    e.getText('t').insert(0, 'hello ')
    Y.applyUpdate(d, Y.encodeStateAsUpdate(e))
    const snap = Y.snapshot(d)
    t.delete(0, 3); t.insert(3, 'XY'); d.getMap('m').set('k', 2)
    const origin = new Y.Doc({ gc: false })
    Y.applyUpdate(origin, Y.encodeStateAsUpdate(d))
    add('kSnapOriginState', Y.encodeStateAsUpdate(d))
    add('kSnapV1', Y.encodeSnapshot(snap)); add('kSnapV2', Y.encodeSnapshotV2(snap))
    add('kSnapNowV1', Y.encodeSnapshot(Y.snapshot(origin)))
    const restored = Y.createDocFromSnapshot(origin, snap)
    add('kSnapRestoredState', Y.encodeStateAsUpdate(restored))
    // A snapshot that ends inside the string item "hello " (client 12, clock 3).
    const partial = Y.createSnapshot(Y.createDeleteSet(), new Map([[9, 7], [12, 3]]))
    add('kSnapPartialV1', Y.encodeSnapshot(partial))
    add('kSnapPartialRestoredState', Y.encodeStateAsUpdate(Y.createDocFromSnapshot(origin, partial)))
    console.error('restored text:', restored.getText('t').toString(), '| partial:',
      Y.createDocFromSnapshot(origin, partial).getText('t').toString())
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Seeded random scenarios (written to update_vectors.txt)

class Rng {
  constructor (seed) { this.g = prng.create(seed) }
  int (min, max) { return Math.floor(this.g.next() * (max + 1 - min)) + min }
  bool (p = 0.5) { return this.g.next() < p }
  pick (a) { return a[this.int(0, a.length - 1)] }
  shuffle (a) {
    a = a.slice()
    for (let i = a.length - 1; i > 0; i--) { const j = this.int(0, i); [a[i], a[j]] = [a[j], a[i]] }
    return a
  }
}

const STRS = ['a', 'xyz', '😀', 'é', 'hello world', '\u{1F600}\u{1F601}', 'q']
const values = (r) => r.pick([
  () => r.int(-1000, 1000), () => r.int(0, 1 << 30) * 7.25, () => r.pick(STRS), () => null,
  () => r.bool(), () => ({ k: r.int(0, 9), s: r.pick(STRS) }), () => [r.int(0, 5), 'z'],
  () => new Uint8Array([r.int(0, 255), r.int(0, 255)]), () => undefined
])()

const randomEdit = (r, d) => {
  const t = d.getText('text'); const m = d.getMap('map'); const a = d.getArray('array')
  const op = r.int(0, 9)
  if (op <= 2) {
    const i = r.int(0, t.length)
    if (r.bool(0.2)) t.insert(i, r.pick(STRS), { bold: true })
    else t.insert(i, r.pick(STRS))
  } else if (op === 3 && t.length > 0) {
    const i = r.int(0, t.length - 1); t.delete(i, r.int(1, Math.min(3, t.length - i)))
  } else if (op === 4 && t.length > 1) {
    const i = r.int(0, t.length - 2); t.format(i, r.int(1, t.length - i), { italic: r.bool() ? true : null })
  } else if (op === 5) {
    const k = r.pick(['a', 'b', 'c', 'nested'])
    if (k === 'nested') { const n = new Y.Map(); m.set(k, n); n.set('x', values(r) ?? 1) } else m.set(k, values(r) ?? 0)
  } else if (op === 6 && m.size > 0) {
    m.delete(r.pick([...m.keys()]))
  } else if (op === 7) {
    const i = r.int(0, a.length)
    if (r.bool(0.2)) { const n = new Y.Array(); a.insert(i, [n]); n.insert(0, [1, 2, 3]) } else a.insert(i, [values(r) ?? 0, values(r) ?? 0])
  } else if (op === 8 && a.length > 0) {
    const i = r.int(0, a.length - 1); a.delete(i, r.int(1, Math.min(2, a.length - i)))
  } else {
    const x = d.getXmlFragment('xml')
    if (r.bool()) x.insert(0, [new Y.XmlText(r.pick(STRS))])
    else { const e = new Y.XmlElement('div'); e.setAttribute('id', r.pick(STRS)); x.insert(x.length, [e]) }
  }
}

const scenario = (seed, lines) => {
  const r = new Rng(seed)
  const n = r.int(2, 4)
  const docs = []
  const ev = [] // [v1, v2]
  const svs = [new Uint8Array([0])]
  for (let i = 0; i < n; i++) {
    const d = new Y.Doc({ gc: r.bool(0.7) })
    d.clientID = r.pick([i + 1, 100 + i, 70000 + i * 3, 2 ** 31 + i, 2 ** 40 + i])
    let last = null
    d.on('update', (u) => { last = u })
    d.on('updateV2', (u) => { ev.push([last, u]) })
    docs.push(d)
  }
  const steps = r.int(8, 28)
  for (let s = 0; s < steps; s++) {
    const d = r.pick(docs)
    if (r.bool(0.15)) {
      const o = r.pick(docs)
      if (o !== d) Y.applyUpdate(o, Y.encodeStateAsUpdate(d, Y.encodeStateVector(o)))
    } else {
      d.transact(() => { for (let k = r.int(1, 3); k > 0; k--) randomEdit(r, d) })
    }
    if (r.bool(0.2)) svs.push(Y.encodeStateVector(r.pick(docs)))
  }
  const fmts = [['v1', 0, Y.mergeUpdates, Y.diffUpdate, Y.encodeStateVectorFromUpdate, Y.parseUpdateMeta],
    ['v2', 1, Y.mergeUpdatesV2, Y.diffUpdateV2, Y.encodeStateVectorFromUpdateV2, Y.parseUpdateMetaV2]]
  for (const [f, idx, merge, diff, svFrom, meta] of fmts) {
    const upd = ev.map((e) => e[idx])
    // merges of random subsets in random order
    for (let k = 0; k < 6 && upd.length > 1; k++) {
      const sub = r.shuffle(upd).slice(0, r.int(2, Math.min(7, upd.length)))
      lines.push(`merge ${f} ${sub.map(hex).join(' ')} = ${hex(merge(sub))}`)
    }
    const all = merge(upd)
    lines.push(`merge ${f} ${upd.map(hex).join(' ')} = ${hex(all)}`)
    // merges of merged halves (overlapping)
    const h1 = merge(upd.slice(0, Math.ceil(upd.length * 0.7)))
    const h2 = merge(upd.slice(Math.floor(upd.length * 0.3)))
    lines.push(`merge ${f} ${hex(h2)} ${hex(h1)} = ${hex(merge([h2, h1]))}`)
    for (const d of docs) {
      const state = f === 'v1' ? Y.encodeStateAsUpdate(d) : Y.encodeStateAsUpdateV2(d)
      const sv = r.pick(svs)
      lines.push(`diff ${f} ${hex(state)} ${hex(sv)} = ${hex(diff(state, sv))}`)
      lines.push(`sv ${f} ${hex(state)} = ${hex(svFrom(state))}`)
    }
    const sv = r.pick(svs)
    lines.push(`diff ${f} ${hex(all)} ${hex(sv)} = ${hex(diff(all, sv))}`)
    lines.push(`sv ${f} ${hex(h2)} = ${hex(svFrom(h2))}`)
    const mt = meta(h2)
    lines.push(`meta ${f} ${hex(h2)} = ${metaStr(mt.from)} ${metaStr(mt.to)}`)
    for (const u of r.shuffle(upd).slice(0, 5)) {
      const m2 = meta(u)
      lines.push(`meta ${f} ${hex(u)} = ${metaStr(m2.from)} ${metaStr(m2.to)}`)
    }
  }
  for (const [u1, u2] of r.shuffle(ev).slice(0, 5)) {
    lines.push(`convert v1v2 ${hex(u1)} = ${hex(Y.convertUpdateFormatV1ToV2(u1))}`)
    lines.push(`convert v2v1 ${hex(u2)} = ${hex(Y.convertUpdateFormatV2ToV1(u2))}`)
  }
  const allV1 = Y.mergeUpdates(ev.map((e) => e[0]))
  const allV2 = Y.mergeUpdatesV2(ev.map((e) => e[1]))
  lines.push(`convert v1v2 ${hex(allV1)} = ${hex(Y.convertUpdateFormatV1ToV2(allV1))}`)
  lines.push(`convert v2v1 ${hex(allV2)} = ${hex(Y.convertUpdateFormatV2ToV1(allV2))}`)
  // snapshots of a gc-off doc
  const sd = docs.find((d) => !d.gc)
  if (sd) {
    const snap = Y.snapshot(sd)
    const v1 = Y.encodeSnapshot(snap)
    lines.push(`snapshot v1 ${hex(v1)} = ${hex(v1)}`)
    lines.push(`snapshot v2 ${hex(v1)} = ${hex(Y.encodeSnapshotV2(snap))}`)
  }
}

if (process.argv.includes('--cases')) {
  for (const [name, v] of handCases()) {
    console.log(`constexpr char ${name}[] =\n    "${hex(v).replace(/(.{88})/g, '$1"\n    "')}";`)
  }
} else {
  const lines = []
  for (let seed = 1; seed <= 16; seed++) scenario(seed, lines)
  console.log(lines.join('\n'))
}
