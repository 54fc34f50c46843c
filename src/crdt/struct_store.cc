#include "crdt/struct_store.h"

#include <algorithm>
#include <cstring>

#include "crdt/item.h"

namespace symphony::crdt {

void StructList::MoveGap(size_t pos) {
  if (pos < gap_start_) {
    const size_t n = gap_start_ - pos;
    std::memmove(&items_[pos + gap_len_], &items_[pos], n * sizeof(Item*));
    std::memmove(&clocks_[pos + gap_len_], &clocks_[pos], n * sizeof(Clock));
  } else if (pos > gap_start_) {
    const size_t n = pos - gap_start_;
    std::memmove(&items_[gap_start_], &items_[gap_start_ + gap_len_], n * sizeof(Item*));
    std::memmove(&clocks_[gap_start_], &clocks_[gap_start_ + gap_len_], n * sizeof(Clock));
  }
  gap_start_ = pos;
}

void StructList::push_back(Item* s) {
  if (gap_len_ > 0 && gap_start_ == size()) {
    insert(size(), s);
    return;
  }
  items_.push_back(s);
  clocks_.push_back(s->id.clock);
  if (gap_len_ == 0) gap_start_ = size();
}

void StructList::insert(size_t pos, Item* s) {
  if (gap_len_ == 0) {
    // Grow: a new gap of 1/8 of the size (at least 16) where the gap is.
    const size_t grow = std::max<size_t>(16, size() / 8);
    items_.insert(items_.begin() + gap_start_, grow, nullptr);
    clocks_.insert(clocks_.begin() + gap_start_, grow, 0);
    gap_len_ = grow;
  }
  MoveGap(pos);
  items_[gap_start_] = s;
  clocks_[gap_start_] = s->id.clock;
  gap_start_++;
  gap_len_--;
}

void StructList::erase(size_t first, size_t count) {
  MoveGap(first + count);
  gap_start_ -= count;
  gap_len_ += count;
}

StructStore::~StructStore() {
  for (auto& [client, structs] : clients_) {
    for (size_t i = 0; i < structs.size(); i++) delete structs[i];
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
  // The last struct starting at or before `clock`. Clocks are dense, so start with an
  // interpolated guess and narrow down by bisection over the contiguous clock array.
  size_t lo = 0;
  size_t hi = structs.size();  // answer in [lo, hi)
  if (structs.clock_at(0) > clock) return -1;
  const Item* last = structs.back();
  const Clock end_clock = last->id.clock + last->length;
  if (clock >= end_clock) return -1;
  size_t guess = static_cast<size_t>(static_cast<double>(clock) / end_clock * hi);
  if (guess >= hi) guess = hi - 1;
  if (structs.clock_at(guess) <= clock) {
    lo = guess;
    // Gallop right from the guess.
    size_t step = 1;
    while (lo + step < hi && structs.clock_at(lo + step) <= clock) {
      lo += step;
      step *= 2;
    }
    hi = std::min(hi, lo + step);
  } else {
    hi = guess;
    size_t step = 1;
    while (hi >= step && structs.clock_at(hi - step) > clock) {
      hi -= step;
      step *= 2;
    }
    lo = hi >= step ? hi - step : 0;
  }
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (structs.clock_at(mid) <= clock) lo = mid; else hi = mid;
  }
  const Item* s = structs[lo];
  return clock < s->id.clock + s->length ? static_cast<int64_t>(lo) : -1;
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
    structs.insert(index + 1, SplitItem(tr, s, clock - s->id.clock));
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
    structs->insert(index + 1, SplitItem(tr, s, id.clock - s->id.clock + 1));
  }
  return s;
}

void StructStore::Replace(Item* old, Item* replacement) {
  Structs* structs = Get(old->id.client);
  int64_t i = FindIndex(*structs, old->id.clock);
  structs->set(i, replacement);
  delete old;
}

}  // namespace symphony::crdt
