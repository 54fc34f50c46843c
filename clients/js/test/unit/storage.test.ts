import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { toShared } from '../../packages/client/src/convert.js'
import { localStorage, syncDocs } from './helpers.js'

describe('conversion', () => {
  it('turns plain objects into Y.Map and arrays into Y.Array, recursively', () => {
    const { storage, doc } = localStorage()
    const shapes = storage.map('shapes')
    shapes.set('a', { type: 'rect', pos: { x: 1, y: 2 }, tags: ['x', { n: 1 }], blob: new Uint8Array([1, 2]) })
    const y = doc.getMap('shapes').get('a') as Y.Map<unknown>
    expect(y).toBeInstanceOf(Y.Map)
    expect(y.get('pos')).toBeInstanceOf(Y.Map)
    expect(y.get('tags')).toBeInstanceOf(Y.Array)
    expect((y.get('tags') as Y.Array<unknown>).get(1)).toBeInstanceOf(Y.Map)
    expect(y.get('blob')).toBeInstanceOf(Uint8Array)
    expect(shapes.get('a')).toEqual({ type: 'rect', pos: { x: 1, y: 2 }, tags: ['x', { n: 1 }], blob: new Uint8Array([1, 2]) })
  })

  it('skips undefined fields and refuses what JSON cannot hold', () => {
    const { storage } = localStorage()
    storage.map('m').set('o', { a: 1, b: undefined })
    expect(storage.map('m').get('o')).toStrictEqual({ a: 1 })
    expect(() => toShared(undefined)).toThrow(/undefined/)
    expect(() => toShared(() => 1)).toThrow(/function/)
    expect(() => toShared(NaN)).toThrow(/NaN/)
  })

  it('keeps the identity of unchanged subtrees across changes', () => {
    const { storage } = localStorage()
    const shapes = storage.map('shapes')
    shapes.set('a', { x: 1, inner: { k: 1 } })
    shapes.set('b', { x: 2 })
    const before = shapes.toObject()
    expect(shapes.toObject()).toBe(before)
    shapes.getMap('a')!.set('x', 5)
    const after = shapes.toObject()
    expect(after).not.toBe(before)
    expect(after.b).toBe(before.b)
    expect(after.a.inner).toBe(before.a.inner)
    expect(after.a.x).toBe(5)
    expect(storage.snapshot().shapes).toBe(after)
  })

  it('reads fresh values of types created and changed in the same transaction', () => {
    const { storage, doc } = localStorage()
    const shapes = storage.map('shapes')
    doc.transact(() => {
      shapes.set('a', { x: 1 })
      expect(shapes.get('a')).toEqual({ x: 1 })
      shapes.getMap('a')!.set('x', 2)
      expect(shapes.get('a')).toEqual({ x: 2 })
    })
    expect(shapes.get('a')).toEqual({ x: 2 })
  })

  it('applies remote changes to snapshots', () => {
    const a = localStorage()
    const b = localStorage()
    a.storage.map('m').set('k', { v: 1 })
    syncDocs(a.doc, b.doc)
    const seen = b.storage.map('m').toObject()
    a.storage.map('m').getMap('k')!.set('v', 2)
    syncDocs(a.doc, b.doc)
    expect(b.storage.map('m').toObject()).not.toBe(seen)
    expect(b.storage.map('m').get('k')).toEqual({ v: 2 })
  })
})

describe('SyncedMap', () => {
  it('get/set/delete/has/keys/entries/toObject/size/iteration', () => {
    const { storage } = localStorage()
    const m = storage.map<number>('m')
    expect(m.get('x')).toBeUndefined()
    m.set('x', 1).set('y', 2)
    expect(m.has('x')).toBe(true)
    expect(m.size).toBe(2)
    expect(m.keys().sort()).toEqual(['x', 'y'])
    expect(Object.fromEntries(m.entries())).toEqual({ x: 1, y: 2 })
    expect(Object.fromEntries([...m])).toEqual({ x: 1, y: 2 })
    expect(m.toObject()).toEqual({ x: 1, y: 2 })
    expect(m.delete('x')).toBe(true)
    expect(m.delete('x')).toBe(false)
    expect(m.has('x')).toBe(false)
    expect(m.values()).toEqual([2])
  })

  it('subscribe fires for nested and remote changes, and unsubscribes', () => {
    const a = localStorage()
    const b = localStorage()
    const m = a.storage.map('m')
    m.set('s', { x: 1 })
    const cb = vi.fn()
    const off = m.subscribe(cb)
    m.getMap('s')!.set('x', 2)
    expect(cb).toHaveBeenLastCalledWith({ s: { x: 2 } })
    b.storage.map('m').set('t', 1)
    syncDocs(a.doc, b.doc)
    expect(cb).toHaveBeenCalledTimes(2)
    expect(cb.mock.calls[1][0]).toEqual({ s: { x: 2 }, t: 1 })
    off()
    m.set('u', 1)
    expect(cb).toHaveBeenCalledTimes(2)
  })

  it('update() merges concurrent edits of different fields', () => {
    const a = localStorage()
    const b = localStorage()
    a.storage.map('shapes').set('s', { x: 0, y: 0, color: 'red' })
    syncDocs(a.doc, b.doc)
    a.storage.map('shapes').update('s', { x: 10 })
    b.storage.map('shapes').update('s', { color: 'blue', y: undefined })
    syncDocs(a.doc, b.doc)
    expect(a.storage.map('shapes').get('s')).toEqual({ x: 10, color: 'blue' })
    expect(b.storage.map('shapes').get('s')).toEqual({ x: 10, color: 'blue' })
  })

  it('update() of a missing key creates the object; unchanged primitives write nothing', () => {
    const { storage, doc } = localStorage()
    const m = storage.map('m')
    m.update('k', { a: 1 })
    expect(m.get('k')).toEqual({ a: 1 })
    const updates = vi.fn()
    doc.on('update', updates)
    m.update('k', { a: 1 })
    expect(updates).not.toHaveBeenCalled()
  })

  it('refuses to use one root name as two kinds', () => {
    const { storage } = localStorage()
    storage.map('x')
    expect(() => storage.list('x')).toThrow(/is a map/)
  })
})

