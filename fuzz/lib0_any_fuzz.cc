// Fuzzes lib0 readAny and JSON parse / stringify over the same input.
//
// Invariants:
//  - SkipAny consumes the same bytes as readAny and fails with the same error.
//  - readAny on arbitrary bytes never crashes; a value it accepts re-encodes to bytes that decode
//    to an equal value, and re-encoding that gives the same bytes (writeAny is canonical).
//  - JSON.stringify output always parses, and stringify(parse(x)) is a fixpoint.
//  - JSON.parse on arbitrary text never crashes; what it accepts survives writeAny / readAny.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crdt/lib0/any.h"
#include "crdt/lib0/decoder.h"
#include "crdt/lib0/encoder.h"

namespace {

using symphony::crdt::Any;
using symphony::crdt::ParseJson;
using symphony::crdt::StringifyJson;
using symphony::crdt::lib0::Decoder;
using symphony::crdt::lib0::Encoder;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
  }
}

void CheckAnyRoundTrip(const Any& v) {
  Encoder e;
  e.WriteAny(v);
  Decoder d(e.bytes());
  Any back = d.ReadAny(1 << 20);
  Check(!d.failed(), "writeAny output decodes");
  Check(!d.has_content(), "readAny consumes all of writeAny's output");
  Check(back == v, "readAny(writeAny(v)) == v");
  Encoder e2;
  e2.WriteAny(back);
  Check(e2.bytes() == e.bytes(), "writeAny is canonical");
}

void CheckJsonFixpoint(const Any& v) {
  const std::string s1 = StringifyJson(v);
  if (v.is_undefined()) return;  // "undefined" is not JSON
  auto p1 = ParseJson(s1, 1 << 20);
  Check(p1.ok(), "stringify output parses");
  const std::string s2 = StringifyJson(*p1);
  auto p2 = ParseJson(s2, 1 << 20);
  Check(p2.ok(), "stringify output parses (2)");
  Check(StringifyJson(*p2) == s2, "stringify(parse(x)) is a fixpoint");
}

bool HasProtoKey(const Any& v) {
  for (const Any& e : v.as_array()) {
    if (HasProtoKey(e)) return true;
  }
  for (const auto& [k, e] : v.as_object()) {
    if (k == "__proto__" || HasProtoKey(e)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    Decoder d({data, size});
    Any v = d.ReadAny();
    Decoder skip({data, size});
    skip.SkipAny();
    Check(skip.failed() == d.failed(), "SkipAny fails exactly when ReadAny fails");
    Check(skip.pos() == d.pos() || d.failed(), "SkipAny consumes what ReadAny consumes");
    Check(!d.failed() || skip.status().ToString() == d.status().ToString(),
          "SkipAny reports ReadAny's error");
    if (!d.failed()) {
      CheckAnyRoundTrip(v);
      CheckJsonFixpoint(v);
    } else {
      Check(d.status().has_offset() && d.status().offset() <= size, "error offset in range");
    }
  }
  {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto v = ParseJson(text, 64);
    if (v.ok()) {
      // readAny drops "__proto__" keys (JS assignment semantics), JSON.parse keeps them.
      if (!HasProtoKey(*v)) CheckAnyRoundTrip(*v);
      CheckJsonFixpoint(*v);
    } else {
      Check(v.status().has_offset() && v.status().offset() <= size, "JSON error offset in range");
    }
  }
  return 0;
}
