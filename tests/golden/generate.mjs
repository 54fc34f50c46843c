#!/usr/bin/env node
// Generates the golden conformance vectors in tests/golden/vectors/ from real Yjs (npm yjs, pinned
// in package.json). Deterministic: fixed client ids, subdoc guids, no randomness.
//
//   node tests/golden/generate.mjs            (re)write the vectors
//   node tests/golden/generate.mjs --verify   regenerate in memory, compare with the files on disk
//
// Per case <name>:
//   <name>.updates     framed v1 update stream (lib0 varUint length + bytes, repeated)
//   <name>.v2.updates  the same stream, each update converted with Y.convertUpdateFormatV1ToV2
//   <name>.state       Y.encodeStateAsUpdate(doc) of a fresh gc-on Y.Doc that applied the stream
//   <name>.sv          Y.encodeStateVector(doc)
//   <name>.json        JSON view: {root: doc.get<Kind>(root).toJSON()} (kinds from index.json),
//                      as JSON.stringify writes it; absent for cases whose view has no JSON form
//   <name>.diff.sv     a state vector (every client's clock halved, in Yjs's descending order)
//   <name>.diff        Y.diffUpdate(<name>.state, <name>.diff.sv)
// Malformed cases only have <name>.updates and expect exit status 2 (see index.json).
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { frameUpdates, jsonViewOfDoc, bytesEqual, mkdirp } from '../js/lib/common.mjs'
import { Scenario, generateScenario, ROOTS as FUZZ_ROOTS } from '../conformance/gen.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const OUT = path.join(HERE, 'vectors')
const REMOTE = 'remote'

// ------------------------------------------------------------------------------ helpers
/** A doc with a fixed client id that records its own (local) updates. */
class Peer {
  constructor (clientID, opts = {}) {
    this.doc = new Y.Doc({ gc: true, ...opts })
    this.doc.clientID = clientID
    this.log = []
    this.doc.on('update', (u, origin) => { if (origin !== REMOTE) this.log.push(u) })
  }
  /** take (and clear) the recorded local updates */
  take () { const l = this.log; this.log = []; return l }
  get text () { return this.doc.getText('text') }
  get map () { return this.doc.getMap('map') }
  get array () { return this.doc.getArray('array') }
  get xml () { return this.doc.getXmlFragment('xml') }
  apply (u) { Y.applyUpdate(this.doc, u, REMOTE) }
  /** sync-step-2 from other peer into this one */
  pull (other) { this.apply(Y.encodeStateAsUpdate(other.doc, Y.encodeStateVector(this.doc))) }
}

const syncAll = (...peers) => {
  for (let r = 0; r < 2; r++) for (const a of peers) for (const b of peers) if (a !== b) b.pull(a)
}

/** hand-encode a v1 update with the given items (all of one client, contiguous from `clock`) */
const encodeItems = (client, clock, items, ds = []) => {
  const enc = new Y.UpdateEncoderV1()
  encoding.writeVarUint(enc.restEncoder, 1)
  encoding.writeVarUint(enc.restEncoder, items.length)
  enc.writeClient(client)
  encoding.writeVarUint(enc.restEncoder, clock)
  for (const it of items) it.write(enc, 0)
  // delete set: [[client, [[clock, len]...]]]
  encoding.writeVarUint(enc.restEncoder, ds.length)
  for (const [c, ranges] of ds) {
    enc.resetDsCurVal()
    encoding.writeVarUint(enc.restEncoder, c)
    encoding.writeVarUint(enc.restEncoder, ranges.length)
    for (const [k, len] of ranges) { enc.writeDsClock(k); enc.writeDsLen(len) }
  }
  return enc.toUint8Array()
}

