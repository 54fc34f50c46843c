#include "crdt/snapshot.h"

#include <algorithm>
#include <utility>

#include "crdt/codec/update_decoder.h"
#include "crdt/item.h"
#include "crdt/lib0/decoder.h"
#include "crdt/struct_store.h"
#include "crdt/types/abstract_type.h"
#include "crdt/updates.h"

namespace symphony::crdt {

namespace {

std::vector<std::pair<ClientId, Clock>> SortedDescending(const StateVector& sv) {
  std::vector<std::pair<ClientId, Clock>> entries(sv.begin(), sv.end());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  return entries;
}

// Writes the first `len` units of item `s` (0 < len < s.length) as the left half of a split
// would be written: same origins and parent, shortened content.
void WritePrefix(const Item& s, uint64_t len, UpdateEncoder& enc) {
  Item part;
  part.id = s.id;
  part.kind = s.kind;
  part.info = s.info;
  part.has_origin = s.has_origin;
  part.origin = s.origin;
  part.has_right_origin = s.has_right_origin;
  part.right_origin = s.right_origin;
  part.parent_kind = s.parent_kind;
  part.parent = s.parent;
  part.parent_id = s.parent_id;
  part.parent_name = s.parent_name;
  part.parent_sub = s.parent_sub;
  part.content = s.content.Copy();
  (void)part.content.Splice(len);
  part.length = len;
  part.Write(enc, 0);
}

}  // namespace

Snapshot CreateSnapshot(const Doc& doc) {
  return Snapshot{DeleteSet::FromStore(doc.store()), doc.GetStateVector()};
}

std::vector<uint8_t> EncodeSnapshot(const Snapshot& snapshot, UpdateFormat format) {
  auto enc = MakeDsEncoder(format);
  snapshot.ds.Write(*enc);
  lib0::Encoder& rest = enc->rest();
  rest.WriteVarUint(snapshot.sv.size());
  for (const auto& [client, clock] : SortedDescending(snapshot.sv)) {
    rest.WriteVarUint(client);
    rest.WriteVarUint(clock);
  }
  return enc->Finish();
}

Result<Snapshot> DecodeSnapshot(std::span<const uint8_t> bytes, UpdateFormat format) {
  auto dec = MakeDsDecoder(bytes, format);
  Snapshot snap;
  Result<DeleteSet> ds = ReadDeleteSetChecked(*dec);
  if (!ds.ok()) return ds.status();
  snap.ds = std::move(ds).value();
  lib0::Decoder& rest = dec->rest();
  const uint64_t n = rest.ReadVarUint();
  for (uint64_t i = 0; i < n && !dec->failed(); i++) {
    const ClientId client = rest.ReadVarUint();
    const Clock clock = rest.ReadVarUint();
    if (!dec->failed()) snap.sv[client] = clock;
  }
  if (dec->failed()) return dec->status();
  if (!EncodableInV2(snap.ds)) {
    return Status(StatusCode::kInvalid,
                  "snapshot delete set has unsorted, overlapping or empty ranges");
  }
  return snap;
}

bool IsVisible(const Item& item, const Snapshot* snapshot) {
  if (snapshot == nullptr) return !item.deleted();
  auto it = snapshot->sv.find(item.id.client);
  return it != snapshot->sv.end() && it->second > item.id.clock &&
         !snapshot->ds.IsDeleted(item.id);
}

bool EqualSnapshots(const Snapshot& a, const Snapshot& b) {
  if (a.sv.size() != b.sv.size() || a.ds.clients().size() != b.ds.clients().size()) return false;
  for (const auto& [client, clock] : a.sv) {
    auto it = b.sv.find(client);
    if (it == b.sv.end() || it->second != clock) return false;
  }
  static const DeleteSet::Ranges kNone;
  for (const auto& [client, ranges] : a.ds.clients()) {
    const DeleteSet::Ranges* other = b.ds.Get(client);
    if (other == nullptr) other = &kNone;
    if (ranges != *other) return false;
  }
  return true;
}

Result<std::unique_ptr<Doc>> CreateDocFromSnapshot(const Doc& origin, const Snapshot& snapshot,
                                                   DocOptions options) {
  if (origin.gc()) {
    return Status(StatusCode::kInvalid,
                  "createDocFromSnapshot: garbage collection must be disabled in the origin doc");
  }
  const StructStore& store = origin.store();
  auto enc = MakeUpdateEncoder(UpdateFormat::kV2);
  const auto clients = SortedDescending(snapshot.sv);
  uint64_t sections = 0;
  for (const auto& [client, clock] : clients) sections += clock > 0 ? 1 : 0;
  enc->rest().WriteVarUint(sections);
  for (const auto& [client, clock] : clients) {
    if (clock == 0) continue;
    const StructStore::Structs* structs = store.Get(client);
    const int64_t last = structs ? StructStore::FindIndex(*structs, clock - 1) : -1;
    if (last < 0) {
      return Status(StatusCode::kInvalid, "snapshot state of client " + std::to_string(client) +
                                              " is beyond the document's");
    }
    enc->rest().WriteVarUint(static_cast<uint64_t>(last) + 1);
    enc->WriteClient(client);
    enc->rest().WriteVarUint(0);
    for (int64_t i = 0; i <= last; i++) {
      const Item& s = *(*structs)[i];
      const uint64_t end = s.id.clock + s.length;
      // Yjs splits the struct holding the snapshot's last clock (getItemCleanStart), except
      // GC structs, which it never splits.
      if (i == last && end > clock && s.is_item()) {
        WritePrefix(s, clock - s.id.clock, *enc);
      } else {
        s.Write(*enc, 0);
      }
    }
  }
  snapshot.ds.Write(*enc);
  const std::vector<uint8_t> update = enc->Finish();
  auto doc = std::make_unique<Doc>(std::move(options));
  SYMPHONY_RETURN_IF_ERROR(doc->ApplyUpdate(update, UpdateFormat::kV2));
  return doc;
}

}  // namespace symphony::crdt
