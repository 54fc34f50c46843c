// AbstractType: the shared state of every Yjs type (Yjs types/AbstractType.js): a sequence
// (start, length) and a key -> item map, inside a Doc. The typed handles in this folder (Text,
// Map, Array, Xml*) are thin views over an AbstractType.
//
// Lifetime: a root type lives as long as its Doc; a nested type is owned by the TypeContent of
// its item and dies when that item is garbage-collected.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "crdt/id.h"
#include "crdt/lib0/any.h"

namespace symphony::crdt {

class AbstractType;
class Doc;
class Transaction;
class UpdateEncoder;
struct Item;
class AbstractType;

// Wire type refs (Yjs typeRefs) plus kUnknown for a root that only arrived over the wire.
enum class TypeKind : uint8_t {
  kArray = 0,
  kMap = 1,
  kText = 2,
  kXmlElement = 3,
  kXmlFragment = 4,
  kXmlHook = 5,
  kXmlText = 6,
  kUnknown = 255,
};
const char* TypeKindName(TypeKind kind);

// What changed in a type during one transaction.
struct TypeEvent {
  AbstractType* target = nullptr;
  Transaction* transaction = nullptr;
  bool child_list_changed = false;
  std::vector<std::string> keys_changed;
};
using TypeObserver = std::function<void(const TypeEvent&)>;

class AbstractType {
 public:
  explicit AbstractType(TypeKind kind, std::string name = {})
      : kind_(kind), name_(std::move(name)) {}
  AbstractType(const AbstractType&) = delete;
  AbstractType& operator=(const AbstractType&) = delete;

  TypeKind kind() const { return kind_; }
  // Typing a root that arrived as kUnknown behaves like Yjs's Doc.get(): the typed root starts
  // with has_formatting = false and no search markers (Yjs builds a fresh typed object).
  void set_kind(TypeKind k);
  // XmlElement node name / XmlHook hook name.
  const std::string& name() const { return name_; }
  Doc* doc() const { return doc_; }
  Item* item() const { return item_; }  // nullptr for roots
  AbstractType* parent() const;

  // --- internal state (Yjs _start, _map, _length) ---
  Item* start = nullptr;
  uint64_t length = 0;  // countable, undeleted units in the sequence
  bool has_formatting = false;
  // key -> the last (current) item of that key, in first-set order (a JS Map's order).
  Item* MapGet(std::string_view key) const;
  void MapSet(const std::string* key, Item* item);
  const std::vector<std::pair<const std::string*, Item*>>& map_entries() const { return map_; }
  void MapClear();

  void Integrate(Doc* doc, Item* item) {
    doc_ = doc;
    item_ = item;
  }
  void Write(UpdateEncoder& enc) const;
  // Yjs _copy: an empty type of the same kind.
  std::unique_ptr<AbstractType> CopyEmpty() const;

  // --- sequence operations (Yjs typeList*), used by Array, Text and Xml ---
  // Items holding the visible content from index on; splits so an item starts at index.
  // Returns the item after which to insert (nullptr: at the start).
  Item* FindInsertLeft(Transaction& tr, uint64_t index);
  // What can be inserted into a sequence or set on a key: a value (runs of plain values share
  // one Any item; byte arrays become Binary items, as Yjs does), or a new empty nested type.
  struct NewType {
    TypeKind kind;
    std::string name;  // XmlElement node name
  };
  using Insertable = std::variant<Any, NewType>;
  // Yjs typeListInsertGenerics; error (false) if index > length. Created nested types are
  // appended to *created when given.
  bool ListInsert(Transaction& tr, uint64_t index, const std::vector<Insertable>& content,
                  std::vector<AbstractType*>* created = nullptr);
  void ListInsertAfter(Transaction& tr, Item* ref, const std::vector<Insertable>& content,
                       std::vector<AbstractType*>* created = nullptr);
  // Yjs typeListPushGenerics (YArray.push): after the very last item, deleted ones included,
  // which is not always where ListInsert(length) puts it.
  void ListPush(Transaction& tr, const std::vector<Insertable>& content,
                std::vector<AbstractType*>* created = nullptr);
  // Yjs typeListDelete; false if the range exceeds the length (what was in range is deleted).
  bool ListDelete(Transaction& tr, uint64_t index, uint64_t length);
  // The visible elements; nested types and subdocuments appear as undefined (use ListItemAt).
  std::vector<Any> ListToValues() const;
  // The item holding visible element `index` and the offset inside it; {nullptr, 0} if out of
  // range. Uses (and refreshes) search markers.
  std::pair<Item*, uint64_t> ListItemAt(uint64_t index);