const ANY_VALUES = {
  zero: 0,
  negzero: -0,
  one: 1,
  neg: -42,
  int6: 63,
  int7: 64,
  max31: 2147483647,
  min31: -2147483647,
  over31: 2147483648,
  u32: 4294967295,
  safe: 9007199254740991,
  negsafe: -9007199254740991,
  f32: 0.5,
  f32neg: -3.25,
  f64: 1.1,
  tiny: 5e-324,
  big: 1e300,
  exp21: 1e21,
  nan: NaN,
  inf: Infinity,
  ninf: -Infinity,
  str: 'plain',
  empty: '',
  unicode: 'äöü ß 日本語 ﷺ עברית',
  emoji: '😀👨‍👩‍👧🏳️‍🌈𝄞',
  escapes: '"quoted" \\ back\nnew\ttab \u0001 \u007f \u2028',
  t: true,
  f: false,
  nul: null,
  undef: undefined,
  obj: { a: 1, b: 'two', c: [true, null, { d: -0 }], '😀': 'key', '': 'empty key' },
  arr: [1, 'x', [2, [3]], { k: null }, undefined, -0, 0.5],
  nestedBytes: { bin: new Uint8Array([0, 1, 255]), list: [new Uint8Array([])] }
}

// ------------------------------------------------------------------------------ cases
/** each case: () => ({ description, roots, updates, json? }) */
const CASES = {}
const def = (name, roots, description, fn, extra = {}) => { CASES[name] = { roots, description, fn, ...extra } }

def('empty', { text: 'Text' }, 'empty updates (Yjs encodes them as [0,0]) and the state of an empty doc', () => {
  const d = new Y.Doc()
  return [Y.encodeStateAsUpdate(d), new Uint8Array([0, 0]), Y.encodeStateAsUpdate(d)]
})

def('text_basic', { text: 'Text' }, 'ContentString inserts/appends/deletes by one client, one update per transaction', () => {
  const a = new Peer(1)
  a.text.insert(0, 'hello world')
  a.text.insert(5, ',')
  a.text.insert(12, '!')
  a.text.delete(0, 1)
  a.text.insert(0, 'H')
  a.text.delete(6, 6)
  a.text.insert(a.text.length, ' again')
  return a.take()
})

def('text_emoji', { text: 'Text' }, 'non-ASCII / emoji / astral strings (UTF-16 lengths, UTF-8 bytes)', () => {
  const a = new Peer(7)
  a.text.insert(0, 'ä日本語')
  a.text.insert(4, '😀')
  a.text.insert(0, '👨‍👩‍👧🏳️‍🌈𝄞')
  a.text.insert(a.text.length, 'e\u0301 ﷺ עב\u200b')
  a.text.delete(0, 8) // removes the whole family emoji (8 UTF-16 units)
  a.text.insert(2, 'x')
  return a.take()
})

def('text_surrogate_split', { text: 'Text' }, 'inserts/deletes/formats at positions that split a surrogate pair (Yjs replaces both halves with U+FFFD), locally and on remote integration', () => {
  const a = new Peer(10)
  const b = new Peer(11)
  a.text.insert(0, 'a😀b🎉c𝄞d')
  b.pull(a)
  a.text.insert(2, 'X') // between the two halves of 😀
  b.text.delete(5, 2) // deletes the second half of 🎉 and 'c'
  a.text.format(8, 1, { bold: true }) // starts mid 𝄞
  b.text.insert(9, 'Y') // mid 𝄞 on b's side
  const ua = a.take()
  const ub = b.take()
  b.pull(a)
  a.pull(b)
  a.text.insert(1, '😀😀')
  a.text.delete(2, 2) // delete spanning the boundary between the two emoji
  return [...ua, ...ub, ...a.take()]
})

def('text_format', { text: 'Text' }, 'ContentFormat: insert with attributes, format, unformat (null), attribute values of several kinds', () => {
  const a = new Peer(20)
  a.text.insert(0, 'Hello bold world')
  a.text.format(6, 4, { bold: true })
  a.text.format(0, 5, { italic: true, color: '#ff0000' })
  a.text.insert(16, ' link', { link: { href: 'https://example.com', n: 1 } })
  a.text.format(8, 6, { bold: null })
  a.text.insert(3, 'x', { size: 12 })
  a.text.format(0, a.text.length, { italic: null, color: null })
  a.text.delete(4, 3)
  return a.take()
})

