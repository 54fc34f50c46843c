// Fuzzes the update decoders (mostly v2) with a read sequence chosen by the input.
//
// Input layout: byte 0 = flags (bit 0: use v1 instead of v2), byte 1 = number of ops n (<= 255),
// then n op bytes, then the update bytes.
//
// Invariants:
//  - constructing a decoder and any sequence of reads never crashes, reads out of bounds, or
//    allocates beyond what the input justifies (ASan / the fuzzer's rss limit check these);
//  - errors carry an offset inside the input;
//  - if every read succeeded, writing the values read with the matching encoder and reading the
//    result with the same op sequence gives the same values.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

#include "crdt/codec/update_decoder.h"
#include "crdt/codec/update_encoder.h"
#include "crdt/lib0/encoder.h"

namespace {

using namespace symphony::crdt;  // NOLINT

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
  }
}

using Value = std::variant<uint64_t, ID, std::string, Any, std::vector<uint8_t>>;

constexpr int kNumOps = 17;

// Performs op `op` on `dec`, mirroring it into `enc` when given; returns the value read.
Value Apply(int op, UpdateDecoder& dec, UpdateEncoder* enc) {
  switch (op) {
    case 0: {
      ID id = dec.ReadLeftId();
      if (enc) enc->WriteLeftId(id);
      return id;
    }
    case 1: {
      ID id = dec.ReadRightId();
      if (enc) enc->WriteRightId(id);
      return id;
    }
    case 2: {
      uint64_t c = dec.ReadClient();
      if (enc) enc->WriteClient(c);
      return c;
    }
    case 3: {
      uint8_t i = dec.ReadInfo();
      if (enc) enc->WriteInfo(i);
      return uint64_t{i};
    }
    case 4: {
      std::u16string s = dec.ReadString();
      if (enc) enc->WriteString(s);
      // Compared as UTF-8: v1 can only carry lone surrogates as U+FFFD.
      return lib0::Utf16ToUtf8(s);
    }
    case 5: {
      std::string s = dec.ReadStringUtf8();
      if (enc) enc->WriteStringUtf8(s);
      return s;
    }
    case 6: {
      bool b = dec.ReadParentInfo();
      if (enc) enc->WriteParentInfo(b);
      return uint64_t{b};
    }
    case 7: {
      uint8_t t = dec.ReadTypeRef();
      if (enc) enc->WriteTypeRef(t);
      return uint64_t{t};
    }
    case 8: {
      uint64_t l = dec.ReadLen();
      if (enc) enc->WriteLen(l);
      return l;
    }
    case 9: {
      Any a = dec.ReadAny();
      if (enc) enc->WriteAny(a);
      return a;
    }
    case 10: {
      std::vector<uint8_t> b = dec.ReadBuf();
      if (enc) enc->WriteBuf(b);
      return b;
    }
    case 11: {
      Any a = dec.ReadJson();
      if (enc) enc->WriteJson(a);
      // v1 carries JSON text, which cannot hold -0 or infinities: compare what JS would see.
      if (dec.format() == UpdateFormat::kV1) return StringifyJson(a);
      return a;
    }
    case 12: {
      std::string k = dec.ReadKey();
      if (enc) enc->WriteKey(k);
      return k;
    }
    case 13:
      dec.ResetDsCurVal();
      if (enc) enc->ResetDsCurVal();
      return uint64_t{0};
    case 14: {
      // Clock and len together: an encoder needs len > 0, which a successful read guarantees.
      Clock c = dec.ReadDsClock();
      uint64_t l = dec.ReadDsLen();
      if (enc && !dec.failed()) {
        enc->WriteDsClock(c);
        enc->WriteDsLen(l);
      }
      return ID{c, l};
    }
    case 15: {
      uint64_t v = dec.rest().ReadVarUint();
      if (enc) enc->rest().WriteVarUint(v);
      return v;
    }
    default: {
      uint8_t v = dec.rest().ReadUint8();
      if (enc) enc->rest().WriteUint8(v);
      return uint64_t{v};
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const UpdateFormat fmt = (data[0] & 1) ? UpdateFormat::kV1 : UpdateFormat::kV2;
  const size_t nops = std::min<size_t>(data[1], size - 2);
  const uint8_t* ops = data + 2;
  std::span<const uint8_t> update(data + 2 + nops, size - 2 - nops);

  DecodeLimits limits;
  limits.max_any_depth = 16;
  auto dec = MakeUpdateDecoder(update, fmt, limits);
  if (!dec.ok()) {
    Check(dec.status().has_offset() && dec.status().offset() <= update.size(),
          "constructor error offset in range");
    return 0;
  }
  auto enc = MakeUpdateEncoder(fmt);
  std::vector<Value> values;
  for (size_t i = 0; i < nops; ++i) {
    values.push_back(Apply(ops[i] % kNumOps, **dec, enc.get()));
    if ((*dec)->failed()) break;
  }
  if ((*dec)->failed()) {
    const auto st = (*dec)->status();
    Check(st.has_offset() && st.offset() <= update.size(), "read error offset in range");
    return 0;
  }

  const std::vector<uint8_t> again = enc->Finish();
  auto dec2 = MakeUpdateDecoder(again, fmt, limits);
  Check(dec2.ok(), "re-encoded update constructs a decoder");
  for (size_t i = 0; i < values.size(); ++i) {
    Value v = Apply(ops[i] % kNumOps, **dec2, nullptr);
    Check(!(*dec2)->failed(), "re-encoded update reads back");
    Check(v == values[i], "re-encoded update reads the same values");
  }
  return 0;
}
