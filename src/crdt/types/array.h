// Array: a handle to a shared list of values and nested types (Yjs YArray).
//
// Runs of plain values inserted together share one item; byte arrays and nested types get one
// item each (Yjs's packing, which decides the encoded bytes). A non-owning view; it stays valid
// while its type does (see abstract_type.h). Each editing method comes with and without a
// Transaction (the latter opens its own).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crdt/lib0/any.h"
#include "crdt/types/abstract_type.h"

namespace symphony::crdt {

class Transaction;

class Array {
 public:
  explicit Array(AbstractType* type) : type_(type) {}
  AbstractType* type() const { return type_; }

  // False (and no change) if index > Length().
  bool Insert(Transaction& tr, uint64_t index, const std::vector<Any>& values);
  bool Insert(uint64_t index, const std::vector<Any>& values);
  // Values and new nested types mixed; created types are appended to *created.
  bool InsertMixed(Transaction& tr, uint64_t index,
                   const std::vector<AbstractType::Insertable>& content,
                   std::vector<AbstractType*>* created = nullptr);
  // A new empty nested type at index; nullptr if index > Length().
  AbstractType* InsertType(Transaction& tr, uint64_t index, TypeKind kind, std::string name = {});
  AbstractType* InsertType(uint64_t index, TypeKind kind, std::string name = {});
  // Yjs push: appends after the last item, deleted ones included.
  void Push(Transaction& tr, const std::vector<Any>& values);
  void Push(const std::vector<Any>& values);
  AbstractType* PushType(Transaction& tr, TypeKind kind, std::string name = {});
  // Yjs unshift.
  void Unshift(Transaction& tr, const std::vector<Any>& values) { Insert(tr, 0, values); }
  // False if the range passes the end (what was in range is deleted).
  bool Delete(Transaction& tr, uint64_t index, uint64_t length = 1);
  bool Delete(uint64_t index, uint64_t length = 1);

  // Element index as a value (undefined past the end or for a nested type: see GetType).
  Any Get(uint64_t index) const;
  AbstractType* GetType(uint64_t index) const;
  uint64_t Length() const { return type_->length; }
  // The elements as values (nested types as undefined).
  std::vector<Any> ToArray() const { return type_->ListToValues(); }
  // Yjs toJSON(): nested types as their JSON.
  Any ToJson() const { return type_->ToJson(); }

 private:
  AbstractType* type_;
};

}  // namespace symphony::crdt