def('text_embed', { text: 'Text' }, 'ContentEmbed (JSON embeds) with and without attributes, and embedded types (ContentType inside a text)', () => {
  const a = new Peer(30)
  a.text.insert(0, 'ab')
  a.text.insertEmbed(1, { image: 'https://x/y.png', w: 10 })
  a.text.insertEmbed(0, [1, 2, { three: 3 }], { bold: true })
  a.text.insertEmbed(a.text.length, 42)
  const m = new Y.Map()
  a.text.insertEmbed(2, m)
  m.set('in', 'embedded map')
  a.text.insertEmbed(3, new Y.Text('embedded text'))
  a.text.delete(0, 1)
  return a.take()
})

def('text_format_cleanup', { map: 'Map' }, 'concurrent formatting/deletes on a nested Y.Text: applying the remote updates runs Yjs\'s formatting cleanup (cleanupYTextAfterTransaction), which deletes redundant ContentFormat items (new deletions not present in any update)', () => {
  const a = new Peer(40)
  const b = new Peer(41)
  const ta = new Y.Text()
  a.map.set('t', ta)
  ta.insert(0, 'abcdefghij')
  b.pull(a)
  const tb = b.map.get('t')
  // leading gap gets two bold=true formats -> full cleanup deletes the overwritten one
  ta.format(0, 5, { bold: true })
  tb.format(0, 3, { bold: true })
  // a formats g..h italic while b concurrently deletes g..h -> contextless cleanup on apply
  ta.format(6, 2, { italic: true })
  tb.delete(6, 2)
  const ua = a.take()
  const ub = b.take()
  return [...ua, ...ub]
})

def('root_text_format_concurrent', { text: 'Text' }, 'the same concurrent formatting on a root Y.Text (a fresh doc does not know the root is a Text, so Yjs runs no cleanup there)', () => {
  const a = new Peer(42)
  const b = new Peer(43)
  a.text.insert(0, 'abcdefghij')
  b.pull(a)
  a.text.format(2, 5, { bold: true })
  b.text.format(3, 5, { bold: true })
  b.text.format(0, 2, { italic: true })
  a.text.format(1, 2, { italic: true })
  a.text.format(0, 1, { u: true })
  b.text.format(0, 2, { u: true })
  a.text.format(8, 1, { s: true })
  b.text.delete(8, 1)
  return [...a.take(), ...b.take()]
})

def('map_any', { map: 'Map' }, 'ContentAny map values of every lib0 Any kind: ints (varint edges, -0), float32/float64, NaN/Infinity, strings, booleans, null, undefined, nested objects/arrays, Uint8Array inside Any', () => {
  const a = new Peer(50)
  a.doc.transact(() => { for (const [k, v] of Object.entries(ANY_VALUES)) a.map.set(k, v) })
  a.map.set('later', { x: [1, 2, 3] })
  return a.take()
})

def('map_binary', { map: 'Map' }, 'ContentBinary (Uint8Array map values)', () => {
  const a = new Peer(51)
  a.map.set('bin', new Uint8Array([1, 2, 3, 250]))
  a.map.set('empty', new Uint8Array(0))
  a.map.set('big', new Uint8Array(300).map((_, i) => i & 255))
  return a.take()
})

def('map_overwrite', { map: 'Map' }, 'map key overwrites (same client, ContentDeleted leftovers) and concurrent overwrites (higher client id wins in Yjs)', () => {
  const a = new Peer(60)
  const b = new Peer(61)
  a.map.set('k', 1)
  a.map.set('k', 'two')
  a.map.set('other', true)
  b.pull(a)
  a.map.set('k', 'from a')
  b.map.set('k', 'from b')
  a.map.set('x', 1)
  b.map.set('x', 2)
  b.map.set('y', 'b only')
  const ua = a.take()
  const ub = b.take()
  return [...ua, ...ub]
})

def('map_delete', { map: 'Map' }, 'map deletes, delete-then-set, concurrent delete vs set', () => {
  const a = new Peer(70)
  const b = new Peer(71)
  a.map.set('a', 1)
  a.map.set('b', 2)
  a.map.set('c', new Y.Map())
  a.map.get('c').set('inner', 1)
  b.pull(a)
  a.map.delete('a')
  b.map.set('a', 'b resurrects')
  a.map.delete('c')
  b.map.delete('b')
  a.map.set('b', 'a sets after')
  return [...a.take(), ...b.take()]
})

