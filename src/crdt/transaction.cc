#include "crdt/transaction.h"

#include <algorithm>

#include "crdt/codec/update_encoder.h"
#include "crdt/doc.h"
#include "crdt/item.h"
#include "crdt/struct_store.h"
#include "crdt/types/abstract_type.h"
#include "crdt/types/text.h"
#include "crdt/update_writer.h"

namespace symphony::crdt {

Transaction::Transaction(Doc& doc, const void* origin, bool local)
    : doc_(&doc), origin_(origin), local_(local) {}

void Transaction::Reset(const void* origin, bool local) {
  origin_ = origin;
  local_ = local;
  delete_set = DeleteSet();
  before_changed.clear();
  after_state.clear();
  changed.clear();
  changed_index_.clear();
  merge_structs.clear();
  need_formatting_cleanup = false;
}

Clock Transaction::BeforeClock(ClientId client) const {
  for (const auto& [c, clock] : before_changed) {
    if (c == client) return clock;
  }
  return doc_->store().GetState(client);
}

void Transaction::NoteClientChange(ClientId client) {
  for (const auto& [c, clock] : before_changed) {
    if (c == client) return;
  }
  before_changed.emplace_back(client, doc_->store().GetState(client));
}

void Transaction::AddChangedType(AbstractType* type, const std::string* parent_sub) {
  Item* item = type->item();
  if (item != nullptr && !(item->id.clock < BeforeClock(item->id.client) && !item->deleted())) {
    return;
  }
  size_t* index = changed_index_.Find(type);
  if (!index) {
    index = &changed_index_.FindOrInsert(type, changed.size());
    changed.emplace_back(type, std::vector<std::optional<std::string>>{});
  }
  auto& subs = changed[*index].second;
  std::optional<std::string> key;
  if (parent_sub) key = *parent_sub;
  if (std::find(subs.begin(), subs.end(), key) == subs.end()) subs.push_back(std::move(key));
}

void Transaction::RemoveChangedType(AbstractType* type) {
  size_t* index = changed_index_.Find(type);
  if (!index) return;
  const size_t i = *index;
  changed.erase(changed.begin() + i);
  changed_index_.Erase(type);
  for (auto& [t, idx] : changed_index_) {
    if (idx > i) idx--;
  }
}

bool Transaction::WriteUpdate(UpdateEncoder& enc) {
  if (delete_set.empty() && before_changed.empty()) return false;
  delete_set.SortAndMerge();
  WriteChangedStructs(enc, doc_->store(), before_changed);
  delete_set.Write(enc);
  return true;
}

namespace {

// Yjs tryToMergeWithLefts: merges structs[pos] into its left neighbours while possible and
// frees the merged structs. Returns how many were merged away.
size_t TryToMergeWithLefts(StructStore::Structs& structs, size_t pos) {
  Item* right = structs[pos];
  Item* left = structs[pos - 1];
  size_t i = pos;
  for (; i > 0; right = left, left = i >= 2 ? structs[--i - 1] : (--i, nullptr)) {
    if (left->deleted() == right->deleted() && left->kind == right->kind && left->MergeWith(right)) {
      if (right->is_item() && right->parent_sub && right->parent &&
          right->parent->MapGet(*right->parent_sub) == right) {
        right->parent->MapSet(right->parent_sub, left);
      }
      continue;
    }
    break;
  }
  const size_t merged = pos - i;
  if (merged) {
    const size_t first = pos + 1 - merged;
    for (size_t k = first; k < first + merged; k++) delete structs[k];
    structs.erase(first, merged);
  }
  return merged;
}

void TryGcDeleteSet(const DeleteSet& ds, StructStore& store) {
  for (const auto& [client, dels] : ds.clients()) {
    StructStore::Structs* structs = store.Get(client);
    if (!structs) continue;
    for (size_t di = dels.size(); di-- > 0;) {
      const DeleteRange& d = dels[di];
      const Clock end = d.clock + d.len;
      int64_t si = StructStore::FindIndex(*structs, d.clock);
      if (si < 0) continue;
      for (size_t i = static_cast<size_t>(si); i < structs->size(); i++) {
        Item* s = (*structs)[i];
        if (s->id.clock >= end) break;
        if (s->is_item() && s->deleted() && !s->keep()) s->GC(store, false);
      }
    }
  }
}

void TryMergeDeleteSet(const DeleteSet& ds, StructStore& store) {
  for (const auto& [client, dels] : ds.clients()) {
    StructStore::Structs* structs = store.Get(client);
    if (!structs) continue;
    for (size_t di = dels.size(); di-- > 0;) {
      const DeleteRange& d = dels[di];
      int64_t found = StructStore::FindIndex(*structs, d.clock + d.len - 1);
      if (found < 0) continue;
      int64_t si = std::min<int64_t>(static_cast<int64_t>(structs->size()) - 1, 1 + found);
      while (si > 0 && (*structs)[si]->id.clock >= d.clock) {
        si -= 1 + static_cast<int64_t>(TryToMergeWithLefts(*structs, static_cast<size_t>(si)));
      }
    }
  }
}

void CallObservers(Transaction& tr) {
  // Observers start new transactions for their changes; this one's list stays as it is.
  const auto& changed = tr.changed;
  std::vector<std::pair<AbstractType*, std::vector<TypeEvent>>> deep;
  for (auto& [type, subs] : changed) {
    if (type->item() && type->item()->deleted()) continue;
    type->CallObserver(tr, subs);
    bool any_deep = false;
    for (AbstractType* t = type; t; t = t->parent()) any_deep = any_deep || t->has_deep_observers();
    if (!any_deep) continue;
    TypeEvent ev;
    ev.target = type;
    ev.transaction = &tr;
    for (const auto& s : subs) {
      if (s) ev.keys_changed.push_back(*s); else ev.child_list_changed = true;
    }
    for (AbstractType* t = type; t; t = t->parent()) {
      auto it = std::find_if(deep.begin(), deep.end(), [&](auto& e) { return e.first == t; });
      if (it == deep.end()) {
        deep.emplace_back(t, std::vector<TypeEvent>{});
        it = deep.end() - 1;
      }
      it->second.push_back(ev);
    }
  }
  for (auto& [type, events] : deep) {
    if (!type->has_deep_observers() || (type->item() && type->item()->deleted())) continue;
    type->CallDeepObservers(events);
  }
}

void CleanupOne(Doc& doc, Transaction& tr) {
  StructStore& store = doc.store();
  DeleteSet& ds = tr.delete_set;
  ds.SortAndMerge();
  for (const auto& [client, before] : tr.before_changed) {
    tr.after_state.FindOrInsert(client, 0) = store.GetState(client);
  }
  CallObservers(tr);
  if (tr.need_formatting_cleanup) CleanupYTextAfterTransaction(tr);

  if (doc.gc()) TryGcDeleteSet(ds, store);
  TryMergeDeleteSet(ds, store);
  for (const auto& [client, clock] : tr.after_state) {
    const Clock before = tr.BeforeClock(client);
    if (before == clock) continue;
    StructStore::Structs* structs = store.Get(client);
    int64_t found = StructStore::FindIndex(*structs, before);
    const int64_t first_change = std::max<int64_t>(found, 1);
    for (int64_t i = static_cast<int64_t>(structs->size()) - 1; i >= first_change;) {
      i -= 1 + static_cast<int64_t>(TryToMergeWithLefts(*structs, static_cast<size_t>(i)));
    }
  }
  for (size_t k = tr.merge_structs.size(); k-- > 0;) {
    const ID id = tr.merge_structs[k];
    StructStore::Structs* structs = store.Get(id.client);
    if (!structs) continue;
    const int64_t pos = StructStore::FindIndex(*structs, id.clock);
    if (pos < 0) continue;
    if (static_cast<size_t>(pos) + 1 < structs->size() &&
        TryToMergeWithLefts(*structs, static_cast<size_t>(pos) + 1) > 1) {
      continue;
    }
    if (pos > 0) TryToMergeWithLefts(*structs, static_cast<size_t>(pos));
  }
  if (!tr.local() && tr.after_state.Find(doc.client_id())) {
    // Someone else is writing with our client id: take a new one, as Yjs does.
    doc.set_client_id(GenerateClientId());
  }
  if (doc.update_observers().empty()) return;
  // Observers may unsubscribe while being called: iterate over a copy.
  auto observers = doc.update_observers();
  for (const auto& obs : observers) {
    auto enc = MakeUpdateEncoder(obs.format);
    if (tr.WriteUpdate(*enc)) {
      std::vector<uint8_t> update = enc->Finish();
      obs.f(update, tr);
    }
  }
}

}  // namespace

void CleanupTransactions(Doc& doc) {
  auto& cleanups = doc.transaction_cleanups();
  // Cleanup may start new transactions (formatting cleanup); they are appended and handled here.
  for (size_t i = 0; i < cleanups.size(); i++) CleanupOne(doc, *cleanups[i]);
  for (auto& t : cleanups) doc.RecycleTransaction(std::move(t));
  cleanups.clear();
}

}  // namespace symphony::crdt
