// Snapshots (Yjs utils/Snapshot.js): the state of a document at one point, as a state vector
// (which structs existed) and a delete set (which of them were deleted). Only useful for
// documents with gc off: a garbage-collected document no longer holds deleted content.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "crdt/codec/update_encoder.h"
#include "crdt/delete_set.h"
#include "crdt/doc.h"
#include "crdt/state_vector.h"
#include "util/status.h"

namespace symphony::crdt {

struct Item;

struct Snapshot {
  DeleteSet ds;
  StateVector sv;
};

// Yjs snapshot(doc): the doc's delete set (from its store) and state vector.
Snapshot CreateSnapshot(const Doc& doc);

// Yjs encodeSnapshot (v1) / encodeSnapshotV2 (v2): the delete set, then the state vector
// (clients descending). The delete set must have sorted, non-empty ranges (as CreateSnapshot
// and DecodeSnapshot give).
std::vector<uint8_t> EncodeSnapshot(const Snapshot& snapshot,
                                    UpdateFormat format = UpdateFormat::kV1);
// Yjs decodeSnapshot / decodeSnapshotV2 over untrusted bytes. Trailing bytes are ignored, as in
// Yjs. Unlike Yjs, a delete set with unsorted, overlapping or empty ranges is an error (kInvalid):
// IsVisible and the v2 encoding need sorted ranges.
Result<Snapshot> DecodeSnapshot(std::span<const uint8_t> bytes,
                                UpdateFormat format = UpdateFormat::kV1);

// Yjs isVisible: without a snapshot, whether the item is not deleted; with one, whether the
// item existed at the snapshot and was not deleted in it. The snapshot's delete set must be
// sorted (as CreateSnapshot and encoded snapshots are).
bool IsVisible(const Item& item, const Snapshot* snapshot);

// Yjs equalSnapshots.
bool EqualSnapshots(const Snapshot& a, const Snapshot& b);

// Yjs createDocFromSnapshot: a new Doc (with `options`) holding `origin`'s content as it was at
// `snapshot`. Requires origin.gc() to be off (kInvalid otherwise), and a snapshot of this
// document (a state beyond the origin's is kInvalid). `origin` is not modified.
Result<std::unique_ptr<Doc>> CreateDocFromSnapshot(const Doc& origin, const Snapshot& snapshot,
                                                   DocOptions options = {});

}  // namespace symphony::crdt
