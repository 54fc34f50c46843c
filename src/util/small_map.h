// SmallMap: an insertion-ordered map for the few keys a transaction or an update usually has.
// Lookups scan a flat vector while it is small and use a hash index past that, so the common
// case allocates once (or never) and a hostile input with many keys stays O(1) per lookup.
#pragma once

#include <cstddef>
#include <unordered_map>
#include <utility>
#include <vector>

namespace symphony {

template <class K, class V>
class SmallMap {
 public:
  static constexpr size_t kLinearLimit = 16;
  using Entry = std::pair<K, V>;

  V* Find(const K& key) {
    if (index_.empty()) {
      for (auto& e : entries_) {
        if (e.first == key) return &e.second;
      }
      return nullptr;
    }
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second].second;
  }
  const V* Find(const K& key) const { return const_cast<SmallMap*>(this)->Find(key); }

  // Returns the value for key, inserting `init` if absent; *inserted tells which.
  V& FindOrInsert(const K& key, V init, bool* inserted = nullptr) {
    if (V* v = Find(key)) {
      if (inserted) *inserted = false;
      return *v;
    }
    if (inserted) *inserted = true;
    entries_.emplace_back(key, std::move(init));
    if (!index_.empty()) {
      index_.emplace(key, entries_.size() - 1);
    } else if (entries_.size() > kLinearLimit) {
      for (size_t i = 0; i < entries_.size(); i++) index_.emplace(entries_[i].first, i);
    }
    return entries_.back().second;
  }

  // Removes key, keeping the order of the others.
  bool Erase(const K& key) {
    for (size_t i = 0; i < entries_.size(); i++) {
      if (entries_[i].first == key) {
        entries_.erase(entries_.begin() + i);
        if (!index_.empty()) {
          index_.clear();
          for (size_t k = 0; k < entries_.size(); k++) index_.emplace(entries_[k].first, k);
        }
        return true;
      }
    }
    return false;
  }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() {
    entries_.clear();
    index_.clear();
  }
  std::vector<Entry>& entries() { return entries_; }
  const std::vector<Entry>& entries() const { return entries_; }
  auto begin() { return entries_.begin(); }
  auto end() { return entries_.end(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
  std::unordered_map<K, size_t> index_;
};

}  // namespace symphony
