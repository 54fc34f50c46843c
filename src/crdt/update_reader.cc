#include "crdt/update_reader.h"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "crdt/codec/update_decoder.h"
#include "crdt/codec/update_encoder.h"
#include "crdt/delete_set.h"
#include "crdt/doc.h"
#include "crdt/item.h"
#include "crdt/lib0/decoder.h"
#include "crdt/struct_store.h"
#include "crdt/transaction.h"
#include "crdt/updates.h"
#include "util/small_map.h"

namespace symphony::crdt {

namespace {

// Clocks past this cannot come from a real client (a document would need 2^52 edits), and v2
// encodes clock differences doubled: keeping clocks below 2^52 keeps every state we write (the
// pending structs are kept as a v2 update) decodable.
constexpr uint64_t kMaxClock = (uint64_t{1} << 52) - 1;

// One client's decoded structs. `end` is the logical length: Yjs empties a list that went
// pending, but we keep the pointers to free the structs at the end.
struct RefList {
  ClientId client = 0;
  std::vector<Item*> refs;
  size_t i = 0;
  size_t end = 0;
};

// Everything decoded from one update. Reused from update to update (Reset keeps the buffers):
// allocation was the largest cost of applying small updates.
struct Decoded {
  // lists[0, num_lists): decode order; own the structs not yet integrated. Sized before the
  // first list of an update is made, so pointers into it stay valid while it is applied.
  std::vector<RefList> lists;
  size_t num_lists = 0;
  SmallMap<ClientId, RefList*> by_client;  // what Yjs's clientRefs map holds
  std::vector<std::pair<Item*, std::string>> root_refs;  // items whose parent is a root name
  // ds[0, num_ds): the delete set, in encoded order.
  std::vector<std::pair<ClientId, DeleteSet::Ranges>> ds;
  size_t num_ds = 0;

  Decoded() = default;
  Decoded(const Decoded&) = delete;
  ~Decoded() { Reset(); }

