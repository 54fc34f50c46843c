// What a virtual user writes: whiteboard strokes in a shared Y.Array and a cursor in its
// awareness state, each carrying the time it was sent; and how a receiver reads those times back.
//
// A stroke is one JSON object pushed onto the root array "strokes":
//   {"id":"u12-7","user":12,"color":"#3fa2c9","width":3,"points":[[x,y],...],"t":<µs>}
// with 8 to 16 points. It is written through the engine's Array API in its own transaction, so
// the bytes sent are the update a Yjs client would send for the same edit. The presence state is
//   {"user":{"name":"u12","color":"#3fa2c9"},"cursor":{"x":..,"y":..},"t":<µs>}
// "t" is NowMicros() at send time (bench_clock.h); 0 marks a state that is not measured (the
// first state and keep-alive renewals).
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crdt/doc.h"
#include "crdt/id.h"
#include "util/status.h"

namespace symphony::bench {

inline constexpr std::string_view kStrokesRoot = "strokes";

// Pushes one stroke by `user` (its `seq`-th) onto doc's "strokes" array and returns the update
// the transaction produced (v1). Not thread-safe (the Doc's thread).
std::vector<uint8_t> PushStroke(crdt::Doc& doc, uint32_t user, uint64_t seq, int64_t sent_us,
                                std::mt19937_64& rng);

// The send times of the strokes that clients other than `own` added to the doc in `tr`, which
// must be a transaction that just ended (call it from an observer of the "strokes" array).
// Strokes without a positive "t" are skipped.
std::vector<int64_t> RemoteStrokeTimes(crdt::Transaction& tr, crdt::ClientId own);

// Per client, the end of what earlier updates covered. A sorted vector: a room has at most a
// thousand clients, and a receiver looks one up for every struct it reads.
class SeenClocks {
 public:
  crdt::Clock& operator[](crdt::ClientId client);

 private:
  std::vector<std::pair<crdt::ClientId, crdt::Clock>> ends_;
};

// What a client that keeps no replica reads from a received update (v1), in one decoding pass.
struct StrokeScan {
  std::vector<int64_t> times;  // send times of strokes by other clients, first seen in this update
  crdt::Clock own_end = 0;     // the end of `own`'s structs in the update; 0 if it holds none
};
// Walks every struct of `update` without building any (the Any content of strokes is skipped
// but for "t"), checking the layout and bounds as it goes: truncated or malformed bytes are an
// error. `seen` holds, per client, the end of what earlier updates covered; only the part of a
// struct past it counts, and it moves to the struct's end. Strokes without a positive "t" are
// skipped, as in RemoteStrokeTimes. The delete set is not read.
Result<StrokeScan> ScanStrokes(std::span<const uint8_t> update, crdt::ClientId own,
                               SeenClocks* seen);

// The colour of a user, "#rrggbb", stable per user index.
std::string UserColor(uint32_t user);

// The awareness state JSON of `user` with its cursor at (x, y).
std::string PresenceJson(uint32_t user, int x, int y, int64_t sent_us);
// "t" of a presence state if it is a positive number; nullopt otherwise (another client's state,
// a null state, a renewal). `state_json` must be valid JSON (the awareness decoder checks it).
std::optional<int64_t> PresenceSentMicros(std::string_view state_json);

}  // namespace symphony::bench