describe('SyncedList', () => {
  it('push/insert/delete/get/length/toArray and array helpers', () => {
    const { storage } = localStorage()
    const l = storage.list<number>('l')
    l.push(1, 2, 3)
    l.insert(0, 0)
    expect(l.toArray()).toEqual([0, 1, 2, 3])
    expect(l.length).toBe(4)
    expect(l.get(2)).toBe(2)
    expect(l.get(9)).toBeUndefined()
    l.delete(1)
    expect(l.toArray()).toEqual([0, 2, 3])
    l.delete(1, 5)
    expect(l.toArray()).toEqual([0])
    l.push(4, 5, 6)
    expect(l.map((x) => x * 2)).toEqual([0, 8, 10, 12])
    expect(l.filter((x) => x > 4)).toEqual([5, 6])
    expect(l.find((x) => x > 4)).toBe(5)
    expect(l.findIndex((x) => x > 4)).toBe(2)
    expect(l.indexOf(6)).toBe(3)
    expect(l.indexOf(7)).toBe(-1)
    const seen: number[] = []
    l.forEach((x) => seen.push(x))
    expect(seen).toEqual([0, 4, 5, 6])
    expect([...l]).toEqual([0, 4, 5, 6])
    expect(() => l.insert(9, 1)).toThrow(RangeError)
    expect(() => l.delete(-1)).toThrow(RangeError)
  })

  it('move() puts the item at the target index', () => {
    const { storage } = localStorage()
    const l = storage.list<string>('l')
    l.push('a', 'b', 'c', 'd')
    l.move(0, 2)
    expect(l.toArray()).toEqual(['b', 'c', 'a', 'd'])
    l.move(3, 0)
    expect(l.toArray()).toEqual(['d', 'b', 'c', 'a'])
    l.move(1, 1)
    expect(l.toArray()).toEqual(['d', 'b', 'c', 'a'])
  })

  it('keeps nested objects as maps (moved items keep their value) and finds them by identity', () => {
    const { storage } = localStorage()
    const l = storage.list<{ id: string; pts: number[] }>('l')
    l.push({ id: 'a', pts: [1, 2] }, { id: 'b', pts: [] })
    l.getMap(1)!.getList('pts')!.push(7, 8)
    expect(l.get(1)).toEqual({ id: 'b', pts: [7, 8] })
    l.move(1, 0)
    expect(l.toArray()).toEqual([{ id: 'b', pts: [7, 8] }, { id: 'a', pts: [1, 2] }])
    const b = l.find((s) => s.id === 'b')!
    expect(l.indexOf(b)).toBe(0)
  })

  it('concurrent pushes are all kept, in the same order everywhere', () => {
    const a = localStorage()
    const b = localStorage()
    a.storage.list('l').push('a1')
    b.storage.list('l').push('b1', 'b2')
    syncDocs(a.doc, b.doc)
    expect(a.storage.list('l').toArray()).toEqual(b.storage.list('l').toArray())
    expect(a.storage.list('l').length).toBe(3)
  })

  it('subscribe fires once per transaction', () => {
    const { storage, doc } = localStorage()
    const l = storage.list('l')
    const cb = vi.fn()
    l.subscribe(cb)
    doc.transact(() => {
      l.push(1)
      l.push(2)
    })
    expect(cb).toHaveBeenCalledTimes(1)
    expect(cb).toHaveBeenCalledWith([1, 2])
  })
})

describe('Storage', () => {
  it('initial storage fills only empty roots, in one transaction', () => {
    const a = localStorage()
    a.storage.list('order').push('x')
    const updates = vi.fn()
    a.doc.on('update', updates)
    a.storage.applyInitial({ shapes: { s: { x: 1 } }, order: ['y'], title: 'Hello' }, 'init')
    expect(updates).toHaveBeenCalledTimes(1)
    expect(a.storage.snapshot()).toEqual({ order: ['x'], shapes: { s: { x: 1 } }, title: 'Hello' })
    expect(a.storage.text('title')).toBeInstanceOf(Y.Text)
  })

  it('snapshot() is stable until a change and notifies subscribers once per transaction', () => {
    const { storage, doc } = localStorage()
    storage.map('m')
    const s1 = storage.snapshot()
    expect(storage.snapshot()).toBe(s1)
    const cb = vi.fn()
    storage.subscribe(cb)
    doc.transact(() => {
      storage.map('m').set('a', 1)
      storage.list('l').push(1)
    })
    expect(cb).toHaveBeenCalledTimes(1)
    expect(storage.snapshot()).not.toBe(s1)
    expect(storage.snapshot()).toEqual({ m: { a: 1 }, l: [1] })
  })
})
