// Generates the Yjs reference vectors used by src/crdt/types/*_test.cc.
//
// Run from the repository root (uses the pinned yjs in node_modules):
//   node src/crdt/types/testdata/gen_type_vectors.mjs
// It prints, per scenario, the hex of Y.encodeStateAsUpdate(doc) and the JSON view, as C++
// initializers to paste into the tests. Every scenario here is mirrored step for step by a
// C++ test of the same name; keep both in sync.
import * as Y from 'yjs'

const CLIENT = 1234567

const hex = (u8) => Buffer.from(u8).toString('hex')

const newDoc = (client = CLIENT) => {
  const doc = new Y.Doc()
  doc.clientID = client
  return doc
}

// 32-bit xorshift, mirrored in the C++ tests (XorShift32).
class XorShift32 {
  constructor (seed) { this.x = seed >>> 0 }
  next () {
    let x = this.x
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    this.x = x
    return x
  }
  // uniform-ish in [0, n)
  below (n) { return n === 0 ? 0 : this.next() % n }
}

// 64-bit FNV-1a of a byte array, as a 16-digit hex string.
const fnv1a64 = (u8) => {
  let h = 0xcbf29ce484222325n
  for (const b of u8) {
    h ^= BigInt(b)
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return h.toString(16).padStart(16, '0')
}

const scenarios = {}

// ---------------------------------------------------------------------------------------------
// Text

scenarios.text_insert = (doc) => {
  const t = doc.getText('t')
  t.insert(0, 'hello')
  t.insert(5, ' world')
  t.insert(0, '>> ')
  t.insert(3, 'é日本')
}

scenarios.text_delete = (doc) => {
  const t = doc.getText('t')
  t.insert(0, 'hello world')
  t.delete(2, 3)
  t.delete(0, 1)
  t.insert(3, 'XY')
  t.delete(5, 100)
}

scenarios.text_one_transaction = (doc) => {
  const t = doc.getText('t')
  doc.transact(() => {
    t.insert(0, 'abc')
    t.insert(1, 'X')
    t.delete(2, 1)
    t.insert(4, 'end')
  })
}

scenarios.text_format = (doc) => {
  const t = doc.getText('t')
  t.insert(0, 'hello world')
  t.format(0, 5, { bold: true })
  t.format(3, 5, { italic: true })
  t.format(2, 2, { bold: null })
  t.insert(1, 'Z')
  t.insert(6, 'Q', { color: 'red' })
  t.insert(8, 'W')
}

scenarios.text_embed = (doc) => {
  const t = doc.getText('t')
  t.insert(0, 'ab')
  t.insertEmbed(1, { image: 'x.png' })
  t.insertEmbed(3, { k: 1 }, { bold: true })
  t.delete(0, 1)
}

scenarios.text_delta = (doc) => {
  const t = doc.getText('t')
  t.applyDelta([{ insert: 'Gandalf', attributes: { bold: true } }, { insert: ' the ' }, { insert: 'Grey', attributes: { color: '#ccc' } }])
  t.applyDelta([{ retain: 3 }, { delete: 2 }, { retain: 4, attributes: { italic: true } }, { insert: '!' }])
}

scenarios.text_surrogates = (doc) => {
  const t = doc.getText('t')
  t.insert(0, 'a😀b😀c')
  t.insert(2, 'X')
  t.delete(5, 1)
}

scenarios.text_format_past_end = (doc) => {
  const t = doc.getText('t')
  t.insert(0, 'abc')
  t.format(1, 5, { bold: true })
}

scenarios.text_delete_formatted = (doc) => {
  const t = doc.getText('t')
  t.insert(0, 'abcdef')
  t.format(1, 2, { bold: true })
  t.format(2, 3, { italic: true, size: 3 })
  t.delete(1, 3)
  t.insert(1, 'Q')
}

scenarios.text_attributes_order = (doc) => {
  const t = doc.getText('t')
  t.insert(0, 'abc', { b: 1, 2: 'two', a: { x: 1 }, 1: 'one' })
  t.insert(3, 'de', { a: { x: 1 } })
  t.format(0, 5, { b: null, 1: null })
}

scenarios.text_with_types = (doc) => {
  const t = doc.getText('t')
  t.insert(0, 'ab')
  const m = new Y.Map()
  t.insertEmbed(1, m)
  m.set('k', 1)
  const x = new Y.XmlText()
  t.insertEmbed(0, x, { bold: true })
  x.insert(0, 'xml')
  t.insert(4, 'c')
  t.delete(1, 1)
}

const TEXT_POOL = ['a', 'bc', 'hello', ' ', '\n', 'ä', '日本', '😀', 'x😀y', 'long string here']
// Yjs's insert() adds `key: null` entries to the attributes object it is given, so every call
// gets a fresh copy (attr()), as the C++ API never mutates its arguments.
const ATTR_POOL = [{ bold: true }, { bold: null }, { italic: true }, { color: 'red' }, { color: 'blue' },
  { color: null }, { bold: true, italic: null }, {}]
const attr = (r) => ({ ...ATTR_POOL[r.below(ATTR_POOL.length)] })

// One random edit through the public API: an insert (with or without attributes), a delete, a
// format or an embed.
const textOp = (t, r, withFormats) => {
  const len = t.length
  const k = r.below(withFormats ? 10 : 6)
  if (k < 4 || len === 0) {
    const s = TEXT_POOL[r.below(TEXT_POOL.length)]
    const pos = r.below(len + 1)
    if (withFormats && k === 3) t.insert(pos, s, attr(r))
    else t.insert(pos, s)
  } else if (k < 6) {
    const pos = r.below(len)
    t.delete(pos, 1 + r.below(Math.min(8, len - pos)))
  } else if (k < 9) {
    const pos = r.below(len)
    t.format(pos, 1 + r.below(Math.min(10, len - pos)), attr(r))
  } else {
    t.insertEmbed(r.below(len + 1), { e: r.below(100) })
  }
}

// Random edits, sometimes several per transaction.
const randomText = (seed, steps, withFormats) => (doc) => {
  const t = doc.getText('t')
  const r = new XorShift32(seed)
  for (let i = 0; i < steps; i++) {
    if (r.below(4) === 0) {
      const n = 1 + r.below(4)
      doc.transact(() => { for (let j = 0; j < n; j++) textOp(t, r, withFormats) })
    } else {
      textOp(t, r, withFormats)
    }
  }
}

scenarios.text_random_plain = randomText(7, 3000, false)
scenarios.text_random_rich = randomText(11, 1500, true)

// A root that received formatted text before being typed: Yjs then keeps search markers although
// format items exist, and where an unformatted insert lands depends on its marker history.
scenarios.text_typed_after_remote_formats = (doc) => {
  const a = newDoc(1)
  randomText(5, 300, true)(a)
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(a))
  randomText(6, 1500, false)(doc)
}

