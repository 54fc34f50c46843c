// Item content: what an Item carries, one kind per Yjs content class (refs 1..9 on the wire).
//
// Lengths count UTF-16 units for strings and elements otherwise. Content is owned by its Item;
// a Type content owns its AbstractType. Values (Any) share their immutable heap parts when
// copied, which is what gives JavaScript's identity semantics (see JsStrictEquals).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "crdt/lib0/any.h"
#include "crdt/types/abstract_type.h"  // TypeContent owns one

namespace symphony::crdt {

class UpdateEncoder;
class UpdateDecoder;

enum class ContentRef : uint8_t {
  kGC = 0,
  kDeleted = 1,
  kJson = 2,
  kBinary = 3,
  kString = 4,
  kEmbed = 5,
  kFormat = 6,
  kType = 7,
  kAny = 8,
  kDoc = 9,
  kSkip = 10,
};

struct DeletedContent {
  uint64_t len = 0;
};
struct JsonContent {
  std::vector<Any> arr;  // undefined elements are written as the string "undefined"
};
struct BinaryContent {
  std::shared_ptr<const std::vector<uint8_t>> bytes;
};
struct StringContent {
  std::u16string str;
};
struct EmbedContent {
  Any value;
};
struct FormatContent {
  std::string key;
  Any value;
};
struct TypeContent {
  std::unique_ptr<AbstractType> type;
};
struct AnyContent {
  std::vector<Any> arr;
};
// A subdocument reference. We keep what Yjs writes for it: the guid and the options
// (gc: false, autoLoad: true, meta) in Yjs's order.
struct DocContent {
  std::string guid;
  bool gc = true;
  bool auto_load = false;
  bool should_load = false;
  bool has_meta = false;
  Any meta;
  Any Opts() const;
};

class Content {
 public:
  Content() : v_(DeletedContent{}) {}
  template <class T>
  explicit Content(T&& c) : v_(std::forward<T>(c)) {}
  Content(Content&&) noexcept;
  Content& operator=(Content&&) noexcept;
  ~Content();

  ContentRef ref() const;
  uint64_t length() const;
  bool countable() const;

  template <class T>
  T& as() { return std::get<T>(v_); }
  template <class T>
  const T& as() const { return std::get<T>(v_); }
  template <class T>
  bool is() const { return std::holds_alternative<T>(v_); }

  // Splits off and returns everything from `offset` on; this keeps [0, offset). Only for
  // splittable kinds (Deleted, JSON, String, Any). A string split inside a surrogate pair
  // replaces both halves with U+FFFD, as Yjs does.
  Content Splice(uint64_t offset);
  // Appends `right` if both are of the same mergeable kind; false otherwise.
  bool MergeWith(Content& right);
  // A copy for redo (types are copied empty, as Yjs's _copy does).
  Content Copy() const;
  void Write(UpdateEncoder& enc, uint64_t offset) const;

  // Element i of the content as a value (Types and subdocs are not values: undefined).
  Any ValueAt(uint64_t i) const;

 private:
  std::variant<DeletedContent, JsonContent, BinaryContent, StringContent, EmbedContent,
               FormatContent, TypeContent, AnyContent, DocContent>
      v_;
};

// Reads the content of an item with the given info byte (its low 5 bits are the content ref).
// On malformed input the decoder's sticky status is set and the returned content is unusable.
Content ReadContent(UpdateDecoder& dec, uint8_t info);

// JavaScript `===` on values: primitives by value (NaN unequal, -0 equal to 0), strings by
// content, objects / arrays / byte arrays by identity.
bool JsStrictEquals(const Any& a, const Any& b);

}  // namespace symphony::crdt
