// XML handles (Yjs YXmlFragment, YXmlElement, YXmlText, YXmlHook): a fragment is a list of
// child nodes; an element is a fragment with a node name and attributes (map entries); an
// XmlText is a Text whose string form renders formatting as nested tags.
//
// Non-owning views; they stay valid while their type does (see abstract_type.h). Each editing
// method comes with and without a Transaction (the latter opens its own).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crdt/lib0/any.h"
#include "crdt/types/abstract_type.h"
#include "crdt/types/text.h"

namespace symphony::crdt {

class Transaction;

class XmlFragment {
 public:
  explicit XmlFragment(AbstractType* type) : type_(type) {}
  AbstractType* type() const { return type_; }

  // New children at index: XmlElement (with its node name), XmlText or XmlHook. nullptr if
  // index > Length().
  AbstractType* InsertElement(Transaction& tr, uint64_t index, std::string node_name);
  AbstractType* InsertElement(uint64_t index, std::string node_name);
  AbstractType* InsertText(Transaction& tr, uint64_t index);
  AbstractType* InsertText(uint64_t index);
  // Any mix of new nodes (and plain values, which Yjs also accepts); false if index > Length().
  bool Insert(Transaction& tr, uint64_t index, const std::vector<AbstractType::Insertable>& content,
              std::vector<AbstractType*>* created = nullptr);
  // Yjs insertAfter: after the child `ref` (nullptr: at the start).
  void InsertAfter(Transaction& tr, AbstractType* ref,
                   const std::vector<AbstractType::Insertable>& content,
                   std::vector<AbstractType*>* created = nullptr);
  void Push(Transaction& tr, const std::vector<AbstractType::Insertable>& content,
            std::vector<AbstractType*>* created = nullptr);
  bool Delete(Transaction& tr, uint64_t index, uint64_t length = 1);
  bool Delete(uint64_t index, uint64_t length = 1);

  uint64_t Length() const { return type_->length; }
  // Child index (nullptr past the end or for a plain value).
  AbstractType* Get(uint64_t index) const;
  std::vector<AbstractType*> Children() const;
  // The XML serialization (Yjs toString; toJSON is the same string).
  std::string ToString() const { return type_->ToString(); }
  Any ToJson() const { return type_->ToJson(); }

 protected:
  AbstractType* type_;
};

class XmlElement : public XmlFragment {
 public:
  explicit XmlElement(AbstractType* type) : XmlFragment(type) {}
  const std::string& node_name() const { return type_->name(); }

  // Attribute values are usually strings; any value is stored as Yjs stores it.
  void SetAttribute(Transaction& tr, std::string_view name, const Any& value);
  void SetAttribute(std::string_view name, const Any& value);
  void RemoveAttribute(Transaction& tr, std::string_view name);
  void RemoveAttribute(std::string_view name);
  Any GetAttribute(std::string_view name) const { return type_->MapGetValue(name); }
  bool HasAttribute(std::string_view name) const { return type_->MapHas(name); }
  // All live attributes as an object (Yjs getAttributes).
  Any GetAttributes() const;
};

class XmlText : public Text {
 public:
  explicit XmlText(AbstractType* type) : Text(type) {}
  // The delta with formatting rendered as nested tags (Yjs YXmlText.toString).
  std::string ToString() const { return type()->ToString(); }
  Any ToJson() const { return type()->ToJson(); }
};

class XmlHook {
 public:
  explicit XmlHook(AbstractType* type) : type_(type) {}
  AbstractType* type() const { return type_; }
  const std::string& hook_name() const { return type_->name(); }
  void Set(Transaction& tr, std::string_view key, const Any& value) {
    type_->MapSetValue(tr, key, value);
  }
  Any Get(std::string_view key) const { return type_->MapGetValue(key); }
  Any ToJson() const { return type_->ToJson(); }

 private:
  AbstractType* type_;
};

}  // namespace symphony::crdt
