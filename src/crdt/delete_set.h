// DeleteSet: per client, sorted ranges of deleted clocks (Yjs utils/DeleteSet.js).
//
// Clients keep their insertion order (a JS Map's), because some Yjs algorithms iterate it; the
// encoders sort by client, descending, as Yjs does.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "crdt/id.h"
#include "util/small_map.h"

namespace symphony::crdt {

class DsEncoder;
class DsDecoder;
class StructStore;

struct DeleteRange {
  Clock clock = 0;
  uint64_t len = 0;
  friend bool operator==(const DeleteRange&, const DeleteRange&) = default;
};

class DeleteSet {
 public:
  using Ranges = std::vector<DeleteRange>;
  using Entry = std::pair<ClientId, Ranges>;

  void Add(ClientId client, Clock clock, uint64_t len);
  // Sorts each client's ranges and joins overlapping or touching ones.
  void SortAndMerge();
  // Requires SortAndMerge (or ranges read from an encoded, sorted delete set).
  bool IsDeleted(ID id) const;
  bool empty() const { return clients_.empty(); }
  const std::vector<Entry>& clients() const { return clients_.entries(); }
  std::vector<Entry>& clients() { return clients_.entries(); }
  const Ranges* Get(ClientId client) const;

  // Every deleted struct of the store, as ranges (Yjs createDeleteSetFromStructStore).
  static DeleteSet FromStore(const StructStore& store);
  // Union, sorted and merged (Yjs mergeDeleteSets).
  static DeleteSet Merge(std::span<const DeleteSet> sets);
  void Write(DsEncoder& enc) const;
  // Reads an encoded delete set; on malformed input the decoder's status says what and where.
  static DeleteSet Read(DsDecoder& dec);

  friend bool operator==(const DeleteSet& a, const DeleteSet& b);

 private:
  Ranges& RangesFor(ClientId client);
  SmallMap<ClientId, Ranges> clients_;
};

}  // namespace symphony::crdt
