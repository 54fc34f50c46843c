// Operations on encoded Yjs updates that need no Doc (Yjs utils/updates.js): merging, diffing
// against a state vector, converting between formats v1 and v2, and reading an update's structs
// for inspection.
//
// Every function takes untrusted bytes and returns an error (what, and the byte offset inside
// the update it concerns) instead of crashing. Outputs are byte-identical with what Yjs 13.6
// produces for the same inputs, with two documented exceptions on inputs Yjs itself mishandles
// (see MergeUpdates and UpdateLimits).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "crdt/codec/update_decoder.h"
#include "crdt/codec/update_encoder.h"
#include "crdt/delete_set.h"
#include "crdt/item.h"
#include "crdt/state_vector.h"
#include "util/status.h"

namespace symphony::crdt {

struct UpdateLimits {
  // Most structs one update may describe. A v2 update can encode a long run of structs in a few
  // bytes (run-length columns repeat forever), so this bounds time, not the input size; Yjs has
  // no such bound and would loop on such input. Exceeding it is a kLimit error.
  uint64_t max_structs = uint64_t{1} << 24;
  // Most structs DecodeUpdate keeps in memory at once (about 200 bytes each); the streaming
  // functions hold only a few at a time.
  uint64_t max_decoded_structs = uint64_t{1} << 20;
  DecodeLimits decode;
};

// Strings (root type names, map keys) that structs read from an update point into.
using InternedStrings = std::unordered_set<std::string>;

// Reads the structs of one update one at a time, as Yjs's LazyStructReader does: each becomes
// an unlinked Item (kind kItem, kGC or kSkip) whose parent is a root name (kRootName), the ID of
// the parent's item (kId), or absent when the item has an origin (kNone). left/right stay null.
//
// The decoder must outlive the reader, and after the last struct (curr() == nullptr without an
// error) it is positioned at the delete set. Errors are recorded in the decoder (sticky); after
// one, curr() is null and status() says what and where.
class LazyStructReader {
 public:
  LazyStructReader(UpdateDecoder& dec, bool filter_skips, const UpdateLimits& limits = {});

  // The current struct; nullptr at the end or after an error.
  Item* curr() const { return curr_.get(); }
  // Moves to the next struct (skipping Skip structs if filter_skips) and returns it.
  Item* Next();
  // Takes ownership of the current struct; curr() is null until the next Next().
  std::unique_ptr<Item> TakeCurr() { return std::move(curr_); }

  bool failed() const { return dec_.failed(); }
  Status status() const { return dec_.status(); }
  // Keeps the strings that the structs read so far point to.
  const std::shared_ptr<InternedStrings>& strings() const { return strings_; }

 private:
  std::unique_ptr<Item> ReadOne();
  const std::string* Intern(std::string s);

  UpdateDecoder& dec_;
  bool filter_skips_;
  UpdateLimits limits_;
  std::shared_ptr<InternedStrings> strings_ = std::make_shared<InternedStrings>();
  std::unique_ptr<Item> curr_;
  uint64_t clients_left_ = 0;
  uint64_t structs_left_ = 0;
  uint64_t structs_read_ = 0;
  ClientId client_ = 0;
  Clock clock_ = 0;
  bool started_ = false;
};

// Yjs mergeUpdates / mergeUpdatesV2: one update holding everything the inputs hold (all in the
// given format). Like Yjs, a single input is returned unchanged (and unchecked); zero inputs
// give an empty update. When more than 63 updates hold structs at the same position, one an
// Item and the other a GC, the choice between them may differ from V8's (whose sort this
// replicates exactly for up to 63 inputs).
Result<std::vector<uint8_t>> MergeUpdates(std::span<const std::span<const uint8_t>> updates,
                                          UpdateFormat format, const UpdateLimits& limits = {});
// Convenience overload.
Result<std::vector<uint8_t>> MergeUpdates(const std::vector<std::vector<uint8_t>>& updates,
                                          UpdateFormat format, const UpdateLimits& limits = {});

// Yjs diffUpdate / diffUpdateV2: the part of `update` that a peer with the encoded state vector
// `state_vector` (v1 state vector encoding, as Yjs's encodeStateVector writes) is missing. The
// delete set is kept whole.
Result<std::vector<uint8_t>> DiffUpdate(std::span<const uint8_t> update,
                                        std::span<const uint8_t> state_vector, UpdateFormat format,
                                        const UpdateLimits& limits = {});

// Yjs convertUpdateFormatV1ToV2 / V2ToV1 (from == to re-encodes).
Result<std::vector<uint8_t>> ConvertUpdateFormat(std::span<const uint8_t> update,
                                                 UpdateFormat from, UpdateFormat to,
                                                 const UpdateLimits& limits = {});

// Yjs encodeStateVectorFromUpdate(V2): the state vector a Doc would have after applying only
// this update (clients whose structs do not start at clock 0 count as absent). Encoded as
// Yjs's encodeStateVector writes it (the same bytes for both formats).
Result<std::vector<uint8_t>> EncodeStateVectorFromUpdate(std::span<const uint8_t> update,
                                                         UpdateFormat format,
                                                         const UpdateLimits& limits = {});

// Yjs parseUpdateMeta(V2): per client, the first clock (`from`) and the end clock (`to`) of
// the structs in the update.
struct UpdateMeta {
  StateVector from;
  StateVector to;
};
Result<UpdateMeta> ParseUpdateMeta(std::span<const uint8_t> update, UpdateFormat format,
                                   const UpdateLimits& limits = {});

// Yjs decodeUpdate(V2): all structs (Skips included) and the delete set, for inspection. More
// than limits.max_decoded_structs structs is a kLimit error.
// `strings` owns the names and keys the structs point to.
struct DecodedUpdate {
  std::vector<std::unique_ptr<Item>> structs;
  DeleteSet ds;
  std::shared_ptr<InternedStrings> strings;
};
Result<DecodedUpdate> DecodeUpdate(std::span<const uint8_t> update, UpdateFormat format,
                                   const UpdateLimits& limits = {});

// Yjs readDeleteSet, plus a check Yjs lacks: a range ending past 2^53-1 is kOverflow (such an
// end cannot be encoded again). Errors carry the decoder's offset.
Result<DeleteSet> ReadDeleteSetChecked(DsDecoder& dec);

// Whether `ds` can be written in format v2: per client, ranges in ascending order, not
// overlapping, none empty (v2 stores clock differences and length - 1). Delete sets from a
// Doc, from DeleteSet::Merge and from v2 decoding of one entry per client are; a v1 update can
// hold anything. Yjs would write garbage or throw for the others.
bool EncodableInV2(const DeleteSet& ds);

}  // namespace symphony::crdt