def('array_basic', { array: 'Array' }, 'Y.Array inserts (ContentAny runs, ContentBinary), push/unshift, deletes across items', () => {
  const a = new Peer(80)
  a.array.insert(0, [1, 2, 3])
  a.array.push(['x', { o: 1 }, null, -0, 1.5])
  a.array.unshift([new Uint8Array([9, 8])])
  a.array.insert(4, [true, false])
  a.array.delete(2, 4)
  a.array.insert(1, [[1, [2]], 'y'])
  a.array.delete(0, 1)
  return a.take()
})

def('types_nested', { map: 'Map', array: 'Array' }, 'every type ref nested in a map and in an array: YArray(0) YMap(1) YText(2) YXmlElement(3) YXmlFragment(4) YXmlHook(5) YXmlText(6), with prelim content', () => {
  const a = new Peer(90)
  a.doc.transact(() => {
    const arr = new Y.Array(); arr.push([1, 'two'])
    const map = new Y.Map(); map.set('k', 'v'); map.set('n', new Y.Map())
    const text = new Y.Text('text ✓')
    const el = new Y.XmlElement('Div'); el.setAttribute('class', 'c'); el.insert(0, [new Y.XmlText('in el')])
    const frag = new Y.XmlFragment(); frag.insert(0, [new Y.XmlElement('p')])
    const hook = new Y.XmlHook('myhook'); hook.set('h', 1)
    const xt = new Y.XmlText('xml text')
    a.map.set('arr', arr); a.map.set('map', map); a.map.set('text', text); a.map.set('el', el)
    a.map.set('frag', frag); a.map.set('hook', hook); a.map.set('xt', xt)
  })
  a.array.insert(0, [new Y.Array(), new Y.Map(), new Y.Text(), new Y.XmlElement('span'), new Y.XmlFragment(), new Y.XmlHook('h2'), new Y.XmlText()])
  a.array.get(0).push([{ deep: true }])
  a.array.get(1).set('m', [1])
  a.array.get(2).insert(0, 'nested text')
  a.array.get(3).setAttribute('id', 'sp')
  a.array.get(4).insert(0, [new Y.XmlText('frag text')])
  a.array.get(5).set('hk', 'hv')
  a.array.get(6).insert(0, 'xt', { b: true })
  a.map.get('map').get('n').set('deeper', new Y.Array())
  a.map.get('map').get('n').get('deeper').push(['bottom'])
  return a.take()
})

def('xml', { xml: 'XmlFragment' }, 'XmlFragment root with XmlElements (attributes, nesting, upper-case nodeName), XmlText with formatting, an XmlHook, deletions and attribute removal', () => {
  const a = new Peer(100)
  const p = new Y.XmlElement('p')
  const t = new Y.XmlText()
  a.xml.insert(0, [p])
  p.insert(0, [t])
  t.insert(0, 'Hello ')
  t.insert(6, 'world', { b: true })
  t.insert(11, '!', { a: { href: 'https://x.y' } })
  p.setAttribute('class', 'para')
  p.setAttribute('data-id', '42')
  const ul = new Y.XmlElement('UL')
  a.xml.insert(1, [ul, new Y.XmlText('tail')])
  ul.insert(0, [new Y.XmlElement('li'), new Y.XmlElement('li')])
  ul.get(0).insert(0, [new Y.XmlText('one')])
  ul.get(1).insert(0, [new Y.XmlText('two')])
  p.removeAttribute('data-id')
  ul.delete(1, 1)
  t.format(0, 5, { i: true })
  return a.take()
})

def('xml_hook', { xml: 'XmlFragment' }, 'XmlHook as a child of an XmlFragment (its toString is "[object Object]" in Yjs)', () => {
  const a = new Peer(101)
  const h = new Y.XmlHook('hook')
  a.xml.insert(0, [new Y.XmlText('a'), h, new Y.XmlText('b')])
  h.set('k', 'v')
  return a.take()
})

