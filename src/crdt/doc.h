// Doc: a Yjs-compatible shared document (Yjs utils/Doc.js).
//
// Not thread-safe: a Doc belongs to one thread (in the server, to its room's event loop).
// Root types are created on first use and live as long as the Doc; handles to types (Text,
// Map, ...) stay valid while the type's item is not garbage-collected.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "crdt/codec/update_encoder.h"
#include "crdt/state_vector.h"
#include "crdt/struct_store.h"
#include "util/status.h"

namespace symphony::crdt {

class AbstractType;
class Transaction;
class Text;
class Map;
class Array;
class XmlFragment;
class XmlElement;
class XmlText;
enum class TypeKind : uint8_t;

struct DocOptions {
  // 0: pick a random 32-bit id, as Yjs does.
  ClientId client_id = 0;
  // Garbage-collect deleted content (off keeps history for snapshots).
  bool gc = true;
  std::string guid;  // empty: a random one
};

class Doc {
 public:
  explicit Doc(DocOptions options = {});
  Doc(const Doc&) = delete;
  Doc& operator=(const Doc&) = delete;
  ~Doc();

  ClientId client_id() const { return client_id_; }
  void set_client_id(ClientId id) { client_id_ = id; }
  bool gc() const { return gc_; }
  void set_gc(bool gc) { gc_ = gc; }
  const std::string& guid() const { return guid_; }
  StructStore& store() { return store_; }
  const StructStore& store() const { return store_; }

  // A root type by name, created on first use with an unknown kind (what a document that only
  // received updates has). The typed getters set the kind; asking for a different kind than a
  // root already has is a programming error and returns nullptr from root().
  AbstractType* GetOrCreateRoot(std::string_view name);
  AbstractType* GetRoot(std::string_view name, TypeKind kind);
  Text GetText(std::string_view name);
  Map GetMap(std::string_view name);
  Array GetArray(std::string_view name);
  XmlFragment GetXmlFragment(std::string_view name);
  // Roots in creation order.
  const std::vector<std::pair<std::string, std::unique_ptr<AbstractType>>>& share() const {
    return share_;
  }
  // The name of a root type (Yjs findRootTypeKey).
  const std::string* RootName(const AbstractType* type) const;

  // Runs f(Transaction&) inside a transaction (joining the current one if any).
  template <class F>
  void Transact(F&& f, const void* origin = nullptr, bool local = true) {
    const bool initial = BeginTransaction(origin, local);
    f(*transaction_);
    if (initial) EndTransaction();
  }
  Transaction* current_transaction() { return transaction_; }

  // Applies a Yjs update in one transaction (Yjs applyUpdate / applyUpdateV2). Structs whose
  // dependencies are missing wait as pending and are applied when these arrive. A malformed
  // update returns an error naming what and where, and changes nothing.
  Status ApplyUpdate(std::span<const uint8_t> update, UpdateFormat format = UpdateFormat::kV1,
                     const void* origin = nullptr);
  // Checks that ApplyUpdate would accept `update` (the same decoding), changing nothing.
  Status ValidateUpdate(std::span<const uint8_t> update,
                        UpdateFormat format = UpdateFormat::kV1);
  // Yjs encodeStateAsUpdate(doc, targetStateVector): everything the target has not seen.
  std::vector<uint8_t> EncodeStateAsUpdate(const StateVector& target = {},
                                           UpdateFormat format = UpdateFormat::kV1) const;
  std::vector<uint8_t> EncodeStateVector() const;
  StateVector GetStateVector() const { return store_.GetStateVector(); }

  // Update observers: called after every transaction that changed something, with the update
  // it produced (what a Yjs server broadcasts).
  using UpdateObserver = std::function<void(std::span<const uint8_t>, Transaction&)>;
  int OnUpdate(UpdateObserver f, UpdateFormat format = UpdateFormat::kV1);
  void OffUpdate(int handle);

  // Interned map keys: items keep pointers to them.
  const std::string* InternKey(std::string_view key);

  // Internal: used by Transact and by Transaction cleanup.
  bool BeginTransaction(const void* origin, bool local);
  void EndTransaction();
  void RecycleTransaction(std::unique_ptr<Transaction> t);
  std::vector<std::unique_ptr<Transaction>>& transaction_cleanups() { return cleanups_; }
  void set_current_transaction(Transaction* t) { transaction_ = t; }
  struct UpdateObserverEntry {
    int handle;
    UpdateFormat format;
    UpdateObserver f;
  };
  const std::vector<UpdateObserverEntry>& update_observers() const { return observers_; }

 private:
  ClientId client_id_;
  bool gc_;
  std::string guid_;
  StructStore store_;
  std::vector<std::pair<std::string, std::unique_ptr<AbstractType>>> share_;
  std::unordered_map<std::string, size_t> share_index_;
  std::unordered_set<std::string> keys_;
  Transaction* transaction_ = nullptr;
  std::vector<std::unique_ptr<Transaction>> cleanups_;
  std::vector<std::unique_ptr<Transaction>> spare_;
  std::vector<UpdateObserverEntry> observers_;
  int next_observer_ = 1;
};

// A random client id in [0, 2^32), as Yjs's generateNewClientId.
ClientId GenerateClientId();

}  // namespace symphony::crdt
