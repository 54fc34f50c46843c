// Helpers shared by the types/ tests (not part of the library).
#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "crdt/doc.h"
#include "crdt/lib0/any.h"
#include "crdt/types/abstract_type.h"
#include "support/hex.h"

namespace symphony::crdt::testing {

inline constexpr ClientId kClient = 1234567;

inline DocOptions Opts(ClientId client) {
  DocOptions o;
  o.client_id = client;
  return o;
}

inline std::string Hex(std::span<const uint8_t> bytes) {
  return symphony::testing::ToHex(bytes);
}
using symphony::testing::FromHex;

// 64-bit FNV-1a as 16 hex digits (gen_type_vectors.mjs's fnv1a64).
inline std::string Fnv1a64(std::span<const uint8_t> bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}
inline std::string Fnv1a64(std::string_view s) {
  return Fnv1a64(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

// gen_type_vectors.mjs's XorShift32.
class XorShift32 {
 public:
  explicit XorShift32(uint32_t seed) : x_(seed) {}
  uint32_t Next() {
    x_ ^= x_ << 13;
    x_ ^= x_ >> 17;
    x_ ^= x_ << 5;
    return x_;
  }
  uint32_t Below(uint64_t n) { return n == 0 ? 0 : static_cast<uint32_t>(Next() % n); }

 private:
  uint32_t x_;
};

// An object literal, keys in the given order (JS order rules applied by Any::Set).
inline Any Obj(std::initializer_list<std::pair<const char*, Any>> entries) {
  Any o = Any::MakeObject();
  for (const auto& [k, v] : entries) o.Set(k, v);
  return o;
}
inline Any Str(const char* s) { return Any::String(s); }
inline Any Num(double d) { return Any::Number(d); }

// JSON.stringify({root: root.toJSON(), ...}) over the doc's roots in creation order.
inline std::string JsonView(const Doc& doc) {
  Any out = Any::MakeObject();
  for (const auto& [name, type] : doc.share()) out.Set(name, type->ToJson());
  return StringifyJson(out);
}

}  // namespace symphony::crdt::testing