def('subdoc', { map: 'Map', array: 'Array' }, 'ContentDoc: subdocuments in a map and an array, with opts (autoLoad, meta, gc:false); their JSON view is {}', () => {
  const a = new Peer(110)
  a.map.set('plain', new Y.Doc({ guid: 'guid-plain' }))
  a.map.set('auto', new Y.Doc({ guid: 'guid-auto', autoLoad: true }))
  a.map.set('meta', new Y.Doc({ guid: 'guid-meta', meta: { title: 'T', n: 1 } }))
  a.array.push([new Y.Doc({ guid: 'guid-nogc', gc: false }), 'after'])
  a.array.insert(0, [new Y.Doc({ guid: 'guid-0' })])
  a.map.set('plain', 'replaced')
  return a.take()
})

def('content_json', { array: 'Array', map: 'Map' }, 'legacy ContentJSON (ref 2; Yjs 13.6 reads it but no longer writes it): hand-encoded items in a list and a map, including an undefined element', () => {
  const client = 120
  const items = [
    new Y.Item(Y.createID(client, 0), null, null, null, null, 'array', null, new Y.ContentJSON(['a', 1, { x: [1, 2] }, null, undefined])),
    new Y.Item(Y.createID(client, 5), null, null, null, null, 'map', 'legacy', new Y.ContentJSON([true])),
    new Y.Item(Y.createID(client, 6), null, Y.createID(client, 4), null, null, null, null, new Y.ContentJSON(['appended']))
  ]
  const u1 = encodeItems(client, 0, items)
  // a later v1 update that deletes one JSON element
  const u2 = encodeItems(client, 7, [], [[client, [[1, 1]]]])
  return [u1, u2]
})

def('concurrent_inserts', { text: 'Text', array: 'Array' }, 'three clients insert concurrently at the same positions (YATA conflict resolution by client id), then interleaved edits', () => {
  const a = new Peer(3)
  const b = new Peer(1)
  const c = new Peer(2)
  a.text.insert(0, 'base')
  a.array.push(['base'])
  syncAll(a, b, c)
  a.take(); b.take(); c.take()
  const init = [Y.encodeStateAsUpdate(a.doc)]
  a.text.insert(2, 'A'); b.text.insert(2, 'B'); c.text.insert(2, 'C')
  a.text.insert(0, 'aa'); b.text.insert(0, 'bb'); c.text.insert(4, 'cc')
  a.array.insert(1, ['a1', 'a2']); b.array.insert(1, ['b1']); c.array.insert(0, ['c0'])
  const r1 = [...c.take(), ...a.take(), ...b.take()]
  syncAll(a, b, c)
  a.take(); b.take(); c.take()
  b.text.insert(3, 'X'); c.text.delete(1, 3); a.text.insert(5, 'Y')
  return [...init, ...r1, ...b.take(), ...c.take(), ...a.take()]
})

def('large_client_ids', { text: 'Text', map: 'Map' }, '53-bit and 32-bit-boundary client ids (varUint of up to 8 bytes; ordering by numeric id)', () => {
  const a = new Peer(2 ** 53 - 1)
  const b = new Peer(2 ** 32)
  const c = new Peer(2 ** 32 - 1)
  const d = new Peer(0)
  a.text.insert(0, 'A')
  for (const p of [b, c, d]) p.pull(a)
  b.text.insert(1, 'B'); c.text.insert(1, 'C'); d.text.insert(1, 'D')
  a.map.set('k', 'a'); b.map.set('k', 'b'); c.map.set('k', 'c'); d.map.set('k', 'd')
  return [...a.take(), ...d.take(), ...c.take(), ...b.take()]
})

def('deletes', { text: 'Text', array: 'Array' }, 'many deletes across clients: delete-set encoding, merging of adjacent ranges, deletes of already-deleted content, ContentDeleted merging', () => {
  const a = new Peer(130)
  const b = new Peer(131)
  a.text.insert(0, 'abcdefghijklmnopqrstuvwxyz')
  for (let i = 0; i < 10; i++) a.array.insert(i, [i])
  b.pull(a)
  a.text.delete(2, 3); a.text.delete(2, 1); a.text.delete(10, 5)
  b.text.delete(3, 4); b.text.delete(0, 1)
  b.text.insert(5, '123'); b.text.delete(5, 2)
  a.array.delete(0, 2); b.array.delete(1, 3); a.array.delete(3, 1)
  return [...a.take(), ...b.take()]
})

