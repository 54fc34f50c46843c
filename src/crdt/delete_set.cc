#include "crdt/delete_set.h"

#include <algorithm>

#include "crdt/codec/update_decoder.h"
#include "crdt/codec/update_encoder.h"
#include "crdt/item.h"
#include "crdt/struct_store.h"

namespace symphony::crdt {

DeleteSet::Ranges& DeleteSet::RangesFor(ClientId client) {
  return clients_.FindOrInsert(client, Ranges{});
}

const DeleteSet::Ranges* DeleteSet::Get(ClientId client) const { return clients_.Find(client); }

void DeleteSet::Add(ClientId client, Clock clock, uint64_t len) {
  RangesFor(client).push_back(DeleteRange{clock, len});
}

void DeleteSet::SortAndMerge() {
  for (auto& [client, dels] : clients_.entries()) {
    std::stable_sort(dels.begin(), dels.end(),
                     [](const DeleteRange& a, const DeleteRange& b) { return a.clock < b.clock; });
    size_t j = 1;
    for (size_t i = 1; i < dels.size(); i++) {
      DeleteRange& left = dels[j - 1];
      const DeleteRange right = dels[i];
      if (left.clock + left.len >= right.clock) {
        left.len = std::max(left.len, right.clock + right.len - left.clock);
      } else {
        if (j < i) dels[j] = right;
        j++;
      }
    }
    if (!dels.empty()) dels.resize(j);
  }
}

bool DeleteSet::IsDeleted(ID id) const {
  const Ranges* dis = Get(id.client);
  if (!dis) return false;
  size_t lo = 0;
  size_t hi = dis->size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const DeleteRange& r = (*dis)[mid];
    if (r.clock <= id.clock) {
      if (id.clock < r.clock + r.len) return true;
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

DeleteSet DeleteSet::FromStore(const StructStore& store) {
  DeleteSet ds;
  for (ClientId client : store.client_order()) {
    const auto* structs = store.Get(client);
    if (!structs) continue;
    Ranges items;
    for (size_t i = 0; i < structs->size(); i++) {
      const Item* s = (*structs)[i];
      if (!s->deleted()) continue;
      const Clock clock = s->id.clock;
      uint64_t len = s->length;
      while (i + 1 < structs->size() && (*structs)[i + 1]->deleted()) {
        len += (*structs)[++i]->length;
      }
      items.push_back(DeleteRange{clock, len});
    }
    if (!items.empty()) ds.RangesFor(client) = std::move(items);
  }
  return ds;
}

DeleteSet DeleteSet::Merge(std::span<const DeleteSet> sets) {
  DeleteSet merged;
  for (size_t i = 0; i < sets.size(); i++) {
    for (const auto& [client, dels] : sets[i].clients_.entries()) {
      if (merged.clients_.Find(client)) continue;
      Ranges& out = merged.RangesFor(client);
      out = dels;
      for (size_t k = i + 1; k < sets.size(); k++) {
        if (const Ranges* more = sets[k].Get(client)) out.insert(out.end(), more->begin(), more->end());
      }
    }
  }
  merged.SortAndMerge();
  return merged;
}

void DeleteSet::Write(DsEncoder& enc) const {
  std::vector<const Entry*> sorted;
  sorted.reserve(clients_.size());
  for (const auto& e : clients_.entries()) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Entry* a, const Entry* b) { return a->first > b->first; });
  enc.rest().WriteVarUint(sorted.size());
  for (const Entry* e : sorted) {
    enc.ResetDsCurVal();
    enc.rest().WriteVarUint(e->first);
    enc.rest().WriteVarUint(e->second.size());
    for (const DeleteRange& r : e->second) {
      enc.WriteDsClock(r.clock);
      enc.WriteDsLen(r.len);
    }
  }
}

DeleteSet DeleteSet::Read(DsDecoder& dec) {
  DeleteSet ds;
  auto& rest = dec.rest();
  const uint64_t num_clients = rest.ReadVarUint();
  for (uint64_t i = 0; i < num_clients && !dec.failed(); i++) {
    dec.ResetDsCurVal();
    const ClientId client = rest.ReadVarUint();
    const uint64_t n = rest.ReadVarUint();
    if (dec.failed()) break;
    if (n > 0) {
      Ranges& field = ds.RangesFor(client);
      for (uint64_t k = 0; k < n && !dec.failed(); k++) {
        const Clock clock = dec.ReadDsClock();
        const uint64_t len = dec.ReadDsLen();
        if (!dec.failed()) field.push_back(DeleteRange{clock, len});
      }
    }
  }
  return ds;
}

bool operator==(const DeleteSet& a, const DeleteSet& b) {
  if (a.clients_.size() != b.clients_.size()) return false;
  for (const auto& [client, dels] : a.clients_.entries()) {
    const DeleteSet::Ranges* other = b.Get(client);
    if (!other || *other != dels) return false;
  }
  return true;
}

}  // namespace symphony::crdt
