// Any: a JavaScript value as lib0's writeAny/readAny and JSON.stringify see it.
//
// Numbers are doubles (JS has no integers); -0 is kept. Objects keep JavaScript's own key
// order: array-index keys ("0", "1", ... up to 2^32-2, canonical form) ascending first, then the
// other keys in insertion order; setting an existing key replaces its value in place. This order
// is what a JS encoder writes, so it is what we must write to be byte-identical.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace symphony::crdt {

class Any {
 public:
  enum class Type : uint8_t {
    kUndefined,
    kNull,
    kBool,
    kNumber,   // double
    kBigInt,   // int64 (lib0 writes BigInt64)
    kString,   // UTF-8
    kBytes,    // Uint8Array
    kArray,
    kObject,
  };
  using Array = std::vector<Any>;
  using Object = std::vector<std::pair<std::string, Any>>;  // JS key order, see above

  Any() = default;  // undefined
  static Any Undefined() { return Any(); }
  static Any Null();
  static Any Bool(bool b);
  static Any Number(double d);
  static Any BigInt(int64_t v);
  static Any String(std::string s);
  static Any Bytes(std::vector<uint8_t> b);
  static Any MakeArray(Array a = {});
  static Any MakeObject();

  Type type() const { return type_; }
  bool is_undefined() const { return type_ == Type::kUndefined; }
  bool as_bool() const { return b_; }
  double as_number() const { return d_; }
  int64_t as_bigint() const { return i_; }
  const std::string& as_string() const;
  const std::vector<uint8_t>& as_bytes() const;
  const Array& as_array() const;
  Array& as_array();
  const Object& as_object() const;
  // Sets key in JS order (see the class comment).
  void Set(std::string key, Any value);
  const Any* Get(std::string_view key) const;
  // Builds an object from entries in arrival order with JS assignment semantics (a repeated key
  // keeps its first position and takes the last value; index keys sort first). O(n log n), so
  // safe for untrusted input with many keys.
  static Any ObjectFromEntries(std::vector<std::pair<std::string, Any>> entries);

  // Deep equality; numbers compare with Object.is (NaN equals NaN, 0 differs from -0).
  friend bool operator==(const Any& a, const Any& b);

 private:
  Type type_ = Type::kUndefined;
  bool b_ = false;
  double d_ = 0;
  int64_t i_ = 0;
  std::shared_ptr<void> heap_;  // string / bytes / Array / Object, immutable once shared
};

// True if `key` is a canonical JS array index ("0".."4294967294", no leading zeros).
bool IsArrayIndexKey(std::string_view key);

// Number.prototype.toString() / String(d): shortest round-trip digits, JS exponent rules
// ("1e+21", "1e-7", "123.456"), -0 as "0", "NaN", "Infinity", "-Infinity".
std::string JsNumberToString(double d);

// JSON.stringify(value) exactly as V8 prints it (number formatting, escapes, undefined dropped
// from objects and written as null in arrays, Uint8Array as {"0":..}). A top-level undefined
// gives "undefined" (what Yjs writes for ContentJSON's undefined elements). BigInt, which
// JSON.stringify rejects with a TypeError, is written as its decimal digits. Strings are written
// as UTF-8 with invalid sequences replaced by U+FFFD.
std::string StringifyJson(const Any& value);
// JSON.parse. Depth is bounded by `max_depth`; errors say where (offset into `text`). Invalid
// UTF-8 in the text is an error; a \u escape of a lone surrogate becomes U+FFFD (a JS string
// could hold it, a UTF-8 string cannot).
Result<Any> ParseJson(std::string_view text, int max_depth = 256);

}  // namespace symphony::crdt