def('gc_type_delete', { map: 'Map', array: 'Array' }, 'deleting nested types: the gc-on doc replaces their children by GC structs (and merges them)', () => {
  const a = new Peer(140)
  const m = new Y.Map()
  a.map.set('m', m)
  m.set('a', 'x'); m.set('b', new Y.Text('text in m'))
  m.get('b').insert(0, 'more ')
  const arr = new Y.Array()
  a.array.push([arr, 'keep'])
  arr.push([1, 2, 3, new Y.Map()])
  a.map.delete('m')
  a.array.delete(0, 1)
  return a.take()
})

def('gc_structs_in_update', { map: 'Map', text: 'Text' }, 'updates that already carry GC structs and ContentDeleted (state of a gc\'d doc, sync-step-2 diffs of it)', () => {
  const a = new Peer(150)
  const m = new Y.Map()
  a.map.set('m', m)
  m.set('x', new Y.Array()); m.get('x').push(['a', 'b'])
  a.text.insert(0, 'hello world')
  a.text.delete(2, 5)
  a.map.delete('m')
  const b = new Peer(151)
  b.pull(a)
  b.text.insert(0, '>')
  return [Y.encodeStateAsUpdate(a.doc), Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)), Y.encodeStateAsUpdate(b.doc)]
})

def('pending_structs', { text: 'Text', map: 'Map' }, 'updates delivered out of order (reverse): structs wait in the pending store until their dependencies arrive; all resolved at the end', () => {
  const a = new Peer(160)
  const b = new Peer(161)
  a.text.insert(0, 'one ')
  a.text.insert(4, 'two ')
  b.pull(a)
  b.text.insert(8, 'three ')
  a.pull(b)
  a.map.set('k', 'v')
  a.text.delete(0, 4)
  const all = [...a.take(), ...b.take()]
  return all.reverse()
})

def('pending_at_end', { text: 'Text', array: 'Array' }, 'a dependency never arrives: the state keeps pending structs and a pending delete set (encodeStateAsUpdate merges them in), the state vector does not count them', () => {
  const a = new Peer(170)
  const b = new Peer(171)
  a.text.insert(0, 'abc')
  a.array.push([1])
  const first = a.take()
  a.text.insert(3, 'def') // never delivered
  a.take()
  b.pull(a)
  b.text.insert(5, 'XYZ') // its origin is in the missing update
  b.text.delete(4, 1) // deletes content of the missing update
  b.array.push([2])
  return [...first, ...b.take()]
})

def('pending_ds', { text: 'Text' }, 'a delete-set-only update for content not yet received (pending delete set), then the content', () => {
  const a = new Peer(180)
  const b = new Peer(181)
  a.text.insert(0, 'abcdef')
  b.pull(a)
  b.text.delete(1, 3)
  const del = b.take()
  return [...del, ...a.take()]
})

def('skip_structs', { text: 'Text' }, 'Y.mergeUpdates of non-contiguous updates of one client: the merged update contains Skip structs (ref 10)', () => {
  const a = new Peer(190)
  a.text.insert(0, 'aaa')
  a.text.insert(3, 'bbb')
  a.text.insert(6, 'ccc')
  const [u1, u2, u3] = a.take()
  const merged = Y.mergeUpdates([u1, u3])
  return [merged, u2]
})

def('duplicates', { text: 'Text', map: 'Map' }, 'the same updates applied twice and overlapping diffs (must be no-ops)', () => {
  const a = new Peer(200)
  a.text.insert(0, 'dup')
  a.map.set('k', 1)
  a.text.delete(1, 1)
  const us = a.take()
  const state = Y.encodeStateAsUpdate(a.doc)
  return [...us, ...us, state, Y.mergeUpdates(us), us[0]]
})

def('merged_updates', { text: 'Text', array: 'Array', map: 'Map' }, 'Y.mergeUpdates of several clients\' updates (one update, many clients, merged delete sets)', () => {
  const a = new Peer(210)
  const b = new Peer(211)
  a.text.insert(0, 'merge me')
  a.array.push([1, 2])
  b.pull(a)
  b.text.delete(0, 2)
  b.map.set('b', 'B')
  a.map.set('a', 'A')
  return [Y.mergeUpdates([...a.take(), ...b.take()])]
})