  void Reset() {
    for (size_t i = 0; i < num_lists; i++) {
      for (Item* s : lists[i].refs) delete s;
      lists[i].refs.clear();
      lists[i].i = lists[i].end = 0;
    }
    num_lists = 0;
    num_ds = 0;
    by_client.clear();
    root_refs.clear();
  }
  RefList& NewList() { return lists[num_lists++]; }
  DeleteSet::Ranges& NewRanges(ClientId client) {
    if (num_ds == ds.size()) ds.emplace_back();
    auto& e = ds[num_ds++];
    e.first = client;
    e.second.clear();
    return e.second;
  }
  std::span<const std::pair<ClientId, DeleteSet::Ranges>> delete_set() const {
    return {ds.data(), num_ds};
  }
};

// Yjs readClientsStructRefs, but pure: root types are resolved by the caller afterwards.
void DecodeStructs(UpdateDecoder& dec, Doc& doc, Decoded& out, size_t input_size) {
  auto& rest = dec.rest();
  // Each struct takes at least one byte of some stream, but v2 run-length columns can repeat a
  // value for free; this bound keeps a tiny hostile update from declaring billions of structs.
  const uint64_t max_structs = 8 * static_cast<uint64_t>(input_size) + 64;
  uint64_t total = 0;
  const uint64_t num_clients = rest.ReadVarUint();
  // Every client entry takes at least two bytes of the rest stream.
  if (num_clients > rest.remaining() / 2) {
    rest.Fail(StatusCode::kTruncated, "more clients than the update holds");
    return;
  }
  if (out.lists.size() < out.num_lists + num_clients) out.lists.resize(out.num_lists + num_clients);
  for (uint64_t c = 0; c < num_clients && !dec.failed(); c++) {
    const uint64_t n = rest.ReadVarUint();
    const ClientId client = dec.ReadClient();
    Clock clock = rest.ReadVarUint();
    if (dec.failed()) return;
    total += n;
    if (total > max_structs) {
      rest.Fail(StatusCode::kLimit, "more structs than the update's size allows");
      return;
    }
    RefList& list = out.NewList();
    list.client = client;
    list.refs.reserve(std::min<uint64_t>(n, rest.remaining() + 16));
    bool inserted = false;
    RefList*& slot = out.by_client.FindOrInsert(client, &list, &inserted);
    slot = &list;  // a client listed twice: the later list wins, as in Yjs
    for (uint64_t k = 0; k < n && !dec.failed(); k++) {
      const uint8_t info = dec.ReadInfo();
      if (dec.failed()) return;
      Item* s = nullptr;
      const uint8_t ref = info & kInfoContentMask;
      if (ref == 0) {
        const uint64_t len = dec.ReadLen();
        s = Item::NewGC(ID{client, clock}, len);
      } else if (ref == 10) {
        const uint64_t len = rest.ReadVarUint();
        s = Item::NewSkip(ID{client, clock}, len);
      } else {
        s = new Item();
        s->id = ID{client, clock};
        if (info & kInfoOrigin) {
          s->has_origin = true;
          s->origin = dec.ReadLeftId();
        }
        if (info & kInfoRightOrigin) {
          s->has_right_origin = true;
          s->right_origin = dec.ReadRightId();
        }
        const bool cant_copy_parent = (info & (kInfoOrigin | kInfoRightOrigin)) == 0;
        if (cant_copy_parent) {
          if (dec.ReadParentInfo()) {
            out.root_refs.emplace_back(s, dec.ReadStringUtf8());
            s->parent_kind = ParentKind::kRootName;
          } else {
            s->parent_kind = ParentKind::kId;
            s->parent_id = dec.ReadLeftId();
          }
          if (info & kInfoParentSub) s->parent_sub = doc.InternKey(dec.ReadStringUtf8());
        }
        s->content = ReadContent(dec, info);
        s->length = s->content.length();
        s->info = s->content.countable() ? Item::kCountable : 0;
      }
      list.refs.push_back(s);
      if (dec.failed()) return;
      if (s->length == 0) {
        rest.Fail(StatusCode::kInvalid, "struct of length 0");
        return;
      }
      if (clock > kMaxClock || s->length > kMaxClock - clock) {
        rest.Fail(StatusCode::kOverflow, "clock past 2^52");
        return;
      }
      clock += s->length;
    }
    list.end = list.refs.size();
  }
}

void DecodeDeleteSet(DsDecoder& dec, Decoded& out) {
  auto& rest = dec.rest();
  const uint64_t num_clients = rest.ReadVarUint();
  for (uint64_t c = 0; c < num_clients && !dec.failed(); c++) {
    dec.ResetDsCurVal();
    const ClientId client = rest.ReadVarUint();
    const uint64_t n = rest.ReadVarUint();
    if (dec.failed()) return;
    if (n > rest.remaining() + 1) {
      // v1 ranges take two bytes each; v2 at least one in the rest stream.
      rest.Fail(StatusCode::kTruncated, "delete set longer than the update");
      return;
    }
    DeleteSet::Ranges& ranges = out.NewRanges(client);
    ranges.reserve(n);
    for (uint64_t k = 0; k < n && !dec.failed(); k++) {
      const Clock clock = dec.ReadDsClock();
      const uint64_t len = dec.ReadDsLen();
      if (clock > kMaxClock || len > kMaxClock - clock) {
        rest.Fail(StatusCode::kOverflow, "delete range past 2^52");
        return;
      }
      ranges.push_back(DeleteRange{clock, len});
    }
  }
}

Status DecodeUpdate(UpdateDecoder& dec, Doc& doc, Decoded& d, size_t size) {
  DecodeStructs(dec, doc, d, size);
  if (!dec.failed()) DecodeDeleteSet(dec, d);
  return dec.failed() ? dec.status() : Status::Ok();
}

std::vector<uint8_t> EncodeRestStructs(const std::map<ClientId, std::vector<Item*>>& rest) {
  auto enc = MakeUpdateEncoder(UpdateFormat::kV2);
  enc->rest().WriteVarUint(rest.size());
  for (auto it = rest.rbegin(); it != rest.rend(); ++it) {
    const auto& structs = it->second;
    enc->rest().WriteVarUint(structs.size());
    enc->WriteClient(it->first);
    enc->rest().WriteVarUint(structs[0]->id.clock);
    for (const Item* s : structs) s->Write(*enc, 0);
  }
  enc->rest().WriteVarUint(0);  // no deletes
  return enc->Finish();
}

struct RestStructs {
  StateVector missing;
  std::vector<uint8_t> update;
};

// Yjs integrateStructs.
std::optional<RestStructs> IntegrateStructs(Transaction& tr, StructStore& store, Decoded& d) {
  std::vector<ClientId> ids;
  ids.reserve(d.by_client.size());
  for (const auto& [client, list] : d.by_client) ids.push_back(client);
  std::sort(ids.begin(), ids.end());
  if (ids.empty()) return std::nullopt;

  auto next_target = [&]() -> RefList* {
    while (!ids.empty()) {
      RefList* t = *d.by_client.Find(ids.back());
      if (t->i < t->end) return t;
      ids.pop_back();
    }
    return nullptr;
  };
  RefList* cur = next_target();
  if (!cur) return std::nullopt;

  std::map<ClientId, std::vector<Item*>> rest;
  StateVector missing_sv;
  auto update_missing = [&](ClientId client, Clock clock) {
    auto it = missing_sv.find(client);
    if (it == missing_sv.end() || it->second > clock) missing_sv[client] = clock;
  };
  std::vector<Item**> stack;
  Item** head = &cur->refs[cur->i++];
  SmallMap<ClientId, Clock> state;

  auto add_stack_to_rest = [&]() {
    for (Item** slot : stack) {
      Item* s = *slot;
      const ClientId client = s->id.client;
      if (RefList** found = d.by_client.Find(client)) {
        RefList* l = *found;
        l->i--;
        rest[client] = std::vector<Item*>(l->refs.begin() + l->i, l->refs.begin() + l->end);
        d.by_client.Erase(client);
        l->i = 0;
        l->end = 0;
      } else {
        rest[client] = std::vector<Item*>{s};
      }
      ids.erase(std::remove(ids.begin(), ids.end(), client), ids.end());
    }
    stack.clear();
  };

  while (true) {
    Item* s = *head;
    if (!s->is_skip()) {
      const ClientId client = s->id.client;
      bool inserted = false;
      Clock& st = state.FindOrInsert(client, 0, &inserted);
      if (inserted) st = store.GetState(client);
      const Clock local_clock = st;
      if (local_clock < s->id.clock) {
        stack.push_back(head);
        update_missing(client, s->id.clock - 1);
        add_stack_to_rest();
      } else {
        const uint64_t offset = local_clock - s->id.clock;
        ClientId missing = 0;
        if (s->GetMissing(tr, store, &missing)) {
          stack.push_back(head);
          RefList** found = d.by_client.Find(missing);
          RefList* refs = found ? *found : nullptr;
          if (!refs || refs->i == refs->end) {
            update_missing(missing, store.GetState(missing));
            add_stack_to_rest();
          } else {
            head = &refs->refs[refs->i++];
            continue;
          }
        } else if (offset == 0 || offset < s->length) {
          const Clock end = s->id.clock + s->length;
          *head = nullptr;  // the store owns it now
          s->Integrate(tr, offset);
          state.FindOrInsert(client, 0) = end;
        }
      }
    }
    if (!stack.empty()) {
      head = stack.back();
      stack.pop_back();
    } else if (cur && cur->i < cur->end) {
      head = &cur->refs[cur->i++];
    } else {
      cur = next_target();
      if (!cur) break;
      head = &cur->refs[cur->i++];
    }
  }
  if (rest.empty()) return std::nullopt;
  return RestStructs{std::move(missing_sv), EncodeRestStructs(rest)};
}

// Yjs readAndApplyDeleteSet: returns the ranges we cannot apply yet, as a v2 update.
std::optional<std::vector<uint8_t>> ApplyDeleteSet(
    Transaction& tr, StructStore& store,
    std::span<const std::pair<ClientId, DeleteSet::Ranges>> ds) {
  DeleteSet unapplied;
  for (const auto& [client, ranges] : ds) {
    StructStore::Structs* structs = store.Get(client);
    const Clock state = store.GetState(client);
    for (const DeleteRange& r : ranges) {
      const Clock clock = r.clock;
      const Clock clock_end = clock + r.len;
      if (clock < state) {
        if (state < clock_end) unapplied.Add(client, state, clock_end - state);
        int64_t index = StructStore::FindIndex(*structs, clock);
        Item* s = (*structs)[index];
        if (!s->deleted() && s->id.clock < clock) {
          structs->insert(index + 1, SplitItem(tr, s, clock - s->id.clock));
          index++;
        }
        while (static_cast<size_t>(index) < structs->size()) {
          s = (*structs)[index++];
          if (s->id.clock < clock_end) {
            if (!s->deleted()) {
              if (clock_end < s->id.clock + s->length) {
                structs->insert(index, SplitItem(tr, s, clock_end - s->id.clock));
              }
              s->Delete(tr);
            }
          } else {
            break;
          }
        }
      } else {
        unapplied.Add(client, clock, clock_end - clock);
      }
    }
  }
  // Ranges from a well-formed update are sorted, disjoint and non-empty, so this changes nothing
  // for them; for others it keeps the v2 encoding (which needs exactly that) valid.
  DeleteSet pending;
  for (const auto& [client, ranges] : unapplied.clients()) {
    for (const DeleteRange& r : ranges) {
      if (r.len > 0) pending.Add(client, r.clock, r.len);
    }
  }
  pending.SortAndMerge();
  if (pending.empty()) return std::nullopt;
  auto enc = MakeUpdateEncoder(UpdateFormat::kV2);
  enc->rest().WriteVarUint(0);
  pending.Write(*enc);
  return enc->Finish();
}

std::vector<uint8_t> MergeV2(std::vector<uint8_t> a, std::vector<uint8_t> b) {
  std::vector<std::span<const uint8_t>> parts{a, b};
  Result<std::vector<uint8_t>> merged = MergeUpdates(parts, UpdateFormat::kV2);
  // Both inputs were written by us: merging them cannot fail.
  return merged.ok() ? std::move(merged).value() : a;
}

}  // namespace

Status ValidateUpdate(Doc& doc, std::span<const uint8_t> update, UpdateFormat format) {
  static thread_local Decoded scratch;
  scratch.Reset();
  Status st;
  if (format == UpdateFormat::kV1) {
    UpdateDecoderV1 dec(update);
    st = DecodeUpdate(dec, doc, scratch, update.size());
  } else {
    Result<std::unique_ptr<UpdateDecoder>> dec = MakeUpdateDecoder(update, format);
    st = dec.ok() ? DecodeUpdate(**dec, doc, scratch, update.size()) : dec.status();
  }
  scratch.Reset();
  return st;
}

Status ReadAndApplyUpdate(Transaction& tr, std::span<const uint8_t> update, UpdateFormat format) {
  Doc& doc = tr.doc();
  StructStore& store = doc.store();
  // The thread's scratch buffers, unless we are re-applying pending structs from inside an apply.
  static thread_local Decoded scratch;
  static thread_local int depth = 0;
  Decoded local;
  Decoded& d = depth == 0 ? scratch : local;
  d.Reset();
  struct DepthGuard {
    Decoded& d;
    DepthGuard(Decoded& dd) : d(dd) { depth++; }
    ~DepthGuard() {
      d.Reset();  // frees what was not integrated
      depth--;
    }
  } guard(d);
  if (format == UpdateFormat::kV1) {
    UpdateDecoderV1 dec(update);  // on the stack: this is the hot path
    SYMPHONY_RETURN_IF_ERROR(DecodeUpdate(dec, doc, d, update.size()));
  } else {
    Result<std::unique_ptr<UpdateDecoder>> dec = MakeUpdateDecoder(update, format);
    if (!dec.ok()) return dec.status();
    SYMPHONY_RETURN_IF_ERROR(DecodeUpdate(**dec, doc, d, update.size()));
  }
  // The update is well-formed: from here on the document changes.
  for (auto& [item, name] : d.root_refs) {
    item->parent = doc.GetOrCreateRoot(name);
    item->parent_kind = ParentKind::kType;
  }
  bool retry = false;
  std::optional<RestStructs> rest = IntegrateStructs(tr, store, d);
  if (store.pending_structs) {
    PendingStructs& pending = *store.pending_structs;
    for (const auto& [client, clock] : pending.missing) {
      if (clock < store.GetState(client)) {
        retry = true;
        break;
      }
    }
    if (rest) {
      for (const auto& [client, clock] : rest->missing) {
        auto it = pending.missing.find(client);
        if (it == pending.missing.end() || it->second > clock) pending.missing[client] = clock;
      }
      pending.update = MergeV2(std::move(pending.update), std::move(rest->update));
    }
  } else if (rest) {
    store.pending_structs = PendingStructs{std::move(rest->missing), std::move(rest->update)};
  }

  std::optional<std::vector<uint8_t>> ds_rest = ApplyDeleteSet(tr, store, d.delete_set());
  if (store.pending_ds) {
    Decoded pd;
    std::vector<uint8_t> pending_ds = std::move(*store.pending_ds);
    store.pending_ds.reset();
    Result<std::unique_ptr<UpdateDecoder>> dec = MakeUpdateDecoder(pending_ds, UpdateFormat::kV2);
    std::optional<std::vector<uint8_t>> ds_rest2;
    if (dec.ok()) {
      (*dec)->rest().ReadVarUint();  // zero structs
      DecodeDeleteSet(**dec, pd);
      if (!(*dec)->failed()) ds_rest2 = ApplyDeleteSet(tr, store, pd.delete_set());
    }
    if (ds_rest && ds_rest2) {
      store.pending_ds = MergeV2(std::move(*ds_rest), std::move(*ds_rest2));
    } else if (ds_rest) {
      store.pending_ds = std::move(ds_rest);
    } else if (ds_rest2) {
      store.pending_ds = std::move(ds_rest2);
    }
  } else if (ds_rest) {
    store.pending_ds = std::move(ds_rest);
  }
  if (retry) {
    std::vector<uint8_t> pending_update = std::move(store.pending_structs->update);
    store.pending_structs.reset();
    return ReadAndApplyUpdate(tr, pending_update, UpdateFormat::kV2);
  }
  return Status::Ok();
}

}  // namespace symphony::crdt
