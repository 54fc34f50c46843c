import { describe, expect, it, vi } from 'vitest'
import { localStorage, syncDocs } from './helpers.js'

describe('batch and history', () => {
  it('a batch is one update and one undo step', () => {
    const { storage, doc, history } = localStorage()
    const updates = vi.fn()
    doc.on('update', updates)
    doc.transact(() => {
      storage.map('m').set('a', 1)
      storage.map('m').set('b', 2)
      storage.list('l').push('x')
    }, { kind: 'local' })
    // The helper's origin is a different object: use the storage's own transact instead.
    updates.mockClear()
    history.clear()
    const m = storage.map('m')
    const l = storage.list('l')
    // storage writes inside one outer transaction with the tracked origin
    ;(storage as any).ctx.transact(() => {
      m.set('c', 3)
      l.push('y')
    })
    expect(updates).toHaveBeenCalledTimes(1)
    expect(history.canUndo()).toBe(true)
    history.undo()
    expect(m.has('c')).toBe(false)
    expect(l.toArray()).toEqual(['x'])
    expect(history.canUndo()).toBe(false)
    expect(history.canRedo()).toBe(true)
    history.redo()
    expect(m.get('c')).toBe(3)
    expect(l.toArray()).toEqual(['x', 'y'])
  })

  it('each separate write is its own undo step', () => {
    const { storage, history } = localStorage()
    const m = storage.map('m')
    m.set('a', 1)
    m.set('b', 2)
    history.undo()
    expect(m.toObject()).toEqual({ a: 1 })
    history.undo()
    expect(m.toObject()).toEqual({})
    expect(history.undo()).toBe(false)
  })

  it('pause/resume merge everything in between into one step (a stroke)', () => {
    const { storage, history } = localStorage()
    const shapes = storage.map('shapes')
    shapes.set('other', { x: 0 })
    history.pause()
    shapes.set('s', { pts: [0, 0] })
    for (let i = 1; i < 20; i++) shapes.getMap('s')!.getList('pts')!.push(i, i)
    history.resume()
    expect(shapes.get('s').pts.length).toBe(40)
    history.undo()
    expect(shapes.has('s')).toBe(false)
    expect(shapes.has('other')).toBe(true)
  })

  it('undo reverts only this client’s changes', () => {
    const a = localStorage()
    const b = localStorage()
    a.storage.map('shapes').set('a1', { x: 1 })
    syncDocs(a.doc, b.doc)
    b.storage.map('shapes').set('b1', { x: 2 })
    b.storage.map('shapes').update('a1', { color: 'red' })
    syncDocs(a.doc, b.doc)
    a.storage.map('shapes').set('a2', { x: 3 })
    syncDocs(a.doc, b.doc)
    a.history.undo()
    a.history.undo()
    syncDocs(a.doc, b.doc)
    expect(b.storage.map('shapes').toObject()).toEqual({ b1: { x: 2 } })
    expect(a.history.canUndo()).toBe(false)
    // b's own steps are untouched by a's undo: its colour edit of the (now gone) a1 has nothing
    // left to revert, so Yjs skips to the step before it, which removes b1.
    expect(b.history.canUndo()).toBe(true)
    b.history.undo()
    syncDocs(a.doc, b.doc)
    expect(a.storage.map('shapes').toObject()).toEqual({})
  })

  it('notifies on stack changes; clear() empties both stacks', () => {
    const { storage, history } = localStorage()
    const cb = vi.fn()
    history.subscribe(cb)
    storage.map('m').set('a', 1)
    expect(cb).toHaveBeenCalled()
    history.undo()
    expect(history.canRedo()).toBe(true)
    history.clear()
    expect(history.canRedo()).toBe(false)
    expect(history.canUndo()).toBe(false)
  })
})
