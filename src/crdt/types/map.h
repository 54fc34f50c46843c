// Map: a handle to a shared key -> value map (Yjs YMap). Last writer wins per key, decided by
// the CRDT (concurrent sets of one key keep the one from the higher client id).
//
// A Map is a non-owning view; it stays valid while its type does (see abstract_type.h). Each
// editing method comes with and without a Transaction (the latter opens its own).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "crdt/lib0/any.h"
#include "crdt/types/abstract_type.h"

namespace symphony::crdt {

class Transaction;

class Map {
 public:
  explicit Map(AbstractType* type) : type_(type) {}
  AbstractType* type() const { return type_; }

  // A value (a byte array is stored as binary content, everything else as an Any, as Yjs does).
  void Set(Transaction& tr, std::string_view key, const Any& value);
  void Set(std::string_view key, const Any& value);
  // A new empty nested type under key (name: XmlElement node name / XmlHook hook name).
  AbstractType* SetType(Transaction& tr, std::string_view key, TypeKind kind,
                        std::string name = {});
  AbstractType* SetType(std::string_view key, TypeKind kind, std::string name = {});
  void Delete(Transaction& tr, std::string_view key);
  void Delete(std::string_view key);
  // Deletes every key (Yjs clear()).
  void Clear(Transaction& tr);

  // The value of key; undefined if absent, deleted, or a nested type (see GetType).
  Any Get(std::string_view key) const;
  AbstractType* GetType(std::string_view key) const;
  bool Has(std::string_view key) const;
  // Live keys in Yjs's order (first time each key was set).
  std::vector<std::string> Keys() const;
  size_t Size() const;
  // Yjs toJSON(): an object, nested types as their JSON.
  Any ToJson() const;

 private:
  AbstractType* type_;
};

}  // namespace symphony::crdt
