#include "crdt/types/xml.h"

#include "crdt/doc.h"
#include "crdt/item.h"
#include "crdt/transaction.h"

namespace symphony::crdt {

namespace {

AbstractType* InsertOne(AbstractType* parent, Transaction& tr, uint64_t index,
                        AbstractType::NewType node) {
  std::vector<AbstractType*> created;
  if (!parent->ListInsert(tr, index, {std::move(node)}, &created)) return nullptr;
  return created.front();
}

}  // namespace

AbstractType* XmlFragment::InsertElement(Transaction& tr, uint64_t index, std::string node_name) {
  return InsertOne(type_, tr, index, {TypeKind::kXmlElement, std::move(node_name)});
}

AbstractType* XmlFragment::InsertElement(uint64_t index, std::string node_name) {
  AbstractType* created = nullptr;
  type_->doc()->Transact([&](Transaction& tr) { created = InsertElement(tr, index, node_name); });
  return created;
}

AbstractType* XmlFragment::InsertText(Transaction& tr, uint64_t index) {
  return InsertOne(type_, tr, index, {TypeKind::kXmlText, {}});
}

AbstractType* XmlFragment::InsertText(uint64_t index) {
  AbstractType* created = nullptr;
  type_->doc()->Transact([&](Transaction& tr) { created = InsertText(tr, index); });
  return created;
}

bool XmlFragment::Insert(Transaction& tr, uint64_t index,
                         const std::vector<AbstractType::Insertable>& content,
                         std::vector<AbstractType*>* created) {
  return type_->ListInsert(tr, index, content, created);
}

void XmlFragment::InsertAfter(Transaction& tr, AbstractType* ref,
                              const std::vector<AbstractType::Insertable>& content,
                              std::vector<AbstractType*>* created) {
  type_->ListInsertAfter(tr, ref != nullptr ? ref->item() : nullptr, content, created);
}

void XmlFragment::Push(Transaction& tr, const std::vector<AbstractType::Insertable>& content,
                       std::vector<AbstractType*>* created) {
  // Yjs's XmlFragment.push is insert(length, ...), unlike YArray.push.
  type_->ListInsert(tr, type_->length, content, created);
}

bool XmlFragment::Delete(Transaction& tr, uint64_t index, uint64_t length) {
  return type_->ListDelete(tr, index, length);
}

bool XmlFragment::Delete(uint64_t index, uint64_t length) {
  bool ok = true;
  type_->doc()->Transact([&](Transaction& tr) { ok = Delete(tr, index, length); });
  return ok;
}

AbstractType* XmlFragment::Get(uint64_t index) const {
  auto [item, offset] = type_->ListItemAt(index);
  if (item == nullptr || !item->content.is<TypeContent>()) return nullptr;
  return item->content.as<TypeContent>().type.get();
}

std::vector<AbstractType*> XmlFragment::Children() const {
  std::vector<AbstractType*> out;
  for (const Item* n = type_->start; n != nullptr; n = n->right) {
    if (!n->deleted() && n->content.is<TypeContent>()) {
      out.push_back(n->content.as<TypeContent>().type.get());
    }
  }
  return out;
}

void XmlElement::SetAttribute(Transaction& tr, std::string_view name, const Any& value) {
  type_->MapSetValue(tr, name, value);
}

void XmlElement::SetAttribute(std::string_view name, const Any& value) {
  type_->doc()->Transact([&](Transaction& tr) { SetAttribute(tr, name, value); });
}

void XmlElement::RemoveAttribute(Transaction& tr, std::string_view name) {
  type_->MapDelete(tr, name);
}

void XmlElement::RemoveAttribute(std::string_view name) {
  type_->doc()->Transact([&](Transaction& tr) { RemoveAttribute(tr, name); });
}

Any XmlElement::GetAttributes() const {
  Any out = Any::MakeObject();
  for (const auto& [key, item] : type_->map_entries()) {
    if (!item->deleted()) out.Set(*key, item->content.ValueAt(item->length - 1));
  }
  return out;
}

}  // namespace symphony::crdt
