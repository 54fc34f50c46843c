// Transaction: one batch of changes to a Doc (Yjs utils/Transaction.js).
//
// Create one with Doc::Transact; nested calls join the outer transaction. When the outermost
// one ends, observers are called, deleted content is garbage-collected (if the doc has gc on),
// neighbouring structs are merged, and the update observers receive the encoded update.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "crdt/delete_set.h"
#include "crdt/id.h"
#include "crdt/state_vector.h"
#include "util/small_map.h"

namespace symphony::crdt {

class AbstractType;
class Doc;
class UpdateEncoder;

class Transaction {
 public:
  Transaction(Doc& doc, const void* origin, bool local);
  // Makes a finished transaction new again, keeping its buffers (transactions are pooled).
  void Reset(const void* origin, bool local);

  Doc& doc() { return *doc_; }
  const void* origin() const { return origin_; }
  bool local() const { return local_; }

  DeleteSet delete_set;
  // The state before the transaction of each client that got new structs in it (Yjs keeps the
  // whole state vector; clients not listed here did not change, so their state is the store's).
  std::vector<std::pair<ClientId, Clock>> before_changed;
  // Set when the transaction ends: the state after it, of the clients in before_changed.
  SmallMap<ClientId, Clock> after_state;
  // Types changed in this transaction (first-changed order) and the keys changed in each
  // (nullopt: the sequence changed).
  std::vector<std::pair<AbstractType*, std::vector<std::optional<std::string>>>> changed;
  // IDs of structs that may now merge with their neighbours.
  std::vector<ID> merge_structs;
  bool need_formatting_cleanup = false;

  // Yjs addChangedTypeToTransaction.
  void AddChangedType(AbstractType* type, const std::string* parent_sub);
  void RemoveChangedType(AbstractType* type);
  Clock BeforeClock(ClientId client) const;
  // Called before a struct of `client` is added to the store.
  void NoteClientChange(ClientId client);

  // The update this transaction produced (Yjs writeUpdateMessageFromTransaction); false if
  // nothing changed.
  bool WriteUpdate(UpdateEncoder& enc);

 private:
  Doc* doc_;
  const void* origin_;
  bool local_;
  SmallMap<AbstractType*, size_t> changed_index_;
};

// Runs the end-of-transaction work for the doc's finished transactions (observers, GC, merges,
// update events). Called by Doc::Transact.
void CleanupTransactions(Doc& doc);

}  // namespace symphony::crdt
