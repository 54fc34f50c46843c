// StructStore: every struct of a document, per client, in clock order without gaps
// (Yjs utils/StructStore.js), plus the pending structs and deletes that wait for missing
// dependencies.
//
// Owns its structs: Add() takes ownership; Replace() and RemoveRange() free what they drop.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "crdt/id.h"
#include "crdt/state_vector.h"

namespace symphony::crdt {

struct Item;
class Transaction;

// Structs that could not be integrated yet: an update (format v2) holding them, and for each
// client the smallest clock we are missing.
struct PendingStructs {
  StateVector missing;
  std::vector<uint8_t> update;
};

// One client's structs in clock order, without gaps in the clocks.
//
// Stored as a gap buffer: edits cluster where the cursor is, and a split or a merge there costs
// O(1) instead of moving the whole tail (a plain array spent half of all time in memmove on the
// automerge-paper trace). The start clocks are kept in a parallel array so that a lookup by
// clock searches contiguous memory instead of chasing pointers, and `hint` remembers where the
// last lookup landed (the item just typed, its neighbour): most lookups hit it.
class StructList {
 public:
  size_t size() const { return items_.size() - gap_len_; }
  bool empty() const { return size() == 0; }
  Item* operator[](size_t i) const { return items_[Phys(i)]; }
  Item* back() const { return (*this)[size() - 1]; }
  Clock clock_at(size_t i) const { return clocks_[Phys(i)]; }

  // Appends at the physical end when the gap is elsewhere: new structs arrive at the end while
  // edits happen in the middle, and the gap should stay where the edits are.
  void push_back(Item* s);
  void insert(size_t pos, Item* s);
  // Removes `count` structs from `first` (without freeing them).
  void erase(size_t first, size_t count);
  // Replaces the struct at i with one that starts at the same clock.
  void set(size_t i, Item* s) { items_[Phys(i)] = s; }

  mutable size_t hint = 0;

 private:
  size_t Phys(size_t i) const { return i < gap_start_ ? i : i + gap_len_; }
  void MoveGap(size_t pos);
  std::vector<Item*> items_;
  std::vector<Clock> clocks_;
  size_t gap_start_ = 0;
  size_t gap_len_ = 0;
};

class StructStore {
 public:
  using Structs = StructList;

  StructStore() = default;
  StructStore(const StructStore&) = delete;
  StructStore& operator=(const StructStore&) = delete;
  ~StructStore();

  // nullptr when the client has no structs.
  Structs* Get(ClientId client);
  const Structs* Get(ClientId client) const;
  // Clients in first-seen order.
  const std::vector<ClientId>& client_order() const { return order_; }

  Clock GetState(ClientId client) const;
  StateVector GetStateVector() const;
  // Appends a struct (must start at the client's current state). Takes ownership.
  void Add(Item* s);

  // Index of the struct containing `clock`; -1 if none (the caller's input was inconsistent).
  static int64_t FindIndex(const Structs& structs, Clock clock);
  // The struct containing id, or nullptr.
  Item* Find(ID id) const;
  // Like FindIndex, but splits so that a struct starts at `clock`.
  int64_t FindIndexCleanStart(Transaction& tr, Structs& structs, Clock clock);
  Item* GetItemCleanStart(Transaction& tr, ID id);
  // The struct ending at id (split if needed; GC structs are never split).
  Item* GetItemCleanEnd(Transaction& tr, ID id);
  // Puts `replacement` where `old` is and frees `old`.
  void Replace(Item* old, Item* replacement);

  // Calls f(Item*) for every struct overlapping [clock, clock + len), splitting at both ends.
  template <class F>
  void IterateStructs(Transaction& tr, Structs& structs, Clock clock, uint64_t len, F&& f);

  std::optional<PendingStructs> pending_structs;
  std::optional<std::vector<uint8_t>> pending_ds;  // an update (v2) with only deletes

 private:
  static int64_t Search(const Structs& structs, Clock clock);
  std::unordered_map<ClientId, Structs> clients_;
  std::vector<ClientId> order_;
};

}  // namespace symphony::crdt

#include "crdt/struct_store_inl.h"