  // --- map operations (Yjs typeMap*) ---
  // Returns the created nested type for a NewType value, else nullptr.
  AbstractType* MapSetValue(Transaction& tr, std::string_view key, const Insertable& value);
  void MapDelete(Transaction& tr, std::string_view key);
  // The current value of key (undefined if absent or deleted); nested types via MapGetType.
  Any MapGetValue(std::string_view key) const;
  AbstractType* MapGetType(std::string_view key) const;
  bool MapHas(std::string_view key) const;

  // --- search markers ---
  // A marker is a known (item, index) pair: `p` is an item of this sequence and `index` the
  // number of visible units before it. Markers only make position lookups faster, with one
  // exception that we reproduce: Yjs finds the formatting in effect at a position starting from
  // a marker, so in text that holds format items while Yjs still keeps markers (a root typed
  // after formatted content arrived) results depend on Yjs's exact marker history. Such types
  // run Yjs's marker algorithm step for step (`yjs_markers`); all others use a cheaper scheme in
  // which every marker sits on a visible item and is updated eagerly. Either way markers are
  // kept only through the local edit paths here (Text, List*); a remote transaction clears them
  // (CallObserver). Changing a sequence by other means inside a local transaction (an update
  // applied in a Transact callback) leaves them stale, as it does in Yjs.
  struct Marker {
    Item* p;
    uint64_t index;
    uint64_t timestamp;
  };
  std::vector<Marker> markers;
  // Kinds that keep markers in Yjs (YArray, YText, YXmlText; XML fragments and maps do not).
  bool use_markers() const {
    return kind_ == TypeKind::kArray || kind_ == TypeKind::kText || kind_ == TypeKind::kXmlText;
  }
  // Yjs drops a type's markers for good once a format item is integrated into it (the engine
  // sets has_formatting then).
  bool markers_enabled() const { return use_markers() && !has_formatting; }
  bool yjs_markers() const { return yjs_markers_; }
  // True when the sequence may hold format items (else formatting work can be skipped).
  bool may_hold_formats() const { return has_formatting || yjs_markers_; }
  // A marker at or before index (Yjs findMarker), or nullopt (index 0, no markers, empty).
  std::optional<Marker> FindMarker(uint64_t index);
  // Call before the change for an insert (len > 0) and after it for a delete (len < 0).
  void UpdateMarkerChanges(uint64_t index, int64_t len);
  // Forgets all markers without touching the items they point at (Yjs `_searchMarker.length =
  // 0`). Item::MergeWith must redirect a marker whose item merges into its left neighbour
  // (Yjs mergeWith does); otherwise markers never dangle.
  void ClearMarkers() { markers.clear(); }
  // Records a visible item and its index as a marker (the fast scheme only).
  void NoteMarker(Item* p, uint64_t index);

  // --- observation ---
  int Observe(TypeObserver f);
  void Unobserve(int handle);
  int ObserveDeep(std::function<void(const std::vector<TypeEvent>&)> f);
  void UnobserveDeep(int handle);
  // Called by transaction cleanup for each changed type that is not deleted. Clears the markers
  // of a type changed by a remote transaction and, for text kinds with formatting, asks for
  // CleanupYTextAfterTransaction (tr.need_formatting_cleanup), as Yjs's _callObserver does.
  void CallObserver(Transaction& tr, const std::vector<std::optional<std::string>>& subs);
  bool has_deep_observers() const { return !deep_observers_.empty(); }
  void CallDeepObservers(const std::vector<TypeEvent>& events);

  // JSON view as Yjs's toJSON gives it (kind decides the shape; kUnknown is guessed from
  // content: a map if it has keys only, text if it holds strings or formats, else an array).
  Any ToJson() const;
  // Yjs toString: the text of kText, the XML of kXmlFragment / kXmlElement / kXmlText;
  // other kinds give what JavaScript's String() gives for them ("[object Object]").
  std::string ToString() const;

 private:
  TypeKind kind_;
  std::string name_;
  Doc* doc_ = nullptr;
  Item* item_ = nullptr;
  std::vector<std::pair<const std::string*, Item*>> map_;
  std::unordered_map<std::string_view, size_t> map_index_;
  std::vector<std::pair<int, TypeObserver>> observers_;
  std::vector<std::pair<int, std::function<void(const std::vector<TypeEvent>&)>>> deep_observers_;
  int next_handle_ = 1;
  uint64_t marker_clock_ = 0;
  bool yjs_markers_ = false;
  size_t last_marker_ = 0;  // the fast scheme's most recently used marker (a hint)
  Marker* NewFastMarker();
  std::optional<Marker> FindMarkerYjs(uint64_t index);
  std::optional<Marker> FindMarkerFast(uint64_t index);
  void UpdateMarkerChangesYjs(uint64_t index, int64_t len);
};

}  // namespace symphony::crdt