def('any_bigint', { map: 'Map' }, 'BigInt map values (lib0 Any type 122, BigInt64). JSON.stringify cannot print a BigInt, so this case has no .json', () => {
  const a = new Peer(220)
  a.map.set('big', 123456789012345678n)
  a.map.set('neg', -5n)
  a.map.set('inobj', { b: 1n })
  return a.take()
}, { json: false })

def('fuzz_seed_11', FUZZ_ROOTS, 'a recorded conformance-fuzzer session (seed 11, "causal" stream): mixed content of every kind', () => fuzzStream(11, 'causal'))
def('fuzz_seed_23_observer', FUZZ_ROOTS, 'a recorded conformance-fuzzer session (seed 23, "observer" stream: out-of-order, merged and diff updates)', () => fuzzStream(23, 'observer'))
def('fuzz_seed_42_shuffled', FUZZ_ROOTS, 'a recorded conformance-fuzzer session (seed 42, "shuffled" stream: heavy use of pending structs)', () => fuzzStream(42, 'shuffled'))

def('pending_not_retried', FUZZ_ROOTS, 'a recorded fuzzer stream (seed 10232, --gc off, "prefix") that ends with pending structs, one of which (an XmlElement attribute) could be integrated but is not, because Yjs retries pending structs only when a recorded missing dependency arrives; a doc that loads the encoded state does integrate it, so the JSON view (of the doc that applied the stream) differs from a reload of <name>.state', () => {
  const sc = generateScenario(10232, { gc: 'off' })
  const s = sc.streams().find(x => x.name === 'prefix')
  sc.destroy()
  return s.updates
})

function fuzzStream (seed, which) {
  const sc = new Scenario(seed, { gc: 'mixed' })
  sc.run('normal')
  const s = sc.streams().find(x => x.name === which)
  sc.destroy()
  return s.updates
}

// malformed inputs: expect exit status 2 and one stderr line naming the update index
const MALFORMED = {}
const defBad = (name, description, fn) => { MALFORMED[name] = { description, fn } }
defBad('malformed_frame_overrun', 'the last frame announces more bytes than the file has', () => {
  const a = new Peer(300); a.text.insert(0, 'ok'); a.text.insert(2, '!')
  const [u0, u1] = a.take()
  const framed = frameUpdates([u0, u1])
  return { bytes: framed.subarray(0, framed.length - 2), index: 1 }
})
defBad('malformed_truncated_update', 'the second update is cut in the middle (its frame is consistent)', () => {
  const a = new Peer(301); a.text.insert(0, 'ok'); a.map.set('k', 'a long enough value')
  const [u0, u1] = a.take()
  return { bytes: frameUpdates([u0, u1.subarray(0, Math.floor(u1.length / 2))]), index: 1 }
})
defBad('malformed_bad_content_ref', 'the first update has an invalid struct info byte (content ref 31)', () => {
  // 1 client, 1 struct, client 5, clock 0, info 0x1f (ref 31, no origins) -> unknown content ref
  return { bytes: frameUpdates([new Uint8Array([1, 1, 5, 0, 0x1f, 1, 1, 0x61, 0])]), index: 0 }
})
defBad('malformed_varint_overflow', 'a varUint that never terminates inside the third update', () => {
  const a = new Peer(302); a.text.insert(0, 'x'); a.text.insert(1, 'y')
  const [u0, u1] = a.take()
  return { bytes: frameUpdates([u0, u1, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]), index: 2 }
})

// ------------------------------------------------------------------------------ build
const halfSv = (sv) => {
  const m = Y.decodeStateVector(sv)
  const half = new Map()
  for (const [c, k] of m) half.set(c, Math.floor(k / 2))
  return Y.encodeStateVector(half)
}

