#include "crdt/doc.h"

#include <random>
#include <utility>

#include "crdt/delete_set.h"
#include "crdt/item.h"
#include "crdt/transaction.h"
#include "crdt/types/abstract_type.h"
#include "crdt/types/array.h"
#include "crdt/types/map.h"
#include "crdt/types/text.h"
#include "crdt/types/xml.h"
#include "crdt/update_reader.h"
#include "crdt/update_writer.h"
#include "crdt/updates.h"

namespace symphony::crdt {

ClientId GenerateClientId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng() & 0xFFFFFFFFull;
}

namespace {

std::string RandomGuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
  for (char& c : s) {
    if (c == 'x') c = kHex[rng() & 15];
    if (c == 'y') c = kHex[8 + (rng() & 3)];
  }
  return s;
}

}  // namespace

Doc::Doc(DocOptions options)
    : client_id_(options.client_id ? options.client_id : GenerateClientId()),
      gc_(options.gc),
      guid_(options.guid.empty() ? RandomGuid() : std::move(options.guid)) {}

Doc::~Doc() = default;

AbstractType* Doc::GetOrCreateRoot(std::string_view name) {
  auto it = share_index_.find(std::string(name));
  if (it != share_index_.end()) return share_[it->second].second.get();
  auto type = std::make_unique<AbstractType>(TypeKind::kUnknown);
  type->Integrate(this, nullptr);
  AbstractType* raw = type.get();
  share_index_.emplace(std::string(name), share_.size());
  share_.emplace_back(std::string(name), std::move(type));
  return raw;
}

AbstractType* Doc::GetRoot(std::string_view name, TypeKind kind) {
  AbstractType* t = GetOrCreateRoot(name);
  if (t->kind() == TypeKind::kUnknown) {
    t->set_kind(kind);
  } else if (t->kind() != kind) {
    return nullptr;
  }
  return t;
}

Text Doc::GetText(std::string_view name) { return Text(GetRoot(name, TypeKind::kText)); }
Map Doc::GetMap(std::string_view name) { return Map(GetRoot(name, TypeKind::kMap)); }
Array Doc::GetArray(std::string_view name) { return Array(GetRoot(name, TypeKind::kArray)); }
XmlFragment Doc::GetXmlFragment(std::string_view name) {
  return XmlFragment(GetRoot(name, TypeKind::kXmlFragment));
}

const std::string* Doc::RootName(const AbstractType* type) const {
  for (const auto& [name, t] : share_) {
    if (t.get() == type) return &name;
  }
  return nullptr;
}

bool Doc::BeginTransaction(const void* origin, bool local) {
  if (transaction_) return false;
  if (spare_.empty()) {
    cleanups_.push_back(std::make_unique<Transaction>(*this, origin, local));
  } else {
    cleanups_.push_back(std::move(spare_.back()));
    spare_.pop_back();
    cleanups_.back()->Reset(origin, local);
  }
  transaction_ = cleanups_.back().get();
  return true;
}

void Doc::EndTransaction() {
  const bool finish = transaction_ == cleanups_.front().get();
  transaction_ = nullptr;
  if (finish) CleanupTransactions(*this);
}

void Doc::RecycleTransaction(std::unique_ptr<Transaction> t) {
  if (spare_.size() < 4) spare_.push_back(std::move(t));
}

Status Doc::ApplyUpdate(std::span<const uint8_t> update, UpdateFormat format,
                        const void* origin) {
  Status result;
  Transact([&](Transaction& tr) { result = ReadAndApplyUpdate(tr, update, format); }, origin,
           false);
  return result;
}

Status Doc::ValidateUpdate(std::span<const uint8_t> update, UpdateFormat format) {
  return crdt::ValidateUpdate(*this, update, format);
}

std::vector<uint8_t> Doc::EncodeStateAsUpdate(const StateVector& target,
                                              UpdateFormat format) const {
  auto enc = MakeUpdateEncoder(format);
  WriteClientsStructs(*enc, store_, target);
  DeleteSet::FromStore(store_).Write(*enc);
  std::vector<uint8_t> own = enc->Finish();
  if (!store_.pending_ds && !store_.pending_structs) return own;

  // Pending structs and deletes are part of our state too: merge them in, as Yjs does.
  std::vector<std::vector<uint8_t>> parts;
  parts.push_back(std::move(own));
  if (store_.pending_ds) parts.push_back(*store_.pending_ds);
  if (store_.pending_structs) {
    Result<std::vector<uint8_t>> diff =
        DiffUpdate(store_.pending_structs->update, crdt::EncodeStateVector(target),
                   UpdateFormat::kV2);
    if (diff.ok()) parts.push_back(std::move(diff).value());
  }
  if (parts.size() == 1) return std::move(parts[0]);
  if (format == UpdateFormat::kV1) {
    for (size_t i = 1; i < parts.size(); i++) {
      Result<std::vector<uint8_t>> v1 =
          ConvertUpdateFormat(parts[i], UpdateFormat::kV2, UpdateFormat::kV1);
      if (v1.ok()) parts[i] = std::move(v1).value();
    }
  }
  std::vector<std::span<const uint8_t>> spans(parts.begin(), parts.end());
  Result<std::vector<uint8_t>> merged = MergeUpdates(spans, format);
  return merged.ok() ? std::move(merged).value() : std::move(parts[0]);
}

std::vector<uint8_t> Doc::EncodeStateVector() const {
  return crdt::EncodeStateVector(store_.GetStateVector());
}

int Doc::OnUpdate(UpdateObserver f, UpdateFormat format) {
  const int handle = next_observer_++;
  observers_.push_back(UpdateObserverEntry{handle, format, std::move(f)});
  return handle;
}

void Doc::OffUpdate(int handle) {
  std::erase_if(observers_, [&](const UpdateObserverEntry& e) { return e.handle == handle; });
}

const std::string* Doc::InternKey(std::string_view key) {
  return &*keys_.emplace(key).first;
}

}  // namespace symphony::crdt
