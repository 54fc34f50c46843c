#include "crdt/types/abstract_type.h"

#include <algorithm>

#include "crdt/codec/update_encoder.h"
#include "crdt/content.h"
#include "crdt/doc.h"
#include "crdt/item.h"
#include "crdt/struct_store.h"
#include "crdt/transaction.h"

namespace symphony::crdt {

namespace {

// Yjs's maxSearchMarker: the number of markers per type, also the divisor of the distance at
// which a marker is moved rather than a new one created.
constexpr size_t kMaxSearchMarkers = 80;
// The fast scheme keeps up to kFastMarkers markers; a marker within length / kFastMoveDivisor
// of a new position is moved there rather than a new one added. (Measured on the
// automerge-paper trace: walking costs are flat for 8..32 markers.)
constexpr size_t kFastMarkers = 16;
constexpr uint64_t kFastMoveDivisor = 32;
// Distance within which the last used marker is taken without looking at the others.
constexpr uint64_t kFastNearby = 64;

inline uint64_t AbsDiff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

inline bool Visible(const Item* n) { return !n->deleted() && n->countable(); }

Item* InsertLocal(Transaction& tr, Item* left, Item* right, AbstractType* parent,
                  const std::string* parent_sub, Content content) {
  return InsertLocalItem(tr, left, right, parent, parent_sub, std::move(content));
}

}  // namespace

const char* TypeKindName(TypeKind kind) {
  switch (kind) {
    case TypeKind::kArray:
      return "Array";
    case TypeKind::kMap:
      return "Map";
    case TypeKind::kText:
      return "Text";
    case TypeKind::kXmlElement:
      return "XmlElement";
    case TypeKind::kXmlFragment:
      return "XmlFragment";
    case TypeKind::kXmlHook:
      return "XmlHook";
    case TypeKind::kXmlText:
      return "XmlText";
    case TypeKind::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

void AbstractType::set_kind(TypeKind k) {
  if (kind_ == TypeKind::kUnknown && k != TypeKind::kUnknown) {
    has_formatting = false;
    markers.clear();
    // Yjs now keeps markers although format items may be present: see Marker.
    yjs_markers_ = false;
    for (const Item* n = start; n != nullptr; n = n->right) {
      if (!n->deleted() && n->content.is<FormatContent>()) {
        yjs_markers_ = true;
        break;
      }
    }
  }
  kind_ = k;
}

AbstractType* AbstractType::parent() const { return item_ != nullptr ? item_->parent : nullptr; }

// ---------------------------------------------------------------------------------------------
// Map entries

Item* AbstractType::MapGet(std::string_view key) const {
  auto it = map_index_.find(key);
  return it == map_index_.end() ? nullptr : map_[it->second].second;
}

void AbstractType::MapSet(const std::string* key, Item* item) {
  auto it = map_index_.find(std::string_view(*key));
  if (it != map_index_.end()) {
    map_[it->second].second = item;
    return;
  }
  // Keys must outlive the entry: keep the Doc's interned copy when there is a Doc.
  if (doc_ != nullptr) key = doc_->InternKey(*key);
  map_.emplace_back(key, item);
  map_index_.emplace(std::string_view(*key), map_.size() - 1);
}

void AbstractType::MapClear() {
  map_.clear();
  map_index_.clear();
}

// ---------------------------------------------------------------------------------------------
// Encoding

void AbstractType::Write(UpdateEncoder& enc) const {
  enc.WriteTypeRef(static_cast<uint8_t>(kind_));
  if (kind_ == TypeKind::kXmlElement || kind_ == TypeKind::kXmlHook) enc.WriteKey(name_);
}

std::unique_ptr<AbstractType> AbstractType::CopyEmpty() const {
  return std::make_unique<AbstractType>(kind_, name_);
}

// ---------------------------------------------------------------------------------------------
// Search markers

std::optional<AbstractType::Marker> AbstractType::FindMarker(uint64_t index) {
  if (start == nullptr || index == 0 || !markers_enabled()) return std::nullopt;
  return yjs_markers_ ? FindMarkerYjs(index) : FindMarkerFast(index);
}

void AbstractType::UpdateMarkerChanges(uint64_t index, int64_t len) {
  if (yjs_markers_) {
    UpdateMarkerChangesYjs(index, len);
    return;
  }
  // Every marker sits on a visible item, so index arithmetic is enough: an insert at index
  // lands before the item that starts there; a deleted range removed the items starting in it.
  if (len > 0) {
    for (Marker& m : markers) {
      if (m.index >= index) m.index += static_cast<uint64_t>(len);
    }
    return;
  }
  const uint64_t n = static_cast<uint64_t>(-len);
  if (n == 0) return;
  const uint64_t end = index + n;
  std::erase_if(markers, [&](Marker& m) {
    if (m.index < index) return false;
    if (m.index < end) return true;
    m.index -= n;
    return false;
  });
}

void AbstractType::NoteMarker(Item* p, uint64_t index) {
  if (yjs_markers_ || !markers_enabled()) return;
  Marker* nearest = nullptr;
  if (last_marker_ < markers.size() &&
      AbsDiff(index, markers[last_marker_].index) * kFastMoveDivisor < length) {
    nearest = &markers[last_marker_];
  } else {
    uint64_t best = ~uint64_t{0};
    for (Marker& m : markers) {
      const uint64_t d = AbsDiff(index, m.index);
      if (d < best) {
        best = d;
        nearest = &m;
      }
    }
    if (nearest != nullptr && best * kFastMoveDivisor >= length) nearest = nullptr;
  }
  if (nearest == nullptr) nearest = NewFastMarker();
  *nearest = Marker{p, index, marker_clock_++};
  last_marker_ = static_cast<size_t>(nearest - markers.data());
}

std::optional<AbstractType::Marker> AbstractType::FindMarkerFast(uint64_t index) {
  Marker* marker = nullptr;
  uint64_t best = ~uint64_t{0};
  // Edits cluster: the marker used last is usually close enough to skip the scan.
  if (last_marker_ < markers.size() && AbsDiff(index, markers[last_marker_].index) <= kFastNearby) {
    marker = &markers[last_marker_];
    best = AbsDiff(index, marker->index);
  } else {
    for (Marker& m : markers) {
      const uint64_t d = AbsDiff(index, m.index);
      if (d < best) {
        best = d;
        marker = &m;
      }
    }
  }
  Item* p;
  uint64_t pindex;
  if (marker != nullptr && best <= index) {
    p = marker->p;
    pindex = marker->index;
  } else {
    p = start;
    while (p != nullptr && !Visible(p)) p = p->right;
    if (p == nullptr) return std::nullopt;
    pindex = 0;
  }
  // To the visible item holding index (or the last visible one).
  while (index >= pindex + p->length) {
    Item* q = p->right;
    while (q != nullptr && !Visible(q)) q = q->right;
    if (q == nullptr) break;
    pindex += p->length;
    p = q;
  }
  while (pindex > index) {
    Item* q = p->left;
    while (q != nullptr && !Visible(q)) q = q->left;
    if (q == nullptr) break;
    p = q;
    pindex -= p->length;
  }
  if (marker == nullptr || AbsDiff(marker->index, pindex) * kFastMoveDivisor >= length) {
    marker = NewFastMarker();
  }
  *marker = Marker{p, pindex, marker_clock_++};
  last_marker_ = static_cast<size_t>(marker - markers.data());
  return *marker;
}

AbstractType::Marker* AbstractType::NewFastMarker() {
  if (markers.size() < kFastMarkers) return &markers.emplace_back();
  Marker* oldest = &markers[0];
  for (Marker& m : markers) {
    if (m.timestamp < oldest->timestamp) oldest = &m;
  }
  return oldest;
}

// Yjs findMarker / markPosition, step for step.
std::optional<AbstractType::Marker> AbstractType::FindMarkerYjs(uint64_t index) {
  Marker* marker = nullptr;
  if (!markers.empty()) {
    // Closest marker; on a tie the later one wins (Yjs's reduce).
    marker = &markers[0];
    uint64_t best = AbsDiff(index, marker->index);
    for (size_t i = 1; i < markers.size(); ++i) {
      uint64_t d = AbsDiff(index, markers[i].index);
      if (!(best < d)) {
        best = d;
        marker = &markers[i];
      }
    }
  }
  Item* p = start;
  uint64_t pindex = 0;
  if (marker != nullptr) {
    p = marker->p;
    pindex = marker->index;
    marker->timestamp = marker_clock_++;
  }
  while (p->right != nullptr && pindex < index) {
    if (Visible(p)) {
      if (index < pindex + p->length) break;
      pindex += p->length;
    }
    p = p->right;
  }
  while (p->left != nullptr && pindex > index) {
    p = p->left;
    if (Visible(p)) pindex -= p->length;
  }
  // A marker must not sit on an item that may merge into its left neighbour.
  while (p->left != nullptr && p->left->id.client == p->id.client &&
         p->left->id.clock + p->left->length == p->id.clock) {
    p = p->left;
    if (Visible(p)) pindex -= p->length;
  }
  if (marker != nullptr && AbsDiff(marker->index, pindex) * kMaxSearchMarkers < length) {
    marker->p->set_marker(false);
    marker->p = p;
    p->set_marker(true);
    marker->index = pindex;
    marker->timestamp = marker_clock_++;
    return *marker;
  }
  if (markers.size() >= kMaxSearchMarkers) {
    Marker* oldest = &markers[0];
    for (Marker& m : markers) {
      if (m.timestamp < oldest->timestamp) oldest = &m;
    }
    oldest->p->set_marker(false);
    oldest->p = p;
    p->set_marker(true);
    oldest->index = pindex;
    oldest->timestamp = marker_clock_++;
    return *oldest;
  }
  p->set_marker(true);
  markers.push_back(Marker{p, pindex, marker_clock_++});
  return markers.back();
}

// Yjs updateMarkerChanges, step for step.
void AbstractType::UpdateMarkerChangesYjs(uint64_t index, int64_t len) {
  for (size_t i = markers.size(); i-- > 0;) {
    Marker& m = markers[i];
    if (len > 0) {
      Item* p = m.p;
      p->set_marker(false);
      // Move to the previous visible item so that an insert at this index lands after it.
      while (p != nullptr && !Visible(p)) {
        p = p->left;
        if (p != nullptr && Visible(p)) m.index -= p->length;
      }
      if (p == nullptr || p->marker()) {
        markers.erase(markers.begin() + static_cast<ptrdiff_t>(i));
        continue;
      }
      m.p = p;
      p->set_marker(true);
    }
    if (index < m.index || (len > 0 && index == m.index)) {
      const int64_t moved = static_cast<int64_t>(m.index) + len;
      m.index = std::max<int64_t>(static_cast<int64_t>(index), moved);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sequence operations (Yjs typeList*)

Item* AbstractType::FindInsertLeft(Transaction& tr, uint64_t index) {
  if (index == 0) return nullptr;
  Item* n = start;
  if (std::optional<Marker> marker = FindMarker(index)) {
    n = marker->p;
    index -= marker->index;
    if (index == 0) {
      // Step to the previous visible item so that the loop below can stop at it.
      n = n->Prev();
      index += (n != nullptr && Visible(n)) ? n->length : 0;
    }
  }
  StructStore& store = tr.doc().store();
  for (; n != nullptr; n = n->right) {
    if (Visible(n)) {
      if (index <= n->length) {
        if (index < n->length) store.GetItemCleanStart(tr, ID{n->id.client, n->id.clock + index});
        break;
      }
      index -= n->length;
    }
  }
  return n;
}

bool AbstractType::ListInsert(Transaction& tr, uint64_t index,
                              const std::vector<Insertable>& content,
                              std::vector<AbstractType*>* created) {
  if (index > length) return false;
  Item* left = FindInsertLeft(tr, index);
  if (markers_enabled()) UpdateMarkerChanges(index, static_cast<int64_t>(content.size()));
  ListInsertAfter(tr, left, content, created);
  return true;
}

void AbstractType::ListInsertAfter(Transaction& tr, Item* ref,
                                   const std::vector<Insertable>& content,
                                   std::vector<AbstractType*>* created) {
  Item* left = ref;
  Item* const right = ref == nullptr ? start : ref->right;
  std::vector<Any> values;
  auto pack = [&] {
    if (values.empty()) return;
    left = InsertLocal(tr, left, right, this, nullptr, Content(AnyContent{std::move(values)}));
    values.clear();
  };
  for (const Insertable& c : content) {
    if (const Any* v = std::get_if<Any>(&c)) {
      if (v->type() != Any::Type::kBytes) {
        values.push_back(*v);
        continue;
      }
      pack();
      auto bytes = std::make_shared<const std::vector<uint8_t>>(v->as_bytes());
      left = InsertLocal(tr, left, right, this, nullptr, Content(BinaryContent{std::move(bytes)}));
    } else {
      pack();
      const NewType& nt = std::get<NewType>(c);
      auto type = std::make_unique<AbstractType>(nt.kind, nt.name);
      AbstractType* raw = type.get();
      left = InsertLocal(tr, left, right, this, nullptr, Content(TypeContent{std::move(type)}));
      if (created != nullptr) created->push_back(raw);
    }
  }
  pack();
}

void AbstractType::ListPush(Transaction& tr, const std::vector<Insertable>& content,
                            std::vector<AbstractType*>* created) {
  // Start from the marker with the highest index (the first one on a tie).
  Item* n = start;
  uint64_t max_index = 0;
  if (markers_enabled()) {
    for (const Marker& m : markers) {
      if (m.index > max_index) {
        max_index = m.index;
        n = m.p;
      }
    }
  }
  if (n != nullptr) {
    while (n->right != nullptr) n = n->right;
  }
  ListInsertAfter(tr, n, content, created);
}

bool AbstractType::ListDelete(Transaction& tr, uint64_t index, uint64_t len) {
  if (len == 0) return true;
  const uint64_t start_index = index;
  const uint64_t start_length = len;
  Item* n = start;
  if (std::optional<Marker> marker = FindMarker(index)) {
    n = marker->p;
    index -= marker->index;
  }
  StructStore& store = tr.doc().store();
  for (; n != nullptr && index > 0; n = n->right) {
    if (Visible(n)) {
      if (index < n->length) store.GetItemCleanStart(tr, ID{n->id.client, n->id.clock + index});
      index -= n->length;
    }
  }
  Item* first_deleted = nullptr;
  while (len > 0 && n != nullptr) {
    if (!n->deleted()) {
      if (len < n->length) store.GetItemCleanStart(tr, ID{n->id.client, n->id.clock + len});
      n->Delete(tr);
      if (first_deleted == nullptr) first_deleted = n;
      len -= n->length;
    }
    n = n->right;
  }
  if (markers_enabled()) {
    UpdateMarkerChanges(start_index, -static_cast<int64_t>(start_length - len));
    Item* prev = first_deleted != nullptr ? first_deleted->left : nullptr;
    while (prev != nullptr && !Visible(prev)) prev = prev->left;
    if (prev != nullptr) NoteMarker(prev, start_index - prev->length);
  }
  return len == 0;
}

std::vector<Any> AbstractType::ListToValues() const {
  std::vector<Any> out;
  for (const Item* n = start; n != nullptr; n = n->right) {
    if (!Visible(n)) continue;
    for (uint64_t i = 0; i < n->length; ++i) out.push_back(n->content.ValueAt(i));
  }
  return out;
}

std::pair<Item*, uint64_t> AbstractType::ListItemAt(uint64_t index) {
  Item* n = start;
  if (std::optional<Marker> marker = FindMarker(index)) {
    n = marker->p;
    index -= marker->index;
  }
  for (; n != nullptr; n = n->right) {
    if (Visible(n)) {
      if (index < n->length) return {n, index};
      index -= n->length;
    }
  }
  return {nullptr, 0};
}

// ---------------------------------------------------------------------------------------------
// Map operations (Yjs typeMap*)

AbstractType* AbstractType::MapSetValue(Transaction& tr, std::string_view key,
                                        const Insertable& value) {
  Item* left = MapGet(key);
  const std::string* sub = tr.doc().InternKey(key);
  AbstractType* created = nullptr;
  Content content;
  if (const Any* v = std::get_if<Any>(&value)) {
    if (v->type() == Any::Type::kBytes) {
      content = Content(BinaryContent{std::make_shared<const std::vector<uint8_t>>(v->as_bytes())});
    } else {
      content = Content(AnyContent{std::vector<Any>{*v}});
    }
  } else {
    const NewType& nt = std::get<NewType>(value);
    auto type = std::make_unique<AbstractType>(nt.kind, nt.name);
    created = type.get();
    content = Content(TypeContent{std::move(type)});
  }
  InsertLocal(tr, left, nullptr, this, sub, std::move(content));
  return created;
}

void AbstractType::MapDelete(Transaction& tr, std::string_view key) {
  Item* item = MapGet(key);
  if (item != nullptr && !item->deleted()) item->Delete(tr);
}

Any AbstractType::MapGetValue(std::string_view key) const {
  const Item* item = MapGet(key);
  if (item == nullptr || item->deleted()) return Any();
  return item->content.ValueAt(item->length - 1);
}

AbstractType* AbstractType::MapGetType(std::string_view key) const {
  const Item* item = MapGet(key);
  if (item == nullptr || item->deleted() || !item->content.is<TypeContent>()) return nullptr;
  return item->content.as<TypeContent>().type.get();
}

bool AbstractType::MapHas(std::string_view key) const {
  const Item* item = MapGet(key);
  return item != nullptr && !item->deleted();
}

// ---------------------------------------------------------------------------------------------
// Observation

int AbstractType::Observe(TypeObserver f) {
  const int handle = next_handle_++;
  observers_.emplace_back(handle, std::move(f));
  return handle;
}

void AbstractType::Unobserve(int handle) {
  std::erase_if(observers_, [handle](const auto& e) { return e.first == handle; });
}

int AbstractType::ObserveDeep(std::function<void(const std::vector<TypeEvent>&)> f) {
  const int handle = next_handle_++;
  deep_observers_.emplace_back(handle, std::move(f));
  return handle;
}

void AbstractType::UnobserveDeep(int handle) {
  std::erase_if(deep_observers_, [handle](const auto& e) { return e.first == handle; });
}

void AbstractType::CallObserver(Transaction& tr,
                                const std::vector<std::optional<std::string>>& subs) {
  if (!tr.local()) ClearMarkers();
  if (!observers_.empty()) {
    TypeEvent event;
    event.target = this;
    event.transaction = &tr;
    for (const auto& sub : subs) {
      if (!sub.has_value()) {
        event.child_list_changed = true;
      } else if (std::find(event.keys_changed.begin(), event.keys_changed.end(), *sub) ==
                 event.keys_changed.end()) {
        event.keys_changed.push_back(*sub);
      }
    }
    // Observers may (un)register observers while being called.
    auto observers = observers_;
    for (auto& [handle, f] : observers) f(event);
  }
  if ((kind_ == TypeKind::kText || kind_ == TypeKind::kXmlText) && !tr.local() && has_formatting) {
    tr.need_formatting_cleanup = true;
  }
}

void AbstractType::CallDeepObservers(const std::vector<TypeEvent>& events) {
  if (deep_observers_.empty() || events.empty()) return;
  auto observers = deep_observers_;
  for (auto& [handle, f] : observers) f(events);
}

}  // namespace symphony::crdt
