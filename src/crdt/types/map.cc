#include "crdt/types/map.h"

#include "crdt/doc.h"
#include "crdt/item.h"
#include "crdt/transaction.h"

namespace symphony::crdt {

void Map::Set(Transaction& tr, std::string_view key, const Any& value) {
  type_->MapSetValue(tr, key, value);
}

void Map::Set(std::string_view key, const Any& value) {
  type_->doc()->Transact([&](Transaction& tr) { Set(tr, key, value); });
}

AbstractType* Map::SetType(Transaction& tr, std::string_view key, TypeKind kind, std::string name) {
  return type_->MapSetValue(tr, key, AbstractType::NewType{kind, std::move(name)});
}

AbstractType* Map::SetType(std::string_view key, TypeKind kind, std::string name) {
  AbstractType* created = nullptr;
  type_->doc()->Transact([&](Transaction& tr) { created = SetType(tr, key, kind, name); });
  return created;
}

void Map::Delete(Transaction& tr, std::string_view key) { type_->MapDelete(tr, key); }

void Map::Delete(std::string_view key) {
  type_->doc()->Transact([&](Transaction& tr) { Delete(tr, key); });
}

void Map::Clear(Transaction& tr) {
  for (const auto& [key, item] : type_->map_entries()) {
    if (!item->deleted()) item->Delete(tr);
  }
}

Any Map::Get(std::string_view key) const { return type_->MapGetValue(key); }

AbstractType* Map::GetType(std::string_view key) const { return type_->MapGetType(key); }

bool Map::Has(std::string_view key) const { return type_->MapHas(key); }

std::vector<std::string> Map::Keys() const {
  std::vector<std::string> out;
  for (const auto& [key, item] : type_->map_entries()) {
    if (!item->deleted()) out.push_back(*key);
  }
  return out;
}

size_t Map::Size() const {
  size_t n = 0;
  for (const auto& entry : type_->map_entries()) {
    if (!entry.second->deleted()) ++n;
  }
  return n;
}

Any Map::ToJson() const { return type_->ToJson(); }

}  // namespace symphony::crdt
