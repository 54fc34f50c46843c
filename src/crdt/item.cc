#include "crdt/item.h"

#include <mutex>
#include <unordered_set>
#include <vector>
#include <utility>

#include "crdt/codec/update_encoder.h"
#include "crdt/doc.h"
#include "crdt/struct_store.h"
#include "crdt/transaction.h"
#include "crdt/types/abstract_type.h"

namespace symphony::crdt {

namespace {

bool SameOptionalId(bool has_a, const ID& a, bool has_b, const ID& b) {
  return has_a == has_b && (!has_a || a == b);
}

}  // namespace

namespace {

#if defined(__SANITIZE_ADDRESS__)
#define SYMPHONY_NO_ITEM_POOL 1  // let AddressSanitizer see every item's lifetime
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SYMPHONY_NO_ITEM_POOL 1
#endif
#endif

#ifndef SYMPHONY_NO_ITEM_POOL
// A free list of Item-sized blocks, carved from 64 KiB slabs. Per thread, so no locking. Slabs
// are never returned (they are registered globally, so they stay valid): an item freed by another
// thread than the one that made it simply joins that thread's free list.
struct ItemPool {
  struct Free {
    Free* next;
  };
  Free* free = nullptr;
  void* Get() {
    if (!free) Refill();
    Free* f = free;
    free = f->next;
    return f;
  }
  void Put(void* p) {
    Free* f = static_cast<Free*>(p);
    f->next = free;
    free = f;
  }
  void Refill() {
    constexpr size_t kSlab = 64 * 1024;
    constexpr size_t kBlock = (sizeof(Item) + alignof(Item) - 1) / alignof(Item) * alignof(Item);
    char* slab = static_cast<char*>(::operator new(kSlab));
    static std::mutex mu;
    static auto* all_slabs = new std::vector<void*>();  // reachable forever, on purpose
    {
      std::lock_guard<std::mutex> lock(mu);
      all_slabs->push_back(slab);
    }
    for (size_t off = 0; off + kBlock <= kSlab; off += kBlock) Put(slab + off);
  }
};

ItemPool& Pool() {
  static thread_local ItemPool pool;
  return pool;
}
#endif

}  // namespace

void* Item::operator new(size_t size) {
#ifdef SYMPHONY_NO_ITEM_POOL
  return ::operator new(size);
#else
  if (size != sizeof(Item)) return ::operator new(size);
  return Pool().Get();
#endif
}

void Item::operator delete(void* p) {
#ifdef SYMPHONY_NO_ITEM_POOL
  ::operator delete(p);
#else
  if (p) Pool().Put(p);
#endif
}

Item* Item::NewGC(ID id, uint64_t length) {
  Item* s = new Item();
  s->id = id;
  s->length = length;
  s->kind = StructKind::kGC;
  return s;
}

Item* Item::NewSkip(ID id, uint64_t length) {
  Item* s = new Item();
  s->id = id;
  s->length = length;
  s->kind = StructKind::kSkip;
  return s;
}

Item* Item::New(ID id, Item* left, const ID* origin, Item* right, const ID* right_origin,
                AbstractType* parent, const std::string* parent_sub, Content content) {
  Item* it = new Item();
  it->id = id;
  it->length = content.length();
  it->left = left;
  it->right = right;
  if (origin) {
    it->has_origin = true;
    it->origin = *origin;
  }
  if (right_origin) {
    it->has_right_origin = true;
    it->right_origin = *right_origin;
  }
  it->parent = parent;
  it->parent_kind = parent ? ParentKind::kType : ParentKind::kNone;
  it->parent_sub = parent_sub;
  it->info = content.countable() ? kCountable : 0;
  it->content = std::move(content);
  return it;
}

Item* Item::Next() const {
  Item* n = right;
  while (n && n->deleted()) n = n->right;
  return n;
}

Item* Item::Prev() const {
  Item* n = left;
  while (n && n->deleted()) n = n->left;
  return n;
}

Item* InsertLocalItem(Transaction& tr, Item* left, Item* right, AbstractType* parent,
                      const std::string* parent_sub, Content content) {
  Doc& doc = tr.doc();
  const ClientId client = doc.client_id();
  const ID origin = left ? left->last_id() : ID{};
  const ID right_origin = right ? right->id : ID{};
  Item* item = Item::New(ID{client, doc.store().GetState(client)}, left, left ? &origin : nullptr,
                         right, right ? &right_origin : nullptr, parent, parent_sub,
                         std::move(content));
  item->Integrate(tr, 0);
  return item;
}

Item* SplitItem(Transaction& tr, Item* left, uint64_t diff) {
  const ID id{left->id.client, left->id.clock + diff};
  const ID origin{left->id.client, left->id.clock + diff - 1};
  Item* right = Item::New(id, left, &origin, left->right,
                          left->has_right_origin ? &left->right_origin : nullptr, left->parent,
                          left->parent_sub, left->content.Splice(diff));
  right->parent_kind = left->parent_kind;
  right->parent_id = left->parent_id;
  right->parent_name = left->parent_name;
  if (left->deleted()) right->MarkDeleted();
  if (left->keep()) right->set_keep(true);
  if (left->has_redone) {
    right->has_redone = true;
    right->redone = ID{left->redone.client, left->redone.clock + diff};
  }
  // The left half keeps its right origin: changing it would break syncing.
  left->right = right;
  if (right->right) right->right->left = right;
  tr.merge_structs.push_back(right->id);
  if (right->parent_sub && !right->right && right->parent) {
    right->parent->MapSet(right->parent_sub, right);
  }
  left->length = diff;
  return right;
}

bool Item::GetMissing(Transaction& tr, StructStore& store, ClientId* missing) {
  if (kind != StructKind::kItem) return false;
  if (has_origin && origin.client != id.client && origin.clock >= store.GetState(origin.client)) {
    *missing = origin.client;
    return true;
  }
  if (has_right_origin && right_origin.client != id.client &&
      right_origin.clock >= store.GetState(right_origin.client)) {
    *missing = right_origin.client;
    return true;
  }
  if (parent_kind == ParentKind::kId && parent_id.client != id.client &&
      parent_id.clock >= store.GetState(parent_id.client)) {
    *missing = parent_id.client;
    return true;
  }
  // Everything we depend on is known: resolve it. A reference to our own client's future, or to
  // something that is not there, is malformed input; the item then integrates as GC.
  bool broken = false;
  if (has_origin) {
    if (origin.client == id.client && origin.clock >= id.clock) {
      broken = true;
    } else {
      left = store.GetItemCleanEnd(tr, origin);
      if (!left) broken = true; else origin = left->last_id();
    }
  }
  if (has_right_origin && !broken) {
    if (right_origin.client == id.client && right_origin.clock >= id.clock) {
      broken = true;
    } else {
      right = store.GetItemCleanStart(tr, right_origin);
      if (!right) broken = true; else right_origin = right->id;
    }
  }
  if (broken || (left && left->is_gc()) || (right && right->is_gc())) {
    parent = nullptr;
    parent_kind = ParentKind::kNone;
    left = right = nullptr;
  } else if (parent_kind == ParentKind::kNone) {
    if (left && left->is_item()) {
      parent = left->parent;
      parent_sub = left->parent_sub;
    } else if (right && right->is_item()) {
      parent = right->parent;
      parent_sub = right->parent_sub;
    }
    if (parent) parent_kind = ParentKind::kType;
  } else if (parent_kind == ParentKind::kId) {
    Item* pi = nullptr;
    if (!(parent_id.client == id.client && parent_id.clock >= id.clock)) pi = store.Find(parent_id);
    if (!pi || pi->is_gc() || !pi->content.is<TypeContent>()) {
      // A GC'd parent means this item is garbage too; a non-type parent is malformed.
      parent = nullptr;
      parent_kind = ParentKind::kNone;
    } else {
      parent = pi->content.as<TypeContent>().type.get();
      parent_kind = ParentKind::kType;
    }
  }
  // Neighbours in a different parent than ours would corrupt both sequences.
  if (parent && ((left && left->is_item() && left->parent != parent) ||
                 (right && right->is_item() && right->parent != parent))) {
    parent = nullptr;
    parent_kind = ParentKind::kNone;
    left = right = nullptr;
  }
  return false;
}

void Item::Integrate(Transaction& tr, uint64_t offset) {
  StructStore& store = tr.doc().store();
  if (kind == StructKind::kGC) {
    if (offset > 0) {
      id.clock += offset;
      length -= offset;
    }
    tr.NoteClientChange(id.client);
    store.Add(this);
    return;
  }
  if (offset > 0) {
    id.clock += offset;
    left = store.GetItemCleanEnd(tr, ID{id.client, id.clock - 1});
    origin = left->last_id();
    has_origin = true;
    content = content.Splice(offset);
    length -= offset;
  }
  if (!parent) {
    // No parent (it was garbage-collected): keep only the clock range, as a GC struct.
    Item* gc = NewGC(id, length);
    delete this;
    gc->Integrate(tr, 0);
    return;
  }
  if ((!left && (!right || right->left)) || (left && left->right != right)) {
    Item* new_left = left;
    Item* o;
    if (left) {
      o = left->right;
    } else if (parent_sub) {
      o = parent->MapGet(*parent_sub);
      while (o && o->left) o = o->left;
    } else {
      o = parent->start;
    }
    // Items between our origin and us, and those among them that conflict with us
    // (conflicting ⊆ before-origin). Small in practice: concurrent inserts at one spot.
    std::unordered_set<Item*> conflicting;
    std::unordered_set<Item*> before_origin;
    while (o && o != right) {
      before_origin.insert(o);
      conflicting.insert(o);
      if (SameOptionalId(has_origin, origin, o->has_origin, o->origin)) {
        if (o->id.client < id.client) {
          new_left = o;
          conflicting.clear();
        } else if (SameOptionalId(has_right_origin, right_origin, o->has_right_origin,
                                  o->right_origin)) {
          break;
        }
      } else if (o->has_origin) {
        Item* oo = store.Find(o->origin);
        if (oo && before_origin.count(oo)) {
          if (!conflicting.count(oo)) {
            new_left = o;
            conflicting.clear();
          }
        } else {
          break;
        }
      } else {
        break;
      }
      o = o->right;
    }
    left = new_left;
  }
  if (left) {
    right = left->right;
    left->right = this;
  } else {
    Item* r;
    if (parent_sub) {
      r = parent->MapGet(*parent_sub);
      while (r && r->left) r = r->left;
    } else {
      r = parent->start;
      parent->start = this;
    }
    right = r;
  }
  if (right) {
    right->left = this;
  } else if (parent_sub) {
    parent->MapSet(parent_sub, this);
    if (left) left->Delete(tr);
  }
  if (!parent_sub && countable() && !deleted()) parent->length += length;
  tr.NoteClientChange(id.client);
  store.Add(this);
  // Content integration.
  if (content.is<DeletedContent>()) {
    tr.delete_set.Add(id.client, id.clock, length);
    MarkDeleted();
  } else if (content.is<TypeContent>()) {
    content.as<TypeContent>().type->Integrate(&tr.doc(), this);
  } else if (content.is<FormatContent>()) {
    parent->ClearMarkers();
    parent->has_formatting = true;
  }
  tr.AddChangedType(parent, parent_sub);
  if ((parent->item() && parent->item()->deleted()) || (parent_sub && right)) {
    Delete(tr);
  }
}

bool Item::MergeWith(Item* r) {
  if (kind != r->kind) return false;
  if (kind != StructKind::kItem) {
    length += r->length;
    return true;
  }
  if (r->has_origin && r->origin == last_id() && right == r &&
      SameOptionalId(has_right_origin, right_origin, r->has_right_origin, r->right_origin) &&
      id.client == r->id.client && id.clock + length == r->id.clock &&
      deleted() == r->deleted() && !has_redone && !r->has_redone &&
      content.ref() == r->content.ref() && content.MergeWith(r->content)) {
    if (parent) {
      for (auto& m : parent->markers) {
        if (m.p == r) {
          m.p = this;
          if (!deleted() && countable()) m.index -= length;
        }
      }
    }
    if (r->keep()) set_keep(true);
    right = r->right;
    if (right) right->left = this;
    length += r->length;
    return true;
  }
  return false;
}

void Item::Delete(Transaction& tr) {
  if (deleted()) return;
  if (countable() && !parent_sub) parent->length -= length;
  MarkDeleted();
  tr.delete_set.Add(id.client, id.clock, length);
  tr.AddChangedType(parent, parent_sub);
  // Content-specific deletion.
  if (content.is<TypeContent>()) {
    AbstractType* t = content.as<TypeContent>().type.get();
    for (Item* it = t->start; it; it = it->right) {
      if (!it->deleted()) {
        it->Delete(tr);
      } else if (it->id.clock < tr.BeforeClock(it->id.client)) {
        tr.merge_structs.push_back(it->id);
      }
    }
    for (const auto& [key, it] : t->map_entries()) {
      if (!it->deleted()) {
        it->Delete(tr);
      } else if (it->id.clock < tr.BeforeClock(it->id.client)) {
        tr.merge_structs.push_back(it->id);
      }
    }
    tr.RemoveChangedType(t);
  }
}

void Item::GC(StructStore& store, bool parent_gcd) {
  if (content.is<TypeContent>()) {
    AbstractType* t = content.as<TypeContent>().type.get();
    Item* it = t->start;
    while (it) {
      Item* next = it->right;
      it->GC(store, true);
      it = next;
    }
    t->start = nullptr;
    for (const auto& [key, last] : t->map_entries()) {
      Item* m = last;
      while (m) {
        Item* prev = m->left;
        m->GC(store, true);
        m = prev;
      }
    }
    t->MapClear();
  }
  if (parent_gcd) {
    store.Replace(this, NewGC(id, length));  // frees this
  } else {
    content = Content(DeletedContent{length});
  }
}

void Item::Write(UpdateEncoder& enc, uint64_t offset) const {
  if (kind == StructKind::kGC) {
    enc.WriteInfo(0);
    enc.WriteLen(length - offset);
    return;
  }
  if (kind == StructKind::kSkip) {
    enc.WriteInfo(10);
    enc.rest().WriteVarUint(length - offset);
    return;
  }
  const bool has_o = offset > 0 || has_origin;
  const ID o = offset > 0 ? ID{id.client, id.clock + offset - 1} : origin;
  const uint8_t info_byte = (static_cast<uint8_t>(content.ref()) & kInfoContentMask) |
                            (has_o ? kInfoOrigin : 0) | (has_right_origin ? kInfoRightOrigin : 0) |
                            (parent_sub ? kInfoParentSub : 0);
  enc.WriteInfo(info_byte);
  if (has_o) enc.WriteLeftId(o);
  if (has_right_origin) enc.WriteRightId(right_origin);
  if (!has_o && !has_right_origin) {
    switch (parent_kind) {
      case ParentKind::kType:
        if (parent->item() == nullptr) {
          const std::string* name = parent->doc() ? parent->doc()->RootName(parent) : nullptr;
          enc.WriteParentInfo(true);
          enc.WriteStringUtf8(name ? *name : std::string());
        } else {
          enc.WriteParentInfo(false);
          enc.WriteLeftId(parent->item()->id);
        }
        break;
      case ParentKind::kRootName:
        enc.WriteParentInfo(true);
        enc.WriteStringUtf8(*parent_name);
        break;
      case ParentKind::kId:
        enc.WriteParentInfo(false);
        enc.WriteLeftId(parent_id);
        break;
      case ParentKind::kNone:
        // Unreachable for stored items; write a root with an empty name rather than nothing.
        enc.WriteParentInfo(true);
        enc.WriteStringUtf8(std::string());
        break;
    }
    if (parent_sub) enc.WriteStringUtf8(*parent_sub);
  }
  content.Write(enc, offset);
}

}  // namespace symphony::crdt
