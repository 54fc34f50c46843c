// Applying encoded updates to a document (Yjs readUpdateV2, integrateStructs,
// readAndApplyDeleteSet), including the pending-structs mechanism.
#pragma once

#include <cstdint>
#include <span>

#include "crdt/codec/update_encoder.h"
#include "util/status.h"

namespace symphony::crdt {

class Doc;
class Transaction;

// Decodes the whole update first: malformed input returns an error and changes nothing. Must be
// called inside a transaction on `tr.doc()`.
Status ReadAndApplyUpdate(Transaction& tr, std::span<const uint8_t> update, UpdateFormat format);

// Runs exactly the decoding ReadAndApplyUpdate runs, without changing the document (map keys
// may be interned). OK here means ReadAndApplyUpdate will accept the update: a server can make
// an update durable first and apply it afterwards.
Status ValidateUpdate(Doc& doc, std::span<const uint8_t> update, UpdateFormat format);

}  // namespace symphony::crdt
