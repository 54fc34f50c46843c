// Structs: the unit of the struct store. One C++ type serves Yjs's three struct classes
// (Item, GC, Skip), told apart by `kind`; GC and Skip use only id and length.
//
// Items are linked into their parent's sequence through left/right. Ownership: the struct
// store owns every struct in its client arrays; a struct that is merged into its left
// neighbour or replaced by a GC struct is freed by the store. The algorithms here follow
// Yjs 13.6 (structs/Item.js) step for step, because the exact split/merge behaviour decides
// the bytes of every encoded update. See doc/crdt.md.
#pragma once

#include <cstdint>
#include <string>

#include "crdt/content.h"
#include "crdt/id.h"

namespace symphony::crdt {

class AbstractType;
class StructStore;
class Transaction;

enum class StructKind : uint8_t { kItem, kGC, kSkip };

// What an unintegrated item's parent field holds (Yjs: AbstractType | ID | string | null).
enum class ParentKind : uint8_t {
  kNone,      // to be taken from left/right origin when integrated
  kType,      // resolved: `parent`
  kId,        // the ID of the item whose content is the parent type: `parent_id`
  kRootName,  // a root type's name (only in update-level processing): `parent_name`
};

struct Item {
  static constexpr uint8_t kKeep = 1;
  static constexpr uint8_t kCountable = 2;
  static constexpr uint8_t kDeleted = 4;
  static constexpr uint8_t kMarker = 8;

  ID id;
  uint64_t length = 0;
  StructKind kind = StructKind::kItem;
  uint8_t info = 0;
  bool has_origin = false;
  bool has_right_origin = false;
  bool has_redone = false;
  ParentKind parent_kind = ParentKind::kNone;
  ID origin;
  ID right_origin;
  ID redone;
  Item* left = nullptr;   // may point at a GC struct while being integrated
  Item* right = nullptr;
  AbstractType* parent = nullptr;
  ID parent_id;
  const std::string* parent_name = nullptr;  // kRootName; owned by whoever decoded it
  const std::string* parent_sub = nullptr;   // map key; interned in the Doc (or decoder)
  Content content;

  // Items are allocated from a per-thread free list: documents create and free them by the
  // million (splits, merges, GC), and malloc is the largest cost otherwise. Freed memory is kept
  // for reuse by the thread, not returned to the system.
  static void* operator new(size_t size);
  static void operator delete(void* p);

  static Item* NewGC(ID id, uint64_t length);
  static Item* NewSkip(ID id, uint64_t length);
  // A new item whose info flags follow its content.
  static Item* New(ID id, Item* left, const ID* origin, Item* right, const ID* right_origin,
                   AbstractType* parent, const std::string* parent_sub, Content content);

  bool is_item() const { return kind == StructKind::kItem; }
  bool is_gc() const { return kind == StructKind::kGC; }
  bool is_skip() const { return kind == StructKind::kSkip; }
  // GC and Skip structs count as deleted.
  bool deleted() const { return kind != StructKind::kItem || (info & kDeleted) != 0; }
  bool countable() const { return (info & kCountable) != 0; }
  bool keep() const { return (info & kKeep) != 0; }
  void set_keep(bool k) { info = k ? (info | kKeep) : (info & ~kKeep); }
  bool marker() const { return (info & kMarker) != 0; }
  void set_marker(bool m) { info = m ? (info | kMarker) : (info & ~kMarker); }
  void MarkDeleted() { info |= kDeleted; }
  ID last_id() const { return ID{id.client, id.clock + length - 1}; }

  // The next / previous undeleted item.
  Item* Next() const;
  Item* Prev() const;

  // Yjs getMissing: returns true and sets *missing when a dependency (origin, right origin or
  // parent item) from another client is not in the store yet; otherwise resolves left, right and
  // parent (splitting neighbours as needed) and returns false.
  bool GetMissing(Transaction& tr, StructStore& store, ClientId* missing);
  // Integrates this struct (an Item, or a GC) into the document, skipping the first `offset`
  // units that are already known. Takes ownership: the struct ends up in the store (an Item
  // without a parent is replaced by a GC struct, and this one is freed).
  void Integrate(Transaction& tr, uint64_t offset);
  // Appends `right` (the next struct of the same client) into this one if Yjs would.
  bool MergeWith(Item* right);
  void Delete(Transaction& tr);
  // Drops deleted content; with parent_gcd the item is replaced by a GC struct (and freed).
  void GC(StructStore& store, bool parent_gcd);
  void Write(UpdateEncoder& enc, uint64_t offset) const;
};

// Creates a local item of the transaction's client between left and right and integrates it
// (Yjs `new Item(nextID, left, left.lastId, right, right.id, parent, sub, content).integrate`).
Item* InsertLocalItem(Transaction& tr, Item* left, Item* right, AbstractType* parent,
                      const std::string* parent_sub, Content content);

// Splits `left` at `diff` units, linking and returning the new right half (Yjs splitItem).
Item* SplitItem(Transaction& tr, Item* left, uint64_t diff);

// Info byte flags on the wire.
inline constexpr uint8_t kInfoOrigin = 0x80;
inline constexpr uint8_t kInfoRightOrigin = 0x40;
inline constexpr uint8_t kInfoParentSub = 0x20;
inline constexpr uint8_t kInfoContentMask = 0x1F;

}  // namespace symphony::crdt
