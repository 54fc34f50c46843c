#include "bench/whiteboard.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "crdt/content.h"
#include "crdt/item.h"
#include "crdt/lib0/any.h"
#include "crdt/struct_store.h"
#include "crdt/transaction.h"
#include "crdt/types/array.h"
#include "crdt/lib0/decoder.h"
#include "crdt/lib0/encoder.h"

namespace symphony::bench {

namespace {

std::optional<int64_t> SentOf(const crdt::Any& value) {
  if (value.type() != crdt::Any::Type::kObject) return std::nullopt;
  const crdt::Any* t = value.Get("t");
  if (t == nullptr || t->type() != crdt::Any::Type::kNumber || !(t->as_number() > 0)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(t->as_number());
}

}  // namespace

std::string UserColor(uint32_t user) {
  // Spread hues with a multiplicative hash; keep channels mid-range so strokes stay visible.
  const uint32_t h = user * 2654435761u;
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", 0x30 + (h >> 24) % 0xa0, 0x30 + (h >> 16) % 0xa0,
                0x30 + (h >> 8) % 0xa0);
  return buf;
}

std::vector<uint8_t> PushStroke(crdt::Doc& doc, uint32_t user, uint64_t seq, int64_t sent_us,
                                std::mt19937_64& rng) {
  std::uniform_int_distribution<int> count(8, 16);
  std::uniform_int_distribution<int> coord(0, 1999);
  std::uniform_int_distribution<int> step(-24, 24);
  crdt::Any::Array points;
  int x = coord(rng), y = coord(rng);
  for (int i = count(rng); i > 0; --i) {
    points.push_back(crdt::Any::MakeArray({crdt::Any::Number(x), crdt::Any::Number(y)}));
    x += step(rng);
    y += step(rng);
  }
  crdt::Any stroke = crdt::Any::MakeObject();
  stroke.Set("id", crdt::Any::String("u" + std::to_string(user) + "-" + std::to_string(seq)));
  stroke.Set("user", crdt::Any::Number(user));
  stroke.Set("color", crdt::Any::String(UserColor(user)));
  stroke.Set("width", crdt::Any::Number(1 + static_cast<double>(seq % 6)));
  stroke.Set("points", crdt::Any::MakeArray(std::move(points)));
  stroke.Set("t", crdt::Any::Number(static_cast<double>(sent_us)));

  std::vector<uint8_t> update;
  const int handle = doc.OnUpdate([&update](std::span<const uint8_t> u, crdt::Transaction&) {
    update.assign(u.begin(), u.end());
  });
  crdt::Array strokes = doc.GetArray(kStrokesRoot);
  doc.Transact([&](crdt::Transaction& tr) { strokes.Push(tr, {stroke}); });
  doc.OffUpdate(handle);
  return update;
}

std::vector<int64_t> RemoteStrokeTimes(crdt::Transaction& tr, crdt::ClientId own) {
  std::vector<int64_t> out;
  const crdt::StructStore& store = tr.doc().store();
  for (const auto& [client, before] : tr.before_changed) {
    if (client == own) continue;
    const crdt::Clock after = store.GetState(client);
    for (crdt::Clock clock = before; clock < after;) {
      crdt::Item* item = store.Find(crdt::ID{client, clock});
      if (item == nullptr || item->length == 0 || item->id.clock > clock) break;
      const crdt::Clock end = std::min(after, item->id.clock + item->length);
      if (item->is_item() && item->content.is<crdt::AnyContent>()) {
        const auto& arr = item->content.as<crdt::AnyContent>().arr;
        for (crdt::Clock c = clock; c < end; ++c) {
          const uint64_t i = c - item->id.clock;
          if (i >= arr.size()) break;
          if (std::optional<int64_t> t = SentOf(arr[i])) out.push_back(*t);
        }
      }
      clock = end;
    }
  }
  return out;
}

crdt::Clock& SeenClocks::operator[](crdt::ClientId client) {
  auto it = std::lower_bound(ends_.begin(), ends_.end(), client,
                             [](const auto& e, crdt::ClientId c) { return e.first < c; });
  if (it == ends_.end() || it->first != client) it = ends_.insert(it, {client, 0});
  return it->second;
}

namespace {

// One Any of a ContentAny: an object's "t" if it is a positive number; the rest is skipped.
std::optional<int64_t> ReadStrokeTime(crdt::lib0::Decoder& d) {
  crdt::lib0::Decoder probe = d;
  if (probe.ReadUint8() != 118) {  // not an object
    d.SkipAny();
    return std::nullopt;
  }
  (void)d.ReadUint8();
  const uint64_t entries = d.ReadVarUint();
  if (entries > d.remaining() / 2) {
    d.Fail(StatusCode::kOverflow, "stroke object longer than the update");
    return std::nullopt;
  }
  std::optional<int64_t> sent;
  for (uint64_t i = 0; i < entries && !d.failed(); ++i) {
    const bool is_t = d.ReadVarStringView() == "t";
    probe = d;
    const uint8_t tag = probe.ReadUint8();
    if (!is_t || (tag != 123 && tag != 125)) {
      d.SkipAny(63);
      if (is_t) sent.reset();  // a later "t" wins, as in JS
      continue;
    }
    (void)d.ReadUint8();
    const double t = tag == 123 ? d.ReadFloat64() : static_cast<double>(d.ReadVarInt());
    sent = t > 0 ? std::optional<int64_t>(static_cast<int64_t>(t)) : std::nullopt;
  }
  return sent;
}

}  // namespace

Result<StrokeScan> ScanStrokes(std::span<const uint8_t> update, crdt::ClientId own,
                               SeenClocks* seen) {
  // The v1 struct layout (Yjs writeStructs): per client, its structs from a start clock; each
  // struct an info byte, then origins / parent as the info bits say, then its content.
  crdt::lib0::Decoder d(update);
  StrokeScan scan;
  const uint64_t clients = d.ReadVarUint();
  for (uint64_t c = 0; c < clients && !d.failed(); ++c) {
    const uint64_t structs = d.ReadVarUint();
    const crdt::ClientId client = d.ReadVarUint();
    crdt::Clock clock = d.ReadVarUint();
    if (structs > d.remaining()) return Status(StatusCode::kOverflow, "more structs than bytes");
    crdt::Clock* next = client == own ? nullptr : &(*seen)[client];
    auto skip_id = [&d] {
      (void)d.ReadVarUint();  // client
      (void)d.ReadVarUint();  // clock
    };
    for (uint64_t k = 0; k < structs && !d.failed(); ++k) {
      const uint8_t info = d.ReadUint8();
      const uint8_t ref = info & 0x1f;
      uint64_t length = 1;
      if (info == 10) {  // Skip: a gap, not content
        clock += d.ReadVarUint();
        continue;
      }
      if (ref == 0) {  // GC: content gone, clocks used
        length = d.ReadVarUint();
      } else {
        if (info & 0x80) skip_id();  // origin
        if (info & 0x40) skip_id();  // right origin
        if ((info & 0xc0) == 0) {
          if (d.ReadVarUint() == 1) {
            (void)d.ReadVarStringView();  // root type name
          } else {
            skip_id();  // parent item
          }
          if (info & 0x20) (void)d.ReadVarStringView();  // map key
        }
      }
      switch (ref) {
        case 0:
          break;
        case 1:  // deleted
          length = d.ReadVarUint();
          break;
        case 2:  // JSON
          length = d.ReadVarUint();
          if (length > d.remaining()) return Status(StatusCode::kOverflow, "JSON past the end");
          for (uint64_t i = 0; i < length; ++i) (void)d.ReadVarStringView();
          break;
        case 3:  // binary
          (void)d.ReadVarUint8Array();
          break;
        case 4:  // string: its length counts UTF-16 units
          length = crdt::lib0::Utf16Length(d.ReadVarStringView());
          break;
        case 5:  // embed
          (void)d.ReadVarStringView();
          break;
        case 6:  // format: key and value
          (void)d.ReadVarStringView();
          (void)d.ReadVarStringView();
          break;
        case 7: {  // type
          const uint64_t type_ref = d.ReadVarUint();
          if (type_ref == 3 || type_ref == 5) (void)d.ReadVarStringView();  // XML tag / hook name
          break;
        }
        case 8: {  // Any: the strokes
          length = d.ReadVarUint();
          if (length > d.remaining()) return Status(StatusCode::kOverflow, "Any past the end");
          const uint64_t first = next != nullptr && *next > clock ? *next - clock : 0;
          for (uint64_t i = 0; i < length && !d.failed(); ++i) {
            if (next == nullptr || i < first) {
              d.SkipAny();
            } else if (std::optional<int64_t> t = ReadStrokeTime(d)) {
              scan.times.push_back(*t);
            }
          }
          break;
        }
        case 9:  // subdocument
          (void)d.ReadVarStringView();
          d.SkipAny();
          break;
        default:
          return Status(StatusCode::kInvalid, "unknown content type " + std::to_string(ref));
      }
      clock += length;
      if (next == nullptr) {
        scan.own_end = std::max(scan.own_end, clock);
      } else {
        *next = std::max(*next, clock);
      }
    }
  }
  if (d.failed()) return d.status();
  return scan;
}

std::string PresenceJson(uint32_t user, int x, int y, int64_t sent_us) {
  return R"({"user":{"name":"u)" + std::to_string(user) + R"(","color":")" + UserColor(user) +
         R"("},"cursor":{"x":)" + std::to_string(x) + R"(,"y":)" + std::to_string(y) + R"(},"t":)" +
         std::to_string(sent_us) + "}";
}

std::optional<int64_t> PresenceSentMicros(std::string_view state_json) {
  // Fast path for the states we write: valid JSON ending in "t":<digits>} has "t" as the last
  // (so winning) member of the top-level object: the final '}' closes it, and a string followed
  // by ':' is a key. Anything else is parsed in full.
  constexpr std::string_view kKey = "\"t\":";
  const size_t key = state_json.rfind(kKey);
  if (key != std::string_view::npos && state_json.size() >= key + kKey.size() + 2 &&
      state_json.back() == '}') {
    const std::string_view digits =
        state_json.substr(key + kKey.size(), state_json.size() - 1 - key - kKey.size());
    int64_t t = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), t);
    if (ec == std::errc() && end == digits.data() + digits.size() && digits[0] != '-' &&
        (digits[0] != '0' || digits.size() == 1)) {
      return t > 0 ? std::optional<int64_t>(t) : std::nullopt;
    }
  }
  Result<crdt::Any> v = crdt::ParseJson(state_json, 16);
  if (!v.ok()) return std::nullopt;
  return SentOf(v.value());
}

}  // namespace symphony::bench
