#include "crdt/types/text.h"

#include <algorithm>
#include <utility>

#include "crdt/content.h"
#include "crdt/doc.h"
#include "crdt/item.h"
#include "crdt/lib0/encoder.h"
#include "crdt/struct_store.h"
#include "crdt/transaction.h"

namespace symphony::crdt {

namespace {

using Entries = std::vector<std::pair<std::string, Any>>;

// A JavaScript Map<string, any>: insertion order, delete removes, set keeps an existing key's
// place. Attribute sets are tiny, so a vector is the fastest representation.
class JsMap {
 public:
  const Any* Get(std::string_view key) const {
    for (const auto& e : e_) {
      if (e.first == key) return &e.second;
    }
    return nullptr;
  }
  void Set(std::string_view key, const Any& value) {
    for (auto& e : e_) {
      if (e.first == key) {
        e.second = value;
        return;
      }
    }
    e_.emplace_back(std::string(key), value);
  }
  void Delete(std::string_view key) {
    for (auto it = e_.begin(); it != e_.end(); ++it) {
      if (it->first == key) {
        e_.erase(it);
        return;
      }
    }
  }
  bool empty() const { return e_.empty(); }
  size_t size() const { return e_.size(); }
  const Entries& entries() const { return e_; }

 private:
  Entries e_;
};

// A JavaScript plain object: array-index keys first (ascending), then insertion order.
class JsObject {
 public:
  JsObject() = default;
  explicit JsObject(const Any& obj) {
    if (obj.type() == Any::Type::kObject) e_ = obj.as_object();
  }
  // obj[key]; nullptr when absent (a present key may hold undefined).
  const Any* Get(std::string_view key) const {
    for (const auto& e : e_) {
      if (e.first == key) return &e.second;
    }
    return nullptr;
  }
  void Set(const std::string& key, const Any& value) {
    for (auto& e : e_) {
      if (e.first == key) {
        e.second = value;
        return;
      }
    }
    if (IsArrayIndexKey(key)) {
      const uint64_t k = std::stoull(key);
      auto it = e_.begin();
      while (it != e_.end() && IsArrayIndexKey(it->first) && std::stoull(it->first) < k) ++it;
      e_.emplace(it, key, value);
      return;
    }
    e_.emplace_back(key, value);
  }
  const Entries& entries() const { return e_; }

 private:
  Entries e_;
};

inline Any GetOrNull(const Any* v) {
  return (v == nullptr || v->is_undefined()) ? Any::Null() : *v;
}

bool IsObjectLike(const Any& v) {
  return v.type() == Any::Type::kObject || v.type() == Any::Type::kArray ||
         v.type() == Any::Type::kBytes;
}

// The own enumerable (key, value) pairs of an object, array or byte array.
Entries OwnEntries(const Any& v) {
  switch (v.type()) {
    case Any::Type::kObject:
      return v.as_object();
    case Any::Type::kArray: {
      Entries out;
      const auto& a = v.as_array();
      for (size_t i = 0; i < a.size(); ++i) out.emplace_back(std::to_string(i), a[i]);
      return out;
    }
    case Any::Type::kBytes: {
      Entries out;
      const auto& b = v.as_bytes();
      for (size_t i = 0; i < b.size(); ++i) {
        out.emplace_back(std::to_string(i), Any::Number(b[i]));
      }
      return out;
    }
    default:
      return {};
  }
}

// lib0 object.equalFlat.
bool EqualFlat(const Any& a, const Any& b) {
  if (JsStrictEquals(a, b)) return true;
  const Entries ea = OwnEntries(a);
  const Entries eb = OwnEntries(b);
  if (ea.size() != eb.size()) return false;
  for (const auto& [key, val] : ea) {
    const Any* other = nullptr;
    for (const auto& e : eb) {
      if (e.first == key) {
        other = &e.second;
        break;
      }
    }
    if (val.is_undefined() && other == nullptr) return false;
    if (!JsStrictEquals(other != nullptr ? *other : Any(), val)) return false;
  }
  return true;
}

// Yjs equalAttrs: === or flat-equal objects.
bool EqualAttrs(const Any& a, const Any& b) {
  if (JsStrictEquals(a, b)) return true;
  return IsObjectLike(a) && IsObjectLike(b) && EqualFlat(a, b);
}

inline const FormatContent* AsFormat(const Item* item) {
  return item->content.is<FormatContent>() ? &item->content.as<FormatContent>() : nullptr;
}

void UpdateCurrentAttributes(JsMap& attrs, const FormatContent& format) {
  if (format.value.type() == Any::Type::kNull) {
    attrs.Delete(format.key);
  } else {
    attrs.Set(format.key, format.value);
  }
}

// Yjs ItemTextListPosition.
struct Position {
  Item* left = nullptr;
  Item* right = nullptr;
  uint64_t index = 0;
  JsMap attrs;

