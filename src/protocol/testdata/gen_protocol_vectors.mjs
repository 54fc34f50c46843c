// Writes the golden protocol vectors the tests paste in: one "name<TAB>hex" line each.
// Run from a scratch dir with y-protocols, yjs and lib0 installed:
//   npm i y-protocols yjs lib0 && node gen_protocol_vectors.mjs
// Hocuspocus frames are composed with lib0 the way @hocuspocus/server writes them
// (document name, type, body), since the point is the byte layout.
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as sync from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'

const hex = (u8) => Buffer.from(u8).toString('hex')
const out = (name, u8) => console.log(`${name}\t${hex(u8)}`)
const build = (f) => { const e = encoding.createEncoder(); f(e); return encoding.toUint8Array(e) }

const doc = new Y.Doc()
doc.clientID = 42
doc.getText('t').insert(0, 'hi')
const sv = Y.encodeStateVector(doc)
const update = Y.encodeStateAsUpdate(doc)
out('state_vector', sv)
out('update', update)

// y-websocket frames: messageSync = 0, messageAwareness = 1, messageAuth = 2, messageQueryAwareness = 3.
out('yws_sync_step1', build((e) => { encoding.writeVarUint(e, 0); sync.writeSyncStep1(e, doc) }))
out('yws_sync_step2', build((e) => { encoding.writeVarUint(e, 0); sync.writeSyncStep2(e, doc, new Uint8Array([0])) }))
out('yws_update', build((e) => { encoding.writeVarUint(e, 0); sync.writeUpdate(e, update) }))
out('yws_query_awareness', build((e) => { encoding.writeVarUint(e, 3) }))
out('yws_permission_denied', build((e) => { encoding.writeVarUint(e, 2); encoding.writeVarUint(e, 0); encoding.writeVarString(e, 'no') }))

// Awareness: client 42 with a state, clock 0, then a second client with a larger id.
const aw = new awarenessProtocol.Awareness(doc)
aw.setLocalState({ user: { name: 'Ann', color: '#f00' } })
const aw2doc = new Y.Doc()
aw2doc.clientID = 300000
const aw2 = new awarenessProtocol.Awareness(aw2doc)
aw2.setLocalState({ n: 1 })
awarenessProtocol.applyAwarenessUpdate(aw, awarenessProtocol.encodeAwarenessUpdate(aw2, [300000]), 'x')
const awUpdate = awarenessProtocol.encodeAwarenessUpdate(aw, [42, 300000])
out('awareness_update', awUpdate)
out('yws_awareness', build((e) => { encoding.writeVarUint(e, 1); encoding.writeVarUint8Array(e, awUpdate) }))
// The removal a server broadcasts for a closed connection's client (clock kept, state null).
awarenessProtocol.removeAwarenessStates(aw, [300000], 'close')
out('awareness_removed', awarenessProtocol.encodeAwarenessUpdate(aw, [300000]))
aw.destroy(); aw2.destroy()

// Hocuspocus frames.
const hp = (type, body) => build((e) => { encoding.writeVarString(e, 'room-ä'); encoding.writeVarUint(e, type); body(e) })
out('hp_sync_step1', hp(0, (e) => sync.writeSyncStep1(e, doc)))
out('hp_sync_reply_step2', hp(4, (e) => sync.writeSyncStep2(e, doc, new Uint8Array([0]))))
out('hp_update', hp(0, (e) => sync.writeUpdate(e, update)))
out('hp_awareness', hp(1, (e) => encoding.writeVarUint8Array(e, awUpdate)))
out('hp_query_awareness', hp(3, () => {}))
out('hp_token', hp(2, (e) => { encoding.writeVarUint(e, 0); encoding.writeVarString(e, 'secret') }))
out('hp_token_request', hp(2, (e) => { encoding.writeVarUint(e, 0) }))
out('hp_permission_denied', hp(2, (e) => { encoding.writeVarUint(e, 1); encoding.writeVarString(e, 'nope') }))
out('hp_authenticated', hp(2, (e) => { encoding.writeVarUint(e, 2); encoding.writeVarString(e, 'read-write') }))
out('hp_stateless', hp(5, (e) => encoding.writeVarString(e, '{"a":1}')))
out('hp_broadcast_stateless', hp(6, (e) => encoding.writeVarString(e, 'x')))
out('hp_close', hp(7, (e) => encoding.writeVarString(e, 'bye')))
out('hp_close_request', hp(7, () => {}))
out('hp_sync_status', hp(8, (e) => encoding.writeVarUint(e, 1)))