const build = () => {
  const files = new Map() // filename -> bytes|string
  const index = { generator: 'tests/golden/generate.mjs', yjs: yjsVersion(), framing: 'each update: lib0 varUint length, then the bytes (encoding.writeVarUint8Array)', cases: [] }
  for (const [name, c] of Object.entries(CASES)) {
    const updates = c.fn()
    const v2 = updates.map(u => Y.convertUpdateFormatV1ToV2(u))
    const doc = new Y.Doc()
    for (const u of updates) Y.applyUpdate(doc, u)
    const state = Y.encodeStateAsUpdate(doc)
    const sv = Y.encodeStateVector(doc)
    const pending = !!(doc.store.pendingStructs || doc.store.pendingDs)
    // the JSON view of the doc that applied the stream (roots typed only now)
    const view = c.json !== false ? jsonViewOfDoc(doc, c.roots) : null
    doc.destroy()
    const doc2 = new Y.Doc()
    for (const u of v2) Y.applyUpdateV2(doc2, u)
    if (!bytesEqual(Y.encodeStateAsUpdate(doc2), state) || !bytesEqual(Y.encodeStateVector(doc2), sv)) throw new Error(`case ${name}: v2 stream gives a different state`)
    doc2.destroy()
    const wantJson = c.json !== false
    files.set(`${name}.updates`, frameUpdates(updates))
    files.set(`${name}.v2.updates`, frameUpdates(v2))
    files.set(`${name}.state`, state)
    files.set(`${name}.sv`, sv)
    if (wantJson) files.set(`${name}.json`, JSON.stringify(view) + '\n')
    const dsv = halfSv(sv)
    files.set(`${name}.diff.sv`, dsv)
    files.set(`${name}.diff`, Y.diffUpdate(state, dsv))
    index.cases.push({ name, description: c.description, roots: c.roots, updates: updates.length, json: wantJson, pendingAtEnd: pending })
  }
  for (const [name, c] of Object.entries(MALFORMED)) {
    const { bytes, index: i } = c.fn()
    // sanity: Yjs must reject it too (framing or decoding error)
    let rejected = false
    try {
      const doc = new Y.Doc()
      const d = decoding.createDecoder(bytes)
      while (decoding.hasContent(d)) {
        const len = decoding.readVarUint(d)
        if (d.pos + len > bytes.length) throw new Error('frame overruns the file')
        Y.applyUpdate(doc, decoding.readUint8Array(d, len))
      }
    } catch { rejected = true }
    if (!rejected) throw new Error(`malformed case ${name} is accepted by Yjs`)
    files.set(`${name}.updates`, bytes)
    index.cases.push({ name, description: c.description, malformed: true, expectExit: 2, badUpdateIndex: i })
  }
  files.set('index.json', JSON.stringify(index, null, 2) + '\n')
  return files
}

function yjsVersion () {
  return JSON.parse(fs.readFileSync(new URL('../../node_modules/yjs/package.json', import.meta.url))).version
}

const files = build()
if (process.argv.includes('--verify')) {
  let bad = 0
  for (const [f, content] of files) {
    const p = path.join(OUT, f)
    const want = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content)
    let have = null
    try { have = fs.readFileSync(p) } catch {}
    if (!have || !have.equals(want)) { console.log(`golden vectors out of date: ${f}`); bad++ }
  }
  const extra = fs.existsSync(OUT) ? fs.readdirSync(OUT).filter(f => !files.has(f) && !f.startsWith('.')) : []
  for (const f of extra) { console.log(`stale file in vectors/: ${f}`); bad++ }
  if (bad) { console.log(`golden verify: ${bad} file(s) differ; run node tests/golden/generate.mjs`); process.exit(1) }
  console.log(`golden verify: all ${files.size} files match Yjs ${yjsVersion()}`)
} else {
  fs.rmSync(OUT, { recursive: true, force: true })
  mkdirp(OUT)
  files.set('.gitattributes', '# generated by tests/golden/generate.mjs: everything but JSON is binary\n* binary\n*.json text eol=lf\n')
  for (const [f, content] of files) fs.writeFileSync(path.join(OUT, f), content)
  console.log(`wrote ${files.size} files for ${Object.keys(CASES).length} cases + ${Object.keys(MALFORMED).length} malformed to ${path.relative(process.cwd(), OUT)}`)
}