  void Forward() {
    if (right == nullptr) return;
    if (const FormatContent* f = AsFormat(right)) {
      if (!right->deleted()) UpdateCurrentAttributes(attrs, *f);
    } else if (!right->deleted()) {
      index += right->length;
    }
    left = right;
    right = right->right;
  }
};

Item* InsertLocal(Transaction& tr, Item* left, Item* right, AbstractType* parent, Content content) {
  return InsertLocalItem(tr, left, right, parent, nullptr, std::move(content));
}

// A new format item; like Yjs's ContentFormat.integrate, formatting turns markers off.
Item* InsertFormat(Transaction& tr, Position& pos, AbstractType* parent, const std::string& key,
                   const Any& value) {
  Item* item = InsertLocal(tr, pos.left, pos.right, parent, Content(FormatContent{key, value}));
  parent->has_formatting = true;
  parent->ClearMarkers();
  return item;
}

void SplitAt(Transaction& tr, Item* item, uint64_t offset) {
  tr.doc().store().GetItemCleanStart(tr, ID{item->id.client, item->id.clock + offset});
}

void FindNextPosition(Transaction& tr, Position& pos, uint64_t count) {
  while (pos.right != nullptr && count > 0) {
    Item* r = pos.right;
    if (const FormatContent* f = AsFormat(r)) {
      if (!r->deleted()) UpdateCurrentAttributes(pos.attrs, *f);
    } else if (!r->deleted()) {
      if (count < r->length) SplitAt(tr, r, count);
      pos.index += r->length;
      count -= r->length;
    }
    pos.left = r;
    pos.right = r->right;
  }
}

Position FindPosition(Transaction& tr, AbstractType* parent, uint64_t index, bool use_marker) {
  Position pos;
  if (use_marker) {
    if (std::optional<AbstractType::Marker> m = parent->FindMarker(index)) {
      pos.left = m->p->left;
      pos.right = m->p;
      pos.index = m->index;
      FindNextPosition(tr, pos, index - m->index);
      return pos;
    }
  }
  pos.right = parent->start;
  FindNextPosition(tr, pos, index);
  return pos;
}

void InsertNegatedAttributes(Transaction& tr, AbstractType* parent, Position& pos, JsMap& negated) {
  while (pos.right != nullptr) {
    Item* r = pos.right;
    if (!r->deleted()) {
      const FormatContent* f = AsFormat(r);
      if (f == nullptr) break;
      const Any* neg = negated.Get(f->key);
      if (!EqualAttrs(neg != nullptr ? *neg : Any(), f->value)) break;
      negated.Delete(f->key);
    }
    pos.Forward();
  }
  for (const auto& [key, value] : negated.entries()) {
    pos.right = InsertFormat(tr, pos, parent, key, value);
    pos.Forward();
  }
}

void MinimizeAttributeChanges(Position& pos, const JsObject& attributes) {
  while (pos.right != nullptr) {
    Item* r = pos.right;
    if (!r->deleted()) {
      const FormatContent* f = AsFormat(r);
      if (f == nullptr || !EqualAttrs(GetOrNull(attributes.Get(f->key)), f->value)) break;
    }
    pos.Forward();
  }
}

JsMap InsertAttributes(Transaction& tr, AbstractType* parent, Position& pos,
                       const JsObject& attributes) {
  JsMap negated;
  for (const auto& [key, value] : attributes.entries()) {
    Any current = GetOrNull(pos.attrs.Get(key));
    if (!EqualAttrs(current, value)) {
      negated.Set(key, current);
      pos.right = InsertFormat(tr, pos, parent, key, value);
      pos.Forward();
    }
  }
  return negated;
}

void InsertText(Transaction& tr, AbstractType* parent, Position& pos, Content content,
                JsObject attributes) {
  for (const auto& [key, value] : pos.attrs.entries()) {
    const Any* a = attributes.Get(key);
    if (a == nullptr || a->is_undefined()) attributes.Set(key, Any::Null());
  }
  MinimizeAttributeChanges(pos, attributes);
  JsMap negated = InsertAttributes(tr, parent, pos, attributes);
  const uint64_t index = pos.index;
  if (parent->markers_enabled()) {
    parent->UpdateMarkerChanges(pos.index, static_cast<int64_t>(content.length()));
  }
  Item* item = InsertLocal(tr, pos.left, pos.right, parent, std::move(content));
  pos.right = item;
  pos.index = index;
  pos.Forward();
  InsertNegatedAttributes(tr, parent, pos, negated);
}

void FormatText(Transaction& tr, AbstractType* parent, Position& pos, uint64_t length,
                const JsObject& attributes) {
  MinimizeAttributeChanges(pos, attributes);
  JsMap negated = InsertAttributes(tr, parent, pos, attributes);
  while (pos.right != nullptr &&
         (length > 0 ||
          (!negated.empty() && (pos.right->deleted() || AsFormat(pos.right) != nullptr)))) {
    Item* r = pos.right;
    if (!r->deleted()) {
      if (const FormatContent* f = AsFormat(r)) {
        const Any* attr = attributes.Get(f->key);
        if (attr != nullptr && !attr->is_undefined()) {
          if (EqualAttrs(*attr, f->value)) {
            negated.Delete(f->key);
          } else {
            if (length == 0) break;
            negated.Set(f->key, f->value);
          }
          r->Delete(tr);
        } else {
          pos.attrs.Set(f->key, f->value);
        }
      } else {
        if (length < r->length) SplitAt(tr, r, length);
        length -= r->length;
      }
    }
    pos.Forward();
  }
  if (length > 0) {
    // Quill's documents end with a newline: formatting past the end adds the missing ones.
    std::u16string newlines(length, u'\n');
    pos.right =
        InsertLocal(tr, pos.left, pos.right, parent, Content(StringContent{std::move(newlines)}));
    pos.Forward();
  }
  InsertNegatedAttributes(tr, parent, pos, negated);
}

// Yjs cleanupFormattingGap: after content between start and curr was deleted, deletes format
// items that are overwritten before the next content or that repeat the attributes in effect.
int CleanupFormattingGap(Transaction& tr, Item* start, Item* curr, const JsMap& start_attrs,
                         JsMap& curr_attrs) {
  Item* end = start;
  std::vector<std::pair<std::string_view, const FormatContent*>> end_formats;
  while (end != nullptr && (!end->countable() || end->deleted())) {
    if (!end->deleted()) {
      if (const FormatContent* f = AsFormat(end)) {
        auto it = std::find_if(end_formats.begin(), end_formats.end(),
                               [f](const auto& e) { return e.first == f->key; });
        if (it != end_formats.end()) {
          it->second = f;
        } else {
          end_formats.emplace_back(f->key, f);
        }
      }
    }
    end = end->right;
  }
  int cleanups = 0;
  bool reached_curr = false;
  while (start != end) {
    if (curr == start) reached_curr = true;
    if (!start->deleted()) {
      if (const FormatContent* f = AsFormat(start)) {
        const Any start_value = GetOrNull(start_attrs.Get(f->key));
        auto it = std::find_if(end_formats.begin(), end_formats.end(),
                               [f](const auto& e) { return e.first == f->key; });
        const bool is_end_format = it != end_formats.end() && it->second == f;
        if (!is_end_format || JsStrictEquals(start_value, f->value)) {
          start->Delete(tr);
          ++cleanups;
          if (!reached_curr && JsStrictEquals(GetOrNull(curr_attrs.Get(f->key)), f->value) &&
              !JsStrictEquals(start_value, f->value)) {
            if (start_value.type() == Any::Type::kNull) {
              curr_attrs.Delete(f->key);
            } else {
              curr_attrs.Set(f->key, start_value);
            }
          }
        }
        if (!reached_curr && !start->deleted()) UpdateCurrentAttributes(curr_attrs, *f);
      }
    }
    start = start->right;
  }
  return cleanups;
}

// Yjs cleanupContextlessFormattingGap: in the gap of non-content items around `item`, keeps
// only the last format item of each key.
void CleanupContextlessFormattingGap(Transaction& tr, Item* item) {
  while (item != nullptr && item->right != nullptr &&
         (item->right->deleted() || !item->right->countable())) {
    item = item->right;
  }
  std::vector<std::string_view> seen;
  while (item != nullptr && (item->deleted() || !item->countable())) {
    if (!item->deleted()) {
      if (const FormatContent* f = AsFormat(item)) {
        if (std::find(seen.begin(), seen.end(), f->key) != seen.end()) {
          item->Delete(tr);
        } else {
          seen.push_back(f->key);
        }
      }
    }
    item = item->left;
  }
}

Position DeleteText(Transaction& tr, AbstractType* parent, Position pos, uint64_t length) {
  const uint64_t start_length = length;
  const JsMap start_attrs = pos.attrs;
  Item* const start = pos.right;
  while (length > 0 && pos.right != nullptr) {
    Item* r = pos.right;
    if (!r->deleted() && (r->content.is<StringContent>() || r->content.is<EmbedContent>() ||
                          r->content.is<TypeContent>())) {
      if (length < r->length) SplitAt(tr, r, length);
      length -= r->length;
      r->Delete(tr);
    }
    pos.Forward();
  }
  // Without format items the cleanup has nothing to delete.
  if (start != nullptr && parent->may_hold_formats()) {
    CleanupFormattingGap(tr, start, pos.right, start_attrs, pos.attrs);
  }
  if (parent->markers_enabled()) {
    parent->UpdateMarkerChanges(pos.index, -static_cast<int64_t>(start_length - length));
    // Keep a marker next to the edit, where the next edit most likely is: on the visible item
    // before it (deleted runs grow to the right of it when deleting backwards).
    Item* prev = start != nullptr ? start->left : nullptr;
    while (prev != nullptr && (prev->deleted() || !prev->countable())) prev = prev->left;
    if (prev != nullptr) parent->NoteMarker(prev, pos.index - prev->length);
  }
  return pos;
}

Content MakeInsertContent(const TextDeltaOp& op, AbstractType** created) {
  if (const auto* s = std::get_if<std::string>(&op.insert)) {
    return Content(StringContent{lib0::Utf8ToUtf16(*s)});
  }
  if (const auto* nt = std::get_if<AbstractType::NewType>(&op.insert)) {
    auto type = std::make_unique<AbstractType>(nt->kind, nt->name);
    if (created != nullptr) *created = type.get();
    return Content(TypeContent{std::move(type)});
  }
  if (const auto* v = std::get_if<Any>(&op.insert)) return Content(EmbedContent{*v});
  return Content();
}

void InsertContent(Transaction& tr, AbstractType* type, uint64_t index, Content content,
                   const Attributes* attrs, bool is_string) {
  const bool has_attrs = attrs != nullptr && attrs->type() == Any::Type::kObject;
  Position pos = FindPosition(tr, type, index, !has_attrs);
  JsObject attributes;
  if (has_attrs) {
    attributes = JsObject(*attrs);
  } else if (is_string) {
    for (const auto& [key, value] : pos.attrs.entries()) attributes.Set(key, value);
  }
  InsertText(tr, type, pos, std::move(content), std::move(attributes));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Text

void Text::Insert(Transaction& tr, uint64_t index, std::string_view utf8, const Attributes* attrs) {
  if (utf8.empty()) return;
  InsertContent(tr, type_, index, Content(StringContent{lib0::Utf8ToUtf16(utf8)}), attrs, true);
}

void Text::Insert(uint64_t index, std::string_view utf8, const Attributes* attrs) {
  if (utf8.empty()) return;
  // One captured pointer keeps the std::function free of heap allocation.
  struct Args {
    Text* self;
    uint64_t index;
    std::string_view utf8;
    const Attributes* attrs;
  } args{this, index, utf8, attrs};
  type_->doc()->Transact(
      [a = &args](Transaction& tr) { a->self->Insert(tr, a->index, a->utf8, a->attrs); });
}

void Text::InsertUtf16(Transaction& tr, uint64_t index, std::u16string_view text,
                       const Attributes* attrs) {
  if (text.empty()) return;
  InsertContent(tr, type_, index, Content(StringContent{std::u16string(text)}), attrs, true);
}

void Text::InsertUtf16(uint64_t index, std::u16string_view text, const Attributes* attrs) {
  if (text.empty()) return;
  type_->doc()->Transact([&](Transaction& tr) { InsertUtf16(tr, index, text, attrs); });
}

void Text::InsertEmbed(Transaction& tr, uint64_t index, const Any& embed, const Attributes* attrs) {
  InsertContent(tr, type_, index, Content(EmbedContent{embed}), attrs, false);
}

void Text::InsertEmbed(uint64_t index, const Any& embed, const Attributes* attrs) {
  type_->doc()->Transact([&](Transaction& tr) { InsertEmbed(tr, index, embed, attrs); });
}

AbstractType* Text::InsertType(Transaction& tr, uint64_t index, TypeKind kind, std::string name,
                               const Attributes* attrs) {
  auto type = std::make_unique<AbstractType>(kind, std::move(name));
  AbstractType* raw = type.get();
  InsertContent(tr, type_, index, Content(TypeContent{std::move(type)}), attrs, false);
  return raw;
}

void Text::Delete(Transaction& tr, uint64_t index, uint64_t length) {
  if (length == 0) return;
  DeleteText(tr, type_, FindPosition(tr, type_, index, true), length);
}

void Text::Delete(uint64_t index, uint64_t length) {
  if (length == 0) return;
  struct Args {
    Text* self;
    uint64_t index;
    uint64_t length;
  } args{this, index, length};
  type_->doc()->Transact(
      [a = &args](Transaction& tr) { a->self->Delete(tr, a->index, a->length); });
}

void Text::Format(Transaction& tr, uint64_t index, uint64_t length, const Attributes& attrs) {
  if (length == 0) return;
  Position pos = FindPosition(tr, type_, index, false);
  if (pos.right == nullptr) return;
  FormatText(tr, type_, pos, length, JsObject(attrs));
}

void Text::Format(uint64_t index, uint64_t length, const Attributes& attrs) {
  if (length == 0) return;
  type_->doc()->Transact([&](Transaction& tr) { Format(tr, index, length, attrs); });
}

void Text::ApplyDelta(Transaction& tr, const std::vector<TextDeltaOp>& delta, bool sanitize) {
  Position pos;
  pos.right = type_->start;
  for (size_t i = 0; i < delta.size(); ++i) {
    const TextDeltaOp& op = delta[i];
    const JsObject attributes(op.attributes);
    switch (op.kind) {
      case TextDeltaOp::Kind::kInsert: {
        if (std::holds_alternative<AbstractType*>(op.insert)) break;  // already integrated
        if (const auto* s = std::get_if<std::string>(&op.insert)) {
          std::u16string str = lib0::Utf8ToUtf16(*s);
          if (!sanitize && i == delta.size() - 1 && pos.right == nullptr && !str.empty() &&
              str.back() == u'\n') {
            str.pop_back();
          }
          if (str.empty()) break;
          InsertText(tr, type_, pos, Content(StringContent{std::move(str)}), attributes);
        } else {
          InsertText(tr, type_, pos, MakeInsertContent(op, nullptr), attributes);
        }
        break;
      }
      case TextDeltaOp::Kind::kRetain:
        FormatText(tr, type_, pos, op.length, attributes);
        break;
      case TextDeltaOp::Kind::kDelete:
        pos = DeleteText(tr, type_, std::move(pos), op.length);
        break;
    }
  }
}

void Text::ApplyDelta(const std::vector<TextDeltaOp>& delta, bool sanitize) {
  type_->doc()->Transact([&](Transaction& tr) { ApplyDelta(tr, delta, sanitize); });
}

void Text::SetAttribute(Transaction& tr, std::string_view name, const Any& value) {
  type_->MapSetValue(tr, name, value);
}

void Text::RemoveAttribute(Transaction& tr, std::string_view name) { type_->MapDelete(tr, name); }

Any Text::GetAttribute(std::string_view name) const { return type_->MapGetValue(name); }

std::u16string Text::ToUtf16() const {
  std::u16string out;
  for (const Item* n = type_->start; n != nullptr; n = n->right) {
    if (!n->deleted() && n->content.is<StringContent>()) out += n->content.as<StringContent>().str;
  }
  return out;
}

std::string Text::ToString() const { return lib0::Utf16ToUtf8(ToUtf16()); }

uint64_t Text::Length() const { return type_->length; }

std::vector<TextDeltaOp> Text::ToDelta() const {
  std::vector<TextDeltaOp> ops;
  JsMap current;
  std::u16string str;
  auto attrs_object = [&current]() {
    if (current.empty()) return Any();
    Any out = Any::MakeObject();
    for (const auto& [key, value] : current.entries()) out.Set(key, value);
    return out;
  };
  auto pack = [&]() {
    if (str.empty()) return;
    TextDeltaOp op;
    op.insert = lib0::Utf16ToUtf8(str);
    op.attributes = attrs_object();
    ops.push_back(std::move(op));
    str.clear();
  };
  for (const Item* n = type_->start; n != nullptr; n = n->right) {
    if (n->deleted()) continue;
    if (n->content.is<StringContent>()) {
      str += n->content.as<StringContent>().str;
    } else if (n->content.is<TypeContent>() || n->content.is<EmbedContent>()) {
      pack();
      TextDeltaOp op;
      if (n->content.is<TypeContent>()) {
        op.insert = n->content.as<TypeContent>().type.get();
      } else {
        op.insert = n->content.as<EmbedContent>().value;
      }
      op.attributes = attrs_object();
      ops.push_back(std::move(op));
    } else if (const FormatContent* f = AsFormat(n)) {
      pack();
      UpdateCurrentAttributes(current, *f);
    }
  }
  pack();
  return ops;
}

Any Text::ToDeltaJson() const {
  Any out = Any::MakeArray();
  for (const TextDeltaOp& op : ToDelta()) {
    Any o = Any::MakeObject();
    if (const auto* s = std::get_if<std::string>(&op.insert)) {
      o.Set("insert", Any::String(*s));
    } else if (const auto* v = std::get_if<Any>(&op.insert)) {
      o.Set("insert", *v);
    } else if (auto* const* t = std::get_if<AbstractType*>(&op.insert)) {
      o.Set("insert", (*t)->ToJson());
    }
    if (!op.attributes.is_undefined()) o.Set("attributes", op.attributes);
    out.as_array().push_back(std::move(o));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Formatting cleanup

int CleanupYTextFormatting(AbstractType* type) {
  int res = 0;
  type->doc()->Transact([&](Transaction& tr) {
    Item* start = type->start;
    Item* end = type->start;
    JsMap start_attrs;
    JsMap current = start_attrs;
    while (end != nullptr) {
      if (!end->deleted()) {
        if (const FormatContent* f = AsFormat(end)) {
          UpdateCurrentAttributes(current, *f);
        } else {
          res += CleanupFormattingGap(tr, start, end, start_attrs, current);
          start_attrs = current;
          start = end;
        }
      }
      end = end->right;
    }
  });
  return res;
}

void CleanupYTextAfterTransaction(Transaction& tr) {
  Doc& doc = tr.doc();
  StructStore& store = doc.store();
  std::vector<AbstractType*> need_full_cleanup;
  auto needs_full = [&](AbstractType* t) {
    return std::find(need_full_cleanup.begin(), need_full_cleanup.end(), t) !=
           need_full_cleanup.end();
  };
  // Clients in store order, so that the result does not depend on hash order.
  for (ClientId client : store.client_order()) {
    const Clock* after_it = tr.after_state.Find(client);
    if (after_it == nullptr) continue;
    const Clock after = *after_it;
    const Clock before = tr.BeforeClock(client);
    if (after == before) continue;
    StructStore::Structs* structs = store.Get(client);
    if (structs == nullptr) continue;
    // Yjs passes the after clock as the length, which reaches to the end of the structs.
    store.IterateStructs(tr, *structs, before, after, [&](Item* item) {
      if (item->is_item() && !item->deleted() && item->content.is<FormatContent>() &&
          item->parent != nullptr && !needs_full(item->parent)) {
        need_full_cleanup.push_back(item->parent);
      }
    });
  }
  doc.Transact([&](Transaction& t) {
    for (const auto& [client, ranges] : tr.delete_set.clients()) {
      StructStore::Structs* structs = store.Get(client);
      if (structs == nullptr || structs->empty()) continue;
      const Item* last = structs->back();
      const Clock clock_state = last->id.clock + last->length;
      for (const DeleteRange& del : ranges) {
        if (del.clock >= clock_state) break;
        store.IterateStructs(tr, *structs, del.clock, del.len, [&](Item* item) {
          if (!item->is_item() || item->parent == nullptr) return;
          AbstractType* parent = item->parent;
          if (!parent->has_formatting || needs_full(parent)) return;
          if (item->content.is<FormatContent>()) {
            need_full_cleanup.push_back(parent);
          } else {
            CleanupContextlessFormattingGap(t, item);
          }
        });
      }
    }
    for (AbstractType* type : need_full_cleanup) CleanupYTextFormatting(type);
  });
}

}  // namespace symphony::crdt