// Three replicas edit rich text concurrently and exchange state-vector diffs at random; every
// received update may trigger the formatting cleanup. Returns each replica's final state.
const concurrentRich = (seed, steps) => {
  const docs = [newDoc(1), newDoc(2), newDoc(3)]
  const r = new XorShift32(seed)
  const sync = (a, b) => Y.applyUpdate(docs[b], Y.encodeStateAsUpdate(docs[a], Y.encodeStateVector(docs[b])))
  for (let i = 0; i < steps; i++) {
    if (r.below(10) < 8) {
      textOp(docs[r.below(3)].getText('t'), r, true)
    } else {
      const a = r.below(3)
      const b = r.below(3)
      if (a !== b) sync(a, b)
    }
  }
  // Two rounds: cleanups on receipt delete format items, which the second round spreads.
  for (let round = 0; round < 2; round++) {
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) if (a !== b) sync(a, b)
  }
  return docs
}

// ---------------------------------------------------------------------------------------------
// Map

scenarios.map_values = (doc) => {
  const m = doc.getMap('m')
  m.set('str', 'hello')
  m.set('int', 42)
  m.set('neg', -7)
  m.set('float', 2.5)
  m.set('double', 0.1)
  m.set('big', 1e300)
  m.set('bool', true)
  m.set('null', null)
  m.set('arr', [1, 'two', [3], { four: 4 }])
  m.set('obj', { b: 1, a: [true, null], 10: 'ten', 2: 'two' })
  m.set('bytes', new Uint8Array([1, 2, 255]))
  m.set('bigint', 12345678901234n)
  m.set('str', 'overwritten')
  m.delete('int')
  m.set('int', 43)
  m.delete('neg')
  m.set('', 'empty key')
  m.set('ключ', 'unicode key')
}

scenarios.map_nested = (doc) => {
  const m = doc.getMap('m')
  const inner = m.set('inner', new Y.Map())
  inner.set('x', 1)
  const text = m.set('text', new Y.Text())
  text.insert(0, 'nested')
  const arr = inner.set('arr', new Y.Array())
  arr.insert(0, [1, 2, 3])
  m.set('inner', 'replaced')
  m.set('xml', new Y.XmlElement('Div'))
}

// ---------------------------------------------------------------------------------------------
// Array

scenarios.array_mixed = (doc) => {
  const a = doc.getArray('a')
  a.insert(0, [1, 'two', { three: 3 }, [4], null, true, new Uint8Array([5, 6]), 2.5, 'x'])
  a.insert(3, ['mid1', 'mid2'])
  a.push(['end'])
  a.unshift([0])
  a.delete(2, 4)
  a.insert(1, [new Uint8Array([7]), 8, 9])
}

scenarios.array_nested = (doc) => {
  const a = doc.getArray('a')
  const m = new Y.Map()
  const t = new Y.Text()
  const inner = new Y.Array()
  a.insert(0, ['v', m, t, 'w', inner])
  m.set('k', 'v')
  t.insert(0, 'txt')
  inner.push([1, 2])
  a.delete(0, 1)
}

