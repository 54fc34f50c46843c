// Text: a handle to a shared rich text (Yjs YText) — a sequence of UTF-16 string runs, embeds
// and nested types, with formatting given by format items (Quill-style attributes).
//
// Indices and lengths count UTF-16 code units, as in JavaScript; strings cross this API as
// UTF-8. An index inside a surrogate pair splits it, and both halves become U+FFFD, as in Yjs.
// The edit algorithms are Yjs 13.6's, step for step: where they place format items decides the
// bytes of every update, so they must not be "improved".
//
// A Text is a non-owning view; it stays valid while its type does (see abstract_type.h).
// Every editing method comes in two forms: one joins the caller's transaction, the other opens
// its own with Doc::Transact.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "crdt/lib0/any.h"
#include "crdt/types/abstract_type.h"

namespace symphony::crdt {

class Transaction;

// Formatting attributes: an Any object (its key order is JavaScript's, which decides the order
// in which format items are created). A null value removes that attribute.
using Attributes = Any;

// One operation of a Quill delta.
struct TextDeltaOp {
  enum class Kind : uint8_t { kInsert, kRetain, kDelete };
  Kind kind = Kind::kInsert;
  // kInsert: a string (UTF-8), an embed value, an existing nested type (what ToDelta returns),
  // or a new empty nested type to create (for ApplyDelta).
  std::variant<std::string, Any, AbstractType*, AbstractType::NewType> insert;
  uint64_t length = 0;  // kRetain / kDelete
  Any attributes;       // an object, or undefined for none
};

// Inserts a string / embed / type with attributes (or the attributes at the position when
// attrs is nullptr) — what Text::Insert does; exposed for XmlText.
class Text {
 public:
  explicit Text(AbstractType* type) : type_(type) {}
  AbstractType* type() const { return type_; }

  // Yjs insert(index, text, attributes): with attrs == nullptr the text takes the formatting
  // in effect at index; with attrs it gets exactly those (others at index are negated). An
  // index past the end appends.
  void Insert(Transaction& tr, uint64_t index, std::string_view utf8,
              const Attributes* attrs = nullptr);
  void Insert(uint64_t index, std::string_view utf8, const Attributes* attrs = nullptr);
  void InsertUtf16(Transaction& tr, uint64_t index, std::u16string_view text,
                   const Attributes* attrs = nullptr);
  void InsertUtf16(uint64_t index, std::u16string_view text, const Attributes* attrs = nullptr);
  // Yjs insertEmbed: one element holding a value (an object, usually).
  void InsertEmbed(Transaction& tr, uint64_t index, const Any& embed,
                   const Attributes* attrs = nullptr);
  void InsertEmbed(uint64_t index, const Any& embed, const Attributes* attrs = nullptr);
  // insertEmbed of a new nested type; returns it.
  AbstractType* InsertType(Transaction& tr, uint64_t index, TypeKind kind, std::string name = {},
                           const Attributes* attrs = nullptr);
  void Delete(Transaction& tr, uint64_t index, uint64_t length);
  void Delete(uint64_t index, uint64_t length);
  // Yjs format: sets (or, with null values, removes) attributes on [index, index + length).
  // Past the end it appends newlines, as Yjs does for Quill.
  void Format(Transaction& tr, uint64_t index, uint64_t length, const Attributes& attrs);
  void Format(uint64_t index, uint64_t length, const Attributes& attrs);
  // Yjs applyDelta. `sanitize` keeps Yjs's meaning: with sanitize == false a trailing "\n" of
  // a final insert at the end is dropped.
  void ApplyDelta(Transaction& tr, const std::vector<TextDeltaOp>& delta, bool sanitize = true);
  void ApplyDelta(const std::vector<TextDeltaOp>& delta, bool sanitize = true);

  // Attributes of the text type itself (Yjs setAttribute / getAttribute / removeAttribute).
  void SetAttribute(Transaction& tr, std::string_view name, const Any& value);
  void RemoveAttribute(Transaction& tr, std::string_view name);
  Any GetAttribute(std::string_view name) const;

  // The string content (embeds and types left out).
  std::string ToString() const;
  std::u16string ToUtf16() const;
  // Length in UTF-16 units, embeds and nested types counting 1.
  uint64_t Length() const;
  std::vector<TextDeltaOp> ToDelta() const;
  // The delta as Yjs's toDelta() JSON: [{insert, attributes?}] (nested types as their JSON).
  Any ToDeltaJson() const;

 private:
  AbstractType* type_;
};

// Yjs cleanupYTextAfterTransaction: after a remote transaction touched formatted text, removes
// format items made redundant by it (in a new transaction). Transaction cleanup calls this when
// tr.need_formatting_cleanup, after the observers and before garbage collection and merging;
// the doc must have no open transaction then. It changes the document, as Yjs does.
void CleanupYTextAfterTransaction(Transaction& tr);

// Yjs cleanupYTextFormatting: removes every redundant format item of a text type; returns how
// many were removed.
int CleanupYTextFormatting(AbstractType* type);

}  // namespace symphony::crdt
