// The update codecs against real Yjs output (testdata/update_vectors.txt, made by
// src/crdt/lib0/testdata/gen_vectors.mjs): every update is walked the way Yjs reads it, the
// values read must match what Yjs read, and writing the same calls back must reproduce the
// update byte for byte.
#include <gtest/gtest.h>

#include <random>

#include "crdt/codec/update_decoder.h"
#include "crdt/codec/update_encoder.h"
#include "crdt/lib0/test_util.h"

namespace symphony::crdt {
namespace {

using testing::FromHex;
using testing::LoadVectors;
using testing::ToHex;

constexpr char kVectors[] = "src/crdt/codec/testdata/update_vectors.txt";

std::string Quote(const std::string& s) { return StringifyJson(Any::String(s)); }
std::string IdStr(ID id) { return std::to_string(id.client) + ":" + std::to_string(id.clock); }

// Mirrors `walk` in gen_vectors.mjs; every value read is also written to `enc` (if given) and
// logged. Reading strings as UTF-16 or UTF-8 is chosen by `utf16`. Stops at the first error or
// after `budget` structs.
std::string Walk(UpdateDecoder& dec, UpdateEncoder* enc, bool utf16, uint64_t budget = ~0ull) {
  std::string log;
  auto line = [&](const std::string& s) {
    if (!log.empty()) log += "\n";
    log += s;
  };
  auto read_string = [&]() -> std::string {
    if (utf16) {
      std::u16string s = dec.ReadString();
      if (enc) enc->WriteString(s);
      return lib0::Utf16ToUtf8(s);
    }
    std::string s = dec.ReadStringUtf8();
    if (enc) enc->WriteStringUtf8(s);
    return s;
  };
  auto rest_uint = [&]() {
    uint64_t v = dec.rest().ReadVarUint();
    if (enc) enc->rest().WriteVarUint(v);
    return v;
  };
  const uint64_t num_clients = rest_uint();
  line("clients " + std::to_string(num_clients));
  for (uint64_t c = 0; c < num_clients && !dec.failed(); ++c) {
    const uint64_t num_structs = rest_uint();
    const ClientId client = dec.ReadClient();
    if (enc) enc->WriteClient(client);
    const uint64_t clock = rest_uint();
    line("structs " + std::to_string(num_structs) + " client " + std::to_string(client) +
         " clock " + std::to_string(clock));
    for (uint64_t i = 0; i < num_structs && !dec.failed(); ++i) {
      if (budget-- == 0) return log;
      const uint8_t info = dec.ReadInfo();
      if (enc) enc->WriteInfo(info);
      const int ref = info & 31;
      if (ref == 0) {
        const uint64_t len = dec.ReadLen();
        if (enc) enc->WriteLen(len);
        line("gc " + std::to_string(len));
        continue;
      }
      if (ref == 10) {
        line("skip " + std::to_string(rest_uint()));
        continue;
      }
      line("item " + std::to_string(info));
      if (info & 128) {
        ID id = dec.ReadLeftId();
        if (enc) enc->WriteLeftId(id);
        line("origin " + IdStr(id));
      }
      if (info & 64) {
        ID id = dec.ReadRightId();
        if (enc) enc->WriteRightId(id);
        line("rorigin " + IdStr(id));
      }
      if ((info & 192) == 0) {
        const bool ykey = dec.ReadParentInfo();
        if (enc) enc->WriteParentInfo(ykey);
        if (ykey) {
          line("parentkey " + Quote(read_string()));
        } else {
          ID id = dec.ReadLeftId();
          if (enc) enc->WriteLeftId(id);
          line("parentid " + IdStr(id));
        }
        if (info & 32) line("parentsub " + Quote(read_string()));
      }
      switch (ref) {
        case 1: {
          const uint64_t len = dec.ReadLen();
          if (enc) enc->WriteLen(len);
          line("deleted " + std::to_string(len));
          break;
        }
        case 2: {
          const uint64_t len = dec.ReadLen();
          if (enc) enc->WriteLen(len);
          line("json " + std::to_string(len));
          for (uint64_t j = 0; j < len && !dec.failed(); ++j) line("jsonstr " + Quote(read_string()));
          break;
        }
        case 3: {
          std::vector<uint8_t> b = dec.ReadBuf();
          if (enc) enc->WriteBuf(b);
          line("binary " + ToHex(b));
          break;
        }
        case 4:
          line("string " + Quote(read_string()));
          break;
        case 5: {
          Any v = dec.ReadJson();
          if (enc) enc->WriteJson(v);
          line("embed " + StringifyJson(v));
          break;
        }
        case 6: {
          std::string key = dec.ReadKey();
          if (enc) enc->WriteKey(key);
          Any v = dec.ReadJson();
          if (enc) enc->WriteJson(v);
          line("format " + Quote(key) + " " + StringifyJson(v));
          break;
        }
        case 7: {
          const uint8_t t = dec.ReadTypeRef();
          if (enc) enc->WriteTypeRef(t);
          if (t == 3 || t == 5) {
            std::string key = dec.ReadKey();
            if (enc) enc->WriteKey(key);
            line("type " + std::to_string(t) + " " + Quote(key));
          } else {
            line("type " + std::to_string(t));
          }
          break;
        }
        case 8: {
          const uint64_t len = dec.ReadLen();
          if (enc) enc->WriteLen(len);
          line("any " + std::to_string(len));
          for (uint64_t j = 0; j < len && !dec.failed(); ++j) {
            Any v = dec.ReadAny();
            if (enc) enc->WriteAny(v);
            line("anyval " + StringifyJson(v));
          }
          break;
        }
        case 9: {
          std::string guid = read_string();
          Any opts = dec.ReadAny();
          if (enc) enc->WriteAny(opts);
          line("doc " + Quote(guid) + " " + StringifyJson(opts));
          break;
        }
        default:
          line("bad ref " + std::to_string(ref));
          return log;
      }
    }
  }
  const uint64_t ds_clients = rest_uint();
  line("ds " + std::to_string(ds_clients));
  for (uint64_t i = 0; i < ds_clients && !dec.failed(); ++i) {
    dec.ResetDsCurVal();
    if (enc) enc->ResetDsCurVal();
    const uint64_t client = rest_uint();
    const uint64_t n = rest_uint();
    line("dsclient " + std::to_string(client) + " " + std::to_string(n));
    for (uint64_t j = 0; j < n && !dec.failed(); ++j) {
      const Clock clock = dec.ReadDsClock();
      const uint64_t len = dec.ReadDsLen();
      if (enc && !dec.failed()) {
        enc->WriteDsClock(clock);
        enc->WriteDsLen(len);
      }
      line("del " + std::to_string(clock) + " " + std::to_string(len));
    }
  }
  return log;
}

struct UpdateVector {
  std::string name;
  std::vector<uint8_t> bytes[2];  // v1, v2
  std::string log[2];
};

std::vector<UpdateVector> LoadUpdates() {
  std::vector<UpdateVector> out;
  for (const auto& f : LoadVectors(kVectors, "update")) {
    UpdateVector v;
    v.name = f[1];
    v.bytes[0] = FromHex(f[2]);
    v.bytes[1] = FromHex(f[3]);
    auto l1 = FromHex(f[4]);
    auto l2 = FromHex(f[5]);
    v.log[0].assign(l1.begin(), l1.end());
    v.log[1].assign(l2.begin(), l2.end());
    out.push_back(std::move(v));
  }
  return out;
}

TEST(UpdateCodec, VectorsPresent) { EXPECT_GE(LoadUpdates().size(), 8u); }

TEST(UpdateCodec, YjsUpdatesDecodeAndReencodeExactly) {
  for (const auto& v : LoadUpdates()) {
    for (int f = 0; f < 2; ++f) {
      const UpdateFormat fmt = f == 0 ? UpdateFormat::kV1 : UpdateFormat::kV2;
      for (bool utf16 : {true, false}) {
        SCOPED_TRACE(v.name + (f == 0 ? " v1" : " v2") + (utf16 ? " utf16" : " utf8"));
        auto dec = MakeUpdateDecoder(v.bytes[f], fmt);
        ASSERT_TRUE(dec.ok()) << dec.status().ToString();
        auto enc = MakeUpdateEncoder(fmt);
        EXPECT_EQ(enc->format(), fmt);
        const std::string log = Walk(**dec, enc.get(), utf16);
        EXPECT_TRUE((*dec)->status().ok()) << (*dec)->status().ToString();
        EXPECT_FALSE((*dec)->rest().has_content());
        EXPECT_EQ(log, v.log[f]);
        EXPECT_EQ(ToHex(enc->Finish()), ToHex(v.bytes[f]));
      }
    }
  }
}

TEST(UpdateCodec, ConcreteDecodersOnTheStack) {
  for (const auto& v : LoadUpdates()) {
    SCOPED_TRACE(v.name);
    UpdateDecoderV1 d1(v.bytes[0]);
    UpdateEncoderV1 e1;
    EXPECT_EQ(Walk(d1, &e1, false), v.log[0]);
    EXPECT_FALSE(d1.failed());
    EXPECT_EQ(e1.Finish(), v.bytes[0]);
    UpdateDecoderV2 d2(v.bytes[1]);
    UpdateEncoderV2 e2;
    EXPECT_EQ(Walk(d2, &e2, false), v.log[1]);
    EXPECT_FALSE(d2.failed());
    EXPECT_EQ(e2.Finish(), v.bytes[1]);
  }
  // A malformed v2 header shows as failed() right away.
  const std::vector<uint8_t> header = {0, 9};
  UpdateDecoderV2 bad(header);
  EXPECT_TRUE(bad.failed());
  EXPECT_EQ(bad.status().code(), StatusCode::kOverflow);
}

TEST(UpdateCodec, TruncatedUpdatesFailCleanly) {
  for (const auto& v : LoadUpdates()) {
    for (int f = 0; f < 2; ++f) {
      const UpdateFormat fmt = f == 0 ? UpdateFormat::kV1 : UpdateFormat::kV2;
      for (size_t n = 0; n < v.bytes[f].size(); ++n) {
        std::vector<uint8_t> cut(v.bytes[f].begin(), v.bytes[f].begin() + static_cast<ptrdiff_t>(n));
        auto dec = MakeUpdateDecoder(cut, fmt);
        if (!dec.ok()) {
          EXPECT_TRUE(dec.status().has_offset());
          continue;
        }
        Walk(**dec, nullptr, n % 2 == 0);
        // A strict prefix never decodes to the complete walk.
        EXPECT_TRUE((*dec)->failed()) << v.name << " v" << f + 1 << " cut at " << n;
        if ((*dec)->failed()) {
          const Status st = (*dec)->status();
          EXPECT_TRUE(st.has_offset());
          EXPECT_LE(st.offset(), v.bytes[f].size());
        }
      }
    }
  }
}

TEST(UpdateCodec, MutatedUpdatesNeverCrash) {
  std::mt19937 rng(1234);
  for (const auto& v : LoadUpdates()) {
    for (int f = 0; f < 2; ++f) {
      const UpdateFormat fmt = f == 0 ? UpdateFormat::kV1 : UpdateFormat::kV2;
      if (v.bytes[f].empty()) continue;
      for (int iter = 0; iter < 300; ++iter) {
        std::vector<uint8_t> b = v.bytes[f];
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < flips; ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
        auto dec = MakeUpdateDecoder(b, fmt);
        if (!dec.ok()) continue;
        Walk(**dec, nullptr, iter % 2 == 0, /*budget=*/10000);
      }
    }
  }
}

// Direct call sequences: our encoders must write what Yjs's encoders write, and the decoders
// must read the values back.
TEST(UpdateCodec, EncoderCallsMatchYjs) {
  const auto vectors = LoadVectors(kVectors, "calls");
  ASSERT_GE(vectors.size(), 3u);
  for (const auto& f : vectors) {
    auto json_bytes = FromHex(f[1]);
    Result<Any> calls = ParseJson(std::string(json_bytes.begin(), json_bytes.end()));
    ASSERT_TRUE(calls.ok());
    for (int fi = 0; fi < 2; ++fi) {
      const UpdateFormat fmt = fi == 0 ? UpdateFormat::kV1 : UpdateFormat::kV2;
      SCOPED_TRACE(fi == 0 ? "v1" : "v2");
      auto enc = MakeUpdateEncoder(fmt);
      for (const Any& call : calls->as_array()) {
        const auto& a = call.as_array();
        const std::string& op = a[0].as_string();
        auto num = [&](size_t i) { return static_cast<uint64_t>(a[i].as_number()); };
        if (op == "client") enc->WriteClient(num(1));
        else if (op == "info") enc->WriteInfo(static_cast<uint8_t>(num(1)));
        else if (op == "leftId") enc->WriteLeftId({num(1), num(2)});
        else if (op == "rightId") enc->WriteRightId({num(1), num(2)});
        else if (op == "string") enc->WriteStringUtf8(a[1].as_string());
        else if (op == "parentInfo") enc->WriteParentInfo(a[1].as_bool());
        else if (op == "typeRef") enc->WriteTypeRef(static_cast<uint8_t>(num(1)));
        else if (op == "len") enc->WriteLen(num(1));
        else if (op == "any") enc->WriteAny(a[1]);
        else if (op == "buf") {
          std::vector<uint8_t> b;
          for (const Any& x : a[1].as_array()) b.push_back(static_cast<uint8_t>(x.as_number()));
          enc->WriteBuf(b);
        } else if (op == "json") enc->WriteJson(a[1]);
        else if (op == "key") enc->WriteKey(a[1].as_string());
        else if (op == "resetDs") enc->ResetDsCurVal();
        else if (op == "dsClock") enc->WriteDsClock(num(1));
        else if (op == "dsLen") enc->WriteDsLen(num(1));
        else FAIL() << op;
      }
      const std::vector<uint8_t> bytes = enc->Finish();
      EXPECT_EQ(ToHex(bytes), f[2 + fi]);

      auto dec_r = MakeUpdateDecoder(bytes, fmt);
      ASSERT_TRUE(dec_r.ok()) << dec_r.status().ToString();
      UpdateDecoder& dec = **dec_r;
      for (const Any& call : calls->as_array()) {
        const auto& a = call.as_array();
        const std::string& op = a[0].as_string();
        auto num = [&](size_t i) { return static_cast<uint64_t>(a[i].as_number()); };
        if (op == "client") {
          EXPECT_EQ(dec.ReadClient(), num(1));
        } else if (op == "info") {
          EXPECT_EQ(dec.ReadInfo(), num(1));
        } else if (op == "leftId") {
          EXPECT_EQ(dec.ReadLeftId(), (ID{num(1), num(2)}));
        } else if (op == "rightId") {
          EXPECT_EQ(dec.ReadRightId(), (ID{num(1), num(2)}));
        } else if (op == "string") {
          EXPECT_EQ(dec.ReadStringUtf8(), a[1].as_string());
        } else if (op == "parentInfo") {
          EXPECT_EQ(dec.ReadParentInfo(), a[1].as_bool());
        } else if (op == "typeRef") {
          EXPECT_EQ(dec.ReadTypeRef(), num(1));
        } else if (op == "len") {
          EXPECT_EQ(dec.ReadLen(), num(1));
        } else if (op == "any") {
          EXPECT_EQ(dec.ReadAny(), a[1]);
        } else if (op == "buf") {
          EXPECT_EQ(dec.ReadBuf().size(), a[1].as_array().size());
        } else if (op == "json") {
          EXPECT_EQ(dec.ReadJson(), a[1]);
        } else if (op == "key") {
          EXPECT_EQ(dec.ReadKey(), a[1].as_string());
        } else if (op == "resetDs") {
          dec.ResetDsCurVal();
        } else if (op == "dsClock") {
          EXPECT_EQ(dec.ReadDsClock(), num(1));
        } else if (op == "dsLen") {
          EXPECT_EQ(dec.ReadDsLen(), num(1));
        }
      }
      EXPECT_TRUE(dec.status().ok()) << dec.status().ToString();
      EXPECT_FALSE(dec.rest().has_content());
    }
  }
}

TEST(UpdateCodec, V2KeyBackReference) {
  // Yjs never writes back-references, but its decoder resolves them: a key clock below the
  // number of keys read so far names an earlier key.
  lib0::IntDiffOptRleEncoder clocks;
  for (int64_t c : {0, 1, 0, 1, 2}) clocks.Write(c);
  lib0::StringEncoder strings;
  for (const char* s : {"a", "b", "c"}) strings.Write(std::string_view(s));
  lib0::Encoder e;
  e.WriteVarUint(0);
  e.WriteVarUint8Array(clocks.Finish());
  for (int i = 0; i < 4; ++i) e.WriteVarUint(0);  // client, left, right, info
  e.WriteVarUint8Array(strings.Finish());
  for (int i = 0; i < 3; ++i) e.WriteVarUint(0);  // parent info, type ref, len
  auto dec = MakeUpdateDecoder(e.bytes(), UpdateFormat::kV2);
  ASSERT_TRUE(dec.ok());
  std::string got;
  for (int i = 0; i < 5; ++i) got += (*dec)->ReadKey();
  EXPECT_EQ(got, "abab" "c");
  EXPECT_TRUE((*dec)->status().ok());
}

TEST(UpdateCodec, V1JsonErrorsCarryOffsets) {
  lib0::Encoder e;
  e.WriteUint8(7);
  e.WriteVarString(std::string_view("{\"a\":}"));
  auto dec = MakeUpdateDecoder(e.bytes(), UpdateFormat::kV1);
  ASSERT_TRUE(dec.ok());
  (*dec)->ReadInfo();
  (*dec)->ReadJson();
  ASSERT_TRUE((*dec)->failed());
  EXPECT_EQ((*dec)->status().code(), StatusCode::kInvalid);
  EXPECT_EQ((*dec)->status().offset(), 2u + 5u);  // info, length, then the '}' inside the text
}

TEST(UpdateCodec, V2HeaderErrors) {
  // Column length past the end.
  const std::vector<uint8_t> bad = {0, 5, 1, 2};
  auto dec = MakeUpdateDecoder(bad, UpdateFormat::kV2);
  ASSERT_FALSE(dec.ok());
  EXPECT_EQ(dec.status().code(), StatusCode::kOverflow);
  EXPECT_EQ(dec.status().offset(), 1u);
  // Missing columns.
  auto dec2 = MakeUpdateDecoder(std::vector<uint8_t>{0, 0, 0}, UpdateFormat::kV2);
  ASSERT_FALSE(dec2.ok());
  EXPECT_EQ(dec2.status().code(), StatusCode::kTruncated);
  // Invalid UTF-8 in the string column.
  std::vector<uint8_t> badstr = {0, 0, 0, 0, 0, 0, 3, 2, 0xC3, 0x28, 0, 0, 0};
  auto dec3 = MakeUpdateDecoder(badstr, UpdateFormat::kV2);
  ASSERT_FALSE(dec3.ok());
  EXPECT_EQ(dec3.status().code(), StatusCode::kInvalid);
}

TEST(UpdateCodec, V2DeleteSetEncoding) {
  for (UpdateFormat fmt : {UpdateFormat::kV1, UpdateFormat::kV2}) {
    auto enc = MakeDsEncoder(fmt);
    enc->rest().WriteVarUint(1);
    enc->ResetDsCurVal();
    enc->WriteDsClock(5);
    enc->WriteDsLen(3);
    enc->WriteDsClock(10);
    enc->WriteDsLen(1);
    auto bytes = enc->Finish();
    if (fmt == UpdateFormat::kV1) {
      EXPECT_EQ(ToHex(bytes), "01" "05" "03" "0a" "01");
    } else {
      // Clock diffs from the previous clock + len; len - 1.
      EXPECT_EQ(ToHex(bytes), "01" "05" "02" "02" "00");
    }
    auto dec = MakeDsDecoder(bytes, fmt);
    EXPECT_EQ(dec->rest().ReadVarUint(), 1u);
    dec->ResetDsCurVal();
    EXPECT_EQ(dec->ReadDsClock(), 5u);
    EXPECT_EQ(dec->ReadDsLen(), 3u);
    EXPECT_EQ(dec->ReadDsClock(), 10u);
    EXPECT_EQ(dec->ReadDsLen(), 1u);
    EXPECT_TRUE(dec->status().ok());
  }
}

TEST(UpdateCodec, V2NegativeClockIsAnError) {
  lib0::IntDiffOptRleEncoder left;
  left.Write(-3);
  lib0::UintOptRleEncoder client;
  client.Write(1);
  lib0::Encoder e;
  e.WriteVarUint(0);
  e.WriteVarUint8Array({});
  e.WriteVarUint8Array(client.Finish());
  e.WriteVarUint8Array(left.Finish());
  e.WriteVarUint8Array({});
  e.WriteVarUint8Array({});
  e.WriteVarUint(1);  // string column: empty string
  e.WriteVarUint(0);
  for (int i = 0; i < 3; ++i) e.WriteVarUint(0);
  auto dec = MakeUpdateDecoder(e.bytes(), UpdateFormat::kV2);
  ASSERT_TRUE(dec.ok()) << dec.status().ToString();
  (*dec)->ReadLeftId();
  EXPECT_TRUE((*dec)->failed());
  EXPECT_EQ((*dec)->status().code(), StatusCode::kInvalid);
}

}  // namespace
}  // namespace symphony::crdt
