import * as Y from 'yjs'
import { Storage } from '../../packages/client/src/storage.js'
import { History } from '../../packages/client/src/history.js'

/** A document with the room's storage and history wiring, but no network. */
export function localStorage(doc = new Y.Doc()) {
  const origin = { kind: 'local' }
  const history = new History(doc, origin)
  const storage = new Storage(doc, (fn) => doc.transact(fn, origin), (t) => history.track(t))
  return { doc, storage, history, origin }
}

/** Exchanges every missing update between the documents (both ways). */
export function syncDocs(a: Y.Doc, b: Y.Doc, origin: unknown = 'remote') {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), origin)
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), origin)
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function waitFor(cond: () => boolean, what = 'condition', timeout = 3000) {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}