scenarios.array_push_after_delete = (doc) => {
  const a = doc.getArray('a')
  a.insert(0, [1, 2, 3])
  a.delete(1, 2)
  a.push([4])
  a.insert(a.length, [5])
}

scenarios.array_random = (doc) => {
  const a = doc.getArray('a')
  const r = new XorShift32(99)
  for (let i = 0; i < 2000; i++) {
    const len = a.length
    const k = r.below(8)
    if (k < 3 || len === 0) {
      const n = 1 + r.below(3)
      const vals = []
      for (let j = 0; j < n; j++) vals.push(r.below(2) === 0 ? r.below(1000) : 's' + r.below(50))
      a.insert(r.below(len + 1), vals)
    } else if (k === 3) {
      a.push([r.below(10)])
    } else if (k < 7) {
      const pos = r.below(len)
      a.delete(pos, 1 + r.below(Math.min(5, len - pos)))
    } else {
      doc.transact(() => {
        a.insert(r.below(len + 1), ['t' + r.below(9)])
        a.insert(0, [r.below(9)])
      })
    }
  }
}

// ---------------------------------------------------------------------------------------------
// XML

scenarios.xml = (doc) => {
  const f = doc.getXmlFragment('x')
  const p = new Y.XmlElement('P')
  const t = new Y.XmlText()
  f.insert(0, [p])
  p.setAttribute('class', 'intro')
  p.setAttribute('align', 'left')
  p.insert(0, [t])
  t.insert(0, 'Hello world')
  t.format(0, 5, { b: true })
  t.format(6, 5, { a: { href: 'x.html', title: 't' }, i: true })
  const ul = new Y.XmlElement('ul')
  f.insert(1, [ul])
  const li = new Y.XmlElement('li')
  ul.insert(0, [li])
  li.insert(0, [new Y.XmlText()])
  li.get(0).insert(0, 'item')
  f.insert(0, [new Y.XmlText()])
  f.get(0).insert(0, 'first')
  p.removeAttribute('align')
  f.delete(2, 1)
}

// ---------------------------------------------------------------------------------------------
// Remote formatting: the receiving doc cleans up redundant formats (a local transaction).

const remoteFormatting = () => {
  const a = newDoc(1)
  const b = newDoc(2)
  const ta = a.getText('t')
  const tb = b.getText('t')
  ta.insert(0, 'hello world')
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  ta.format(0, 5, { bold: true })
  ta.format(6, 3, { italic: true })
  tb.format(0, 5, { bold: true })
  tb.format(2, 6, { italic: true })
  tb.delete(8, 2)
  const fromB = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a))
  const plain = newDoc(3)
  Y.applyUpdate(plain, Y.encodeStateAsUpdate(a))
  Y.applyUpdate(a, fromB)
  Y.applyUpdate(plain, fromB)
  return {
    update: hex(fromB),
    state: hex(Y.encodeStateAsUpdate(a)),
    state_without_cleanup: hex(Y.encodeStateAsUpdate(plain)),
    text: ta.toString(),
    delta: JSON.stringify(ta.toDelta())
  }
}

// ---------------------------------------------------------------------------------------------

const jsonView = (doc) => {
  const out = {}
  for (const [name, type] of doc.share) out[name] = type.toJSON()
  return stringify(out)
}

// JSON.stringify with BigInt written as its digits (what the engine's StringifyJson does).
const stringify = (v) => JSON.stringify(v, (_k, x) => typeof x === 'bigint' ? `@big:${x}` : x)
  .replace(/"@big:(-?\d+)"/g, '$1')

const short = (s) => s.length > 600 ? `fnv1a64:${fnv1a64(Buffer.from(s))}` : s

const cstr = (s) => JSON.stringify(s)

const BIG = 4000 // bytes above which only a hash is printed
for (const [name, f] of Object.entries(scenarios)) {
  const doc = newDoc()
  f(doc)
  const state = Y.encodeStateAsUpdate(doc)
  console.log(`// ${name}`)
  if (state.length > BIG) {
    console.log(`{${cstr(name)}, ${state.length}, "${fnv1a64(state)}"},`)
  } else {
    console.log(`{${cstr(name)}, ${cstr(hex(state))}},`)
  }
  console.log(`json: ${short(jsonView(doc))}`)
  const t = doc.share.get('t')
  if (t instanceof Y.Text) console.log(`delta: ${short(JSON.stringify(t.toDelta()))}`)
  const x = doc.share.get('x')
  if (x instanceof Y.XmlFragment) console.log(`xml: ${x.toString()}`)
}
console.log('// text_concurrent_rich')
for (const doc of concurrentRich(42, 1500)) {
  const state = Y.encodeStateAsUpdate(doc)
  console.log(`{${state.length}, "${fnv1a64(state)}"}, // delta ${short(JSON.stringify(doc.getText('t').toDelta()))}`)
}
const rf = remoteFormatting()
console.log('// remote_formatting')
console.log(JSON.stringify(rf, null, 1))
