// y-protocols awareness: the update codec and a per-room registry of client states.
//
// Wire form of an update: varUint count, then per entry varUint clientID, varUint clock,
// varString state as JSON text. The JSON text "null" means the client is gone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/limits.h"
#include "util/status.h"

namespace symphony::protocol {

struct AwarenessEntry {
  uint64_t client = 0;
  uint64_t clock = 0;
  std::string state_json = "null";  // JSON text as received; "null" = removed

  friend bool operator==(const AwarenessEntry&, const AwarenessEntry&) = default;
};

// Encodes the entries in the order given. state_json is written as is (callers pass JSON).
std::vector<uint8_t> EncodeAwarenessUpdate(std::span<const AwarenessEntry> entries);

// Decodes an update. Each state must be valid JSON (as Yjs's JSON.parse would demand: kInvalid
// otherwise) within limits.max_state_json_bytes; the count must be within
// limits.max_awareness_clients; trailing bytes are kInvalid. Offsets include `base_offset`.
Result<std::vector<AwarenessEntry>> DecodeAwarenessUpdate(std::span<const uint8_t> bytes,
                                                          const Limits& limits = {},
                                                          uint64_t base_offset = 0);

// True if the JSON text is the JSON null value (whitespace allowed, as JSON.parse does).
bool IsNullState(std::string_view state_json);

// What an apply or removal changed, client IDs in processing order (Yjs's 'update' event).
struct AwarenessChanges {
  std::vector<uint64_t> added;
  std::vector<uint64_t> updated;  // includes updates whose state text did not change
  std::vector<uint64_t> removed;
  bool empty() const { return added.empty() && updated.empty() && removed.empty(); }
};

// The awareness states of one room, as a server keeps them (the server has no local state of
// its own). Time is passed in by the caller (milliseconds, any fixed epoch); nothing here reads
// a clock or does I/O. Not thread-safe.
class AwarenessState {
 public:
  // Yjs's outdatedTimeout: a state not renewed for this long is dropped.
  static constexpr int64_t kDefaultTimeoutMs = 30000;

  // Applies entries with Yjs's rules: an entry wins if its clock is higher than the known one,
  // or equal with a null state while a state is held. A winning null state removes the state;
  // the client's clock is remembered either way.
  AwarenessChanges Apply(std::span<const AwarenessEntry> entries, int64_t now_ms);
  // Decodes then applies; on a decode error nothing is applied.
  Result<AwarenessChanges> ApplyUpdate(std::span<const uint8_t> update, int64_t now_ms,
                                       const Limits& limits = {});

  // Update message for `clients` with their known clock and state ("null" when none). Clients
  // never seen are skipped.
  std::vector<uint8_t> Encode(std::span<const uint64_t> clients) const;
  std::vector<uint8_t> EncodeAll() const;  // every client holding a state
  std::vector<uint64_t> Clients() const;   // clients holding a state, ascending

  // Drops the states of `clients` (a closed connection's clients). As in y-protocols'
  // removeAwarenessStates for remote clients, the clock is kept: broadcast Encode(removed) and
  // peers remove the state by the equal-clock-null rule. Returns the clients that had a state.
  AwarenessChanges Remove(std::span<const uint64_t> clients, int64_t now_ms);
  // Drops states not renewed within `timeout_ms` of `now_ms` (returned as removed), and forgets
  // the clocks of clients without a state for that long (so the registry does not grow with
  // client churn; a message delayed past the timeout could then re-add its state until the next
  // timeout).
  AwarenessChanges RemoveOutdated(int64_t now_ms, int64_t timeout_ms = kDefaultTimeoutMs);

  // The state JSON of `client`, or null when it holds none.
  const std::string* StateOf(uint64_t client) const;
  std::optional<uint64_t> ClockOf(uint64_t client) const;
  size_t size() const { return states_; }  // clients holding a state

 private:
  struct Meta {
    uint64_t clock = 0;
    int64_t last_updated_ms = 0;
    std::optional<std::string> state;
  };
  std::map<uint64_t, Meta> meta_;  // ordered: Encode output is deterministic
  size_t states_ = 0;
};

}  // namespace symphony::protocol
