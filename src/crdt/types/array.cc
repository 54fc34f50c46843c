#include "crdt/types/array.h"

#include "crdt/doc.h"
#include "crdt/item.h"
#include "crdt/transaction.h"

namespace symphony::crdt {

namespace {

std::vector<AbstractType::Insertable> ToInsertables(const std::vector<Any>& values) {
  return std::vector<AbstractType::Insertable>(values.begin(), values.end());
}

}  // namespace

bool Array::Insert(Transaction& tr, uint64_t index, const std::vector<Any>& values) {
  return type_->ListInsert(tr, index, ToInsertables(values));
}

bool Array::Insert(uint64_t index, const std::vector<Any>& values) {
  bool ok = false;
  type_->doc()->Transact([&](Transaction& tr) { ok = Insert(tr, index, values); });
  return ok;
}

bool Array::InsertMixed(Transaction& tr, uint64_t index,
                        const std::vector<AbstractType::Insertable>& content,
                        std::vector<AbstractType*>* created) {
  return type_->ListInsert(tr, index, content, created);
}

AbstractType* Array::InsertType(Transaction& tr, uint64_t index, TypeKind kind, std::string name) {
  std::vector<AbstractType*> created;
  if (!type_->ListInsert(tr, index, {AbstractType::NewType{kind, std::move(name)}}, &created)) {
    return nullptr;
  }
  return created.front();
}

AbstractType* Array::InsertType(uint64_t index, TypeKind kind, std::string name) {
  AbstractType* created = nullptr;
  type_->doc()->Transact([&](Transaction& tr) { created = InsertType(tr, index, kind, name); });
  return created;
}

void Array::Push(Transaction& tr, const std::vector<Any>& values) {
  type_->ListPush(tr, ToInsertables(values));
}

void Array::Push(const std::vector<Any>& values) {
  type_->doc()->Transact([&](Transaction& tr) { Push(tr, values); });
}

AbstractType* Array::PushType(Transaction& tr, TypeKind kind, std::string name) {
  std::vector<AbstractType*> created;
  type_->ListPush(tr, {AbstractType::NewType{kind, std::move(name)}}, &created);
  return created.front();
}

bool Array::Delete(Transaction& tr, uint64_t index, uint64_t length) {
  return type_->ListDelete(tr, index, length);
}

bool Array::Delete(uint64_t index, uint64_t length) {
  bool ok = true;
  type_->doc()->Transact([&](Transaction& tr) { ok = Delete(tr, index, length); });
  return ok;
}

Any Array::Get(uint64_t index) const {
  auto [item, offset] = type_->ListItemAt(index);
  return item != nullptr ? item->content.ValueAt(offset) : Any();
}

AbstractType* Array::GetType(uint64_t index) const {
  auto [item, offset] = type_->ListItemAt(index);
  if (item == nullptr || !item->content.is<TypeContent>()) return nullptr;
  return item->content.as<TypeContent>().type.get();
}

}  // namespace symphony::crdt
