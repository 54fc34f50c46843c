#include "crdt/struct_store.h"

#include "crdt/item.h"

namespace symphony::crdt {

StructStore::~StructStore() {
  for (auto& [client, structs] : clients_) {
    for (Item* s : structs) delete s;
  }
}

StructStore::Structs* StructStore::Get(ClientId client) {
  auto it = clients_.find(client);
  return it == clients_.end() ? nullptr : &it->second;
}

const StructStore::Structs* StructStore::Get(ClientId client) const {
  auto it = clients_.find(client);
  return it == clients_.end() ? nullptr : &it->second;
}

Clock StructStore::GetState(ClientId client) const {
  auto it = clients_.find(client);
  if (it == clients_.end() || it->second.empty()) return 0;
  const Item* last = it->second.back();
  return last->id.clock + last->length;
}

StateVector StructStore::GetStateVector() const {
  StateVector sv;
  sv.reserve(clients_.size());
  for (const auto& [client, structs] : clients_) {
    if (structs.empty()) continue;
    sv[client] = structs.back()->id.clock + structs.back()->length;
  }
  return sv;
}

void StructStore::Add(Item* s) {
  auto [it, inserted] = clients_.try_emplace(s->id.client);
  if (inserted) order_.push_back(s->id.client);
  it->second.push_back(s);
}

int64_t StructStore::FindIndex(const Structs& structs, Clock clock) {
  if (structs.empty()) return -1;
  const size_t n = structs.size();
  // The newest structs (highest clocks) are the most looked up: they were just typed.
  if (const Item* last = structs[n - 1]; last->id.clock <= clock) {
    return clock < last->id.clock + last->length ? static_cast<int64_t>(n - 1) : -1;
  }
  for (size_t h = structs.hint; h < n && h < structs.hint + 2; h++) {
    const Item* s = structs[h];
    if (s->id.clock <= clock && clock < s->id.clock + s->length) {
      structs.hint = h;
      return static_cast<int64_t>(h);
    }
  }
  const int64_t found = Search(structs, clock);
  if (found >= 0) structs.hint = static_cast<size_t>(found);
  return found;
}

int64_t StructStore::Search(const Structs& structs, Clock clock) {
  int64_t left = 0;
  int64_t right = static_cast<int64_t>(structs.size()) - 1;
  const Item* mid = structs[right];
  if (mid->id.clock == clock) return right;
  // Pivot on the clock: clocks are dense, so this usually lands at once.
  const Clock last = mid->id.clock + mid->length - 1;
  int64_t mid_index =
      last == 0 ? 0 : static_cast<int64_t>((static_cast<double>(clock) / last) * right);
  if (mid_index > right) mid_index = right;
  if (mid_index < 0) mid_index = 0;
  while (left <= right) {
    mid = structs[mid_index];
    if (mid->id.clock <= clock) {
      if (clock < mid->id.clock + mid->length) return mid_index;
      left = mid_index + 1;
    } else {
      right = mid_index - 1;
    }
    mid_index = (left + right) / 2;
  }
  return -1;
}

Item* StructStore::Find(ID id) const {
  const Structs* structs = Get(id.client);
  if (!structs) return nullptr;
  int64_t i = FindIndex(*structs, id.clock);
  return i < 0 ? nullptr : (*structs)[i];
}

int64_t StructStore::FindIndexCleanStart(Transaction& tr, Structs& structs, Clock clock) {
  int64_t index = FindIndex(structs, clock);
  if (index < 0) return index;
  Item* s = structs[index];
  if (s->id.clock < clock && s->is_item()) {
    structs.insert(structs.begin() + index + 1, SplitItem(tr, s, clock - s->id.clock));
    return index + 1;
  }
  return index;
}

Item* StructStore::GetItemCleanStart(Transaction& tr, ID id) {
  Structs* structs = Get(id.client);
  if (!structs) return nullptr;
  int64_t i = FindIndexCleanStart(tr, *structs, id.clock);
  return i < 0 ? nullptr : (*structs)[i];
}

Item* StructStore::GetItemCleanEnd(Transaction& tr, ID id) {
  Structs* structs = Get(id.client);
  if (!structs) return nullptr;
  int64_t index = FindIndex(*structs, id.clock);
  if (index < 0) return nullptr;
  Item* s = (*structs)[index];
  if (id.clock != s->id.clock + s->length - 1 && !s->is_gc()) {
    structs->insert(structs->begin() + index + 1, SplitItem(tr, s, id.clock - s->id.clock + 1));
  }
  return s;
}

void StructStore::Replace(Item* old, Item* replacement) {
  Structs* structs = Get(old->id.client);
  int64_t i = FindIndex(*structs, old->id.clock);
  (*structs)[i] = replacement;
  delete old;
}

}  // namespace symphony::crdt
