#include "crdt/updates.h"

#include <algorithm>
#include <utility>

#include "crdt/content.h"
#include "crdt/lib0/decoder.h"
#include "crdt/lib0/encoder.h"
#include "crdt/types/abstract_type.h"

namespace symphony::crdt {

namespace {

std::unique_ptr<Item> NewFiller(StructKind kind, ID id, uint64_t length) {
  auto s = std::make_unique<Item>();
  s->kind = kind;
  s->id = id;
  s->length = length;
  return s;
}

Status WithPrefix(const Status& st, const std::string& prefix) {
  return Status(st.code(), prefix + st.message(), st.offset());
}

// Yjs LazyStructWriter: structs are written as they come, but the v1/v2 layout needs the number
// of structs of each client section up front, so each section's rest bytes are kept aside until
// Finish() writes the section headers.
class LazyStructWriter {
 public:
  explicit LazyStructWriter(UpdateEncoder& enc) : enc_(enc) {}

  void Write(const Item& s, uint64_t offset) {
    if (written_ > 0 && client_ != s.id.client) Flush();
    if (written_ == 0) {
      client_ = s.id.client;
      enc_.WriteClient(s.id.client);
      enc_.rest().WriteVarUint(s.id.clock + offset);
    }
    s.Write(enc_, offset);
    ++written_;
  }

  // Leaves the encoder ready for the delete set.
  void Finish() {
    Flush();
    lib0::Encoder& rest = enc_.rest();
    rest.WriteVarUint(parts_.size());
    for (const auto& [written, bytes] : parts_) {
      rest.WriteVarUint(written);
      rest.WriteRaw(bytes);
    }
    parts_.clear();
  }

 private:
  void Flush() {
    if (written_ == 0) return;
    parts_.emplace_back(written_, enc_.rest().bytes());
    enc_.rest().Clear();
    written_ = 0;
  }

  UpdateEncoder& enc_;
  ClientId client_ = 0;
  uint64_t written_ = 0;
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> parts_;
};

// Yjs sliceStruct: the part of `left` from `diff` on (0 < diff < left.length). An item's content
// is split in place, as Yjs's content.splice does; `left` is not used afterwards.
std::unique_ptr<Item> SliceStruct(Item& left, uint64_t diff) {
  const ID id{left.id.client, left.id.clock + diff};
  if (!left.is_item()) return NewFiller(left.kind, id, left.length - diff);
  auto s = std::make_unique<Item>();
  s->id = id;
  s->has_origin = true;
  s->origin = ID{left.id.client, left.id.clock + diff - 1};
  s->has_right_origin = left.has_right_origin;
  s->right_origin = left.right_origin;
  s->parent_kind = left.parent_kind;
  s->parent_id = left.parent_id;
  s->parent_name = left.parent_name;
  s->parent_sub = left.parent_sub;
  s->content = left.content.Splice(diff);
  s->length = s->content.length();
  s->info = s->content.countable() ? Item::kCountable : 0;
  return s;
}

// mergeWith as Yjs calls it on lazily read structs: GC into GC and Skip into Skip. Items never
// merge here (Item.mergeWith requires `this.right === right`, and lazily read items have no
// right neighbour).
bool MergeLazy(Item& left, const Item& right) {
  if (left.is_item() || left.kind != right.kind) return false;
  left.length += right.length;
  return true;
}

// The comparator of Yjs's decoder sort. Note that it is not consistent: an Item and a GC at the
// same position each compare as "first" against the other, so the result depends on the exact
// sort algorithm (see SortLikeV8).
int CompareReaders(const LazyStructReader* a, const LazyStructReader* b) {
  const Item& x = *a->curr();
  const Item& y = *b->curr();
  if (x.id.client == y.id.client) {
    if (x.id.clock == y.id.clock) {
      if (x.kind == y.kind) return 0;
      return x.is_skip() ? 1 : -1;
    }
    return x.id.clock < y.id.clock ? -1 : 1;
  }
  return y.id.client < x.id.client ? -1 : 1;
}

// Array.prototype.sort as V8 runs it on fewer than 64 elements (one run: CountAndMakeRun, then
// binary insertion sort), which decides the order even for the inconsistent comparator above.
// Larger arrays use a stable sort with a consistent tie-break.
void SortLikeV8(std::vector<LazyStructReader*>& a) {
  const size_t n = a.size();
  if (n < 2) return;
  if (n >= 64) {
    std::stable_sort(a.begin(), a.end(), [](const LazyStructReader* x, const LazyStructReader* y) {
      const Item& p = *x->curr();
      const Item& q = *y->curr();
      if (p.id.client != q.id.client) return p.id.client > q.id.client;
      if (p.id.clock != q.id.clock) return p.id.clock < q.id.clock;
      return static_cast<int>(p.kind) < static_cast<int>(q.kind);
    });
    return;
  }
  size_t run = 2;
  const bool descending = CompareReaders(a[1], a[0]) < 0;
  for (size_t i = 2; i < n; ++i) {
    const int order = CompareReaders(a[i], a[i - 1]);
    if (descending ? order >= 0 : order < 0) break;
    ++run;
  }
  if (descending) std::reverse(a.begin(), a.begin() + run);
  for (size_t start = run; start < n; ++start) {
    LazyStructReader* pivot = a[start];
    size_t left = 0;
    size_t right = start;
    while (left < right) {
      const size_t mid = left + ((right - left) >> 1);
      if (CompareReaders(pivot, a[mid]) < 0) {
        right = mid;
      } else {
        left = mid + 1;
      }
    }
    for (size_t p = start; p > left; --p) a[p] = a[p - 1];
    a[left] = pivot;
  }
}

uint64_t End(const Item& s) { return s.id.clock + s.length; }

// Writes the delete set an update was read with into the output.
Status WriteDeleteSet(const DeleteSet& ds, UpdateEncoder& enc) {
  if (enc.format() == UpdateFormat::kV2 && !EncodableInV2(ds)) {
    return Status(StatusCode::kInvalid,
                  "delete set has unsorted, overlapping or empty ranges, which format v2 cannot "
                  "encode");
  }
  ds.Write(enc);
  return Status::Ok();
}

}  // namespace

Result<DeleteSet> ReadDeleteSetChecked(DsDecoder& dec) {
  DeleteSet ds = DeleteSet::Read(dec);
  if (dec.failed()) return dec.status();
  for (const auto& [client, ranges] : ds.clients()) {
    for (const DeleteRange& r : ranges) {
      if (r.len > lib0::kMaxSafeInteger - r.clock) {
        return Status(StatusCode::kOverflow,
                      "delete set range of client " + std::to_string(client) +
                          " ends beyond 2^53-1",
                      dec.rest().offset());
      }
    }
  }
  return ds;
}

bool EncodableInV2(const DeleteSet& ds) {
  for (const auto& [client, ranges] : ds.clients()) {
    Clock end = 0;
    for (const DeleteRange& r : ranges) {
      if (r.len == 0 || r.clock < end) return false;
      end = r.clock + r.len;
    }
  }
  return true;
}

LazyStructReader::LazyStructReader(UpdateDecoder& dec, bool filter_skips,
                                   const UpdateLimits& limits)
    : dec_(dec), filter_skips_(filter_skips), limits_(limits) {
  Next();
}

const std::string* LazyStructReader::Intern(std::string s) {
  return &*strings_->insert(std::move(s)).first;
}

Item* LazyStructReader::Next() {
  do {
    curr_ = ReadOne();
  } while (filter_skips_ && curr_ && curr_->is_skip());
  return curr_.get();
}

std::unique_ptr<Item> LazyStructReader::ReadOne() {
  lib0::Decoder& rest = dec_.rest();
  if (!started_) {
    started_ = true;
    clients_left_ = rest.ReadVarUint();
  }
  while (structs_left_ == 0) {
    if (dec_.failed() || clients_left_ == 0) return nullptr;
    --clients_left_;
    structs_left_ = rest.ReadVarUint();
    client_ = dec_.ReadClient();
    clock_ = rest.ReadVarUint();
  }
  if (dec_.failed()) return nullptr;
  if (++structs_read_ > limits_.max_structs) {
    rest.Fail(StatusCode::kLimit, "update holds more than " +
                                      std::to_string(limits_.max_structs) + " structs");
    return nullptr;
  }
  --structs_left_;
  const ID id{client_, clock_};
  const uint8_t info = dec_.ReadInfo();
  std::unique_ptr<Item> s;
  if (info == static_cast<uint8_t>(ContentRef::kSkip)) {
    s = NewFiller(StructKind::kSkip, id, rest.ReadVarUint());
  } else if ((info & kInfoContentMask) != 0) {
    s = std::make_unique<Item>();
    s->id = id;
    const bool copies_parent = (info & (kInfoOrigin | kInfoRightOrigin)) != 0;
    if (info & kInfoOrigin) {
      s->has_origin = true;
      s->origin = dec_.ReadLeftId();
    }
    if (info & kInfoRightOrigin) {
      s->has_right_origin = true;
      s->right_origin = dec_.ReadRightId();
    }
    if (!copies_parent) {
      if (dec_.ReadParentInfo()) {
        s->parent_kind = ParentKind::kRootName;
        s->parent_name = Intern(dec_.ReadStringUtf8());
      } else {
        s->parent_kind = ParentKind::kId;
        s->parent_id = dec_.ReadLeftId();
      }
      if (info & kInfoParentSub) s->parent_sub = Intern(dec_.ReadStringUtf8());
    }
    if (dec_.failed()) return nullptr;
    s->content = ReadContent(dec_, info);
    s->length = s->content.length();
    s->info = s->content.countable() ? Item::kCountable : 0;
  } else {
    s = NewFiller(StructKind::kGC, id, dec_.ReadLen());
  }
  if (dec_.failed()) return nullptr;
  if (s->length > lib0::kMaxSafeInteger - clock_) {
    rest.Fail(StatusCode::kOverflow, "struct clock exceeds 2^53-1");
    return nullptr;
  }
  clock_ += s->length;
  return s;
}

Result<std::vector<uint8_t>> MergeUpdates(std::span<const std::span<const uint8_t>> updates,
                                          UpdateFormat format, const UpdateLimits& limits) {
  if (updates.size() == 1) return std::vector<uint8_t>(updates[0].begin(), updates[0].end());
  std::vector<std::unique_ptr<UpdateDecoder>> decoders;
  std::vector<std::unique_ptr<LazyStructReader>> readers;
  decoders.reserve(updates.size());
  readers.reserve(updates.size());
  auto reader_error = [&](size_t i) {
    return WithPrefix(readers[i]->status(), "update " + std::to_string(i) + ": ");
  };
  for (size_t i = 0; i < updates.size(); ++i) {
    auto dec = MakeUpdateDecoder(updates[i], format, limits.decode);
    if (!dec.ok()) return WithPrefix(dec.status(), "update " + std::to_string(i) + ": ");
    decoders.push_back(std::move(dec).value());
    readers.push_back(std::make_unique<LazyStructReader>(*decoders.back(), true, limits));
    if (readers.back()->failed()) return reader_error(i);
  }
  auto index_of = [&](const LazyStructReader* r) {
    for (size_t i = 0; i < readers.size(); ++i) {
      if (readers[i].get() == r) return i;
    }
    return size_t{0};
  };

  auto enc = MakeUpdateEncoder(format);
  LazyStructWriter writer(*enc);
  std::vector<LazyStructReader*> active;
  for (auto& r : readers) active.push_back(r.get());
  std::unique_ptr<Item> cw;  // Yjs currWrite

  while (true) {
    std::erase_if(active, [](const LazyStructReader* r) { return r->curr() == nullptr; });
    SortLikeV8(active);
    if (active.empty()) break;
    LazyStructReader& d = *active[0];
    const ClientId first_client = d.curr()->id.client;
    if (cw) {
      Item* curr = d.curr();
      bool iterated = false;
      // Skip what has been written already (higher clients are written first).
      while (curr && End(*curr) <= End(*cw) && curr->id.client >= cw->id.client) {
        curr = d.Next();
        iterated = true;
      }
      if (d.failed()) return reader_error(index_of(&d));
      if (!curr || curr->id.client != first_client ||
          (iterated && curr->id.clock > End(*cw))) {
        continue;
      }
      if (first_client != cw->id.client) {
        writer.Write(*cw, 0);
        cw = d.TakeCurr();
        d.Next();
      } else if (End(*cw) < curr->id.clock) {
        if (cw->is_skip()) {
          cw->length = End(*curr) - cw->id.clock;
        } else {
          writer.Write(*cw, 0);
          const uint64_t gap = curr->id.clock - End(*cw);
          cw = NewFiller(StructKind::kSkip, ID{first_client, End(*cw)}, gap);
        }
      } else {
        const uint64_t diff = End(*cw) - curr->id.clock;
        std::unique_ptr<Item> sliced;
        if (diff > 0) {
          if (cw->is_skip()) {
            cw->length = diff < cw->length ? cw->length - diff : 0;
          } else {
            if (diff >= curr->length) {
              return Status(StatusCode::kInternal, "merge: slice past the end of a struct");
            }
            sliced = SliceStruct(*curr, diff);
            curr = sliced.get();
          }
        }
        if (!MergeLazy(*cw, *curr)) {
          writer.Write(*cw, 0);
          cw = sliced ? std::move(sliced) : d.TakeCurr();
          d.Next();
        }
      }
    } else {
      cw = d.TakeCurr();
      d.Next();
    }
    for (Item* next = d.curr(); next && next->id.client == first_client &&
                                next->id.clock == End(*cw) && !next->is_skip();
         next = d.Next()) {
      writer.Write(*cw, 0);
      cw = d.TakeCurr();
    }
    if (d.failed()) return reader_error(index_of(&d));
  }
  if (cw) writer.Write(*cw, 0);
  writer.Finish();

  std::vector<DeleteSet> dss;
  dss.reserve(decoders.size());
  for (size_t i = 0; i < decoders.size(); ++i) {
    Result<DeleteSet> ds = ReadDeleteSetChecked(*decoders[i]);
    if (!ds.ok()) return WithPrefix(ds.status(), "update " + std::to_string(i) + ": ");
    dss.push_back(std::move(ds).value());
  }
  DeleteSet::Merge(dss).Write(*enc);
  return enc->Finish();
}

Result<std::vector<uint8_t>> MergeUpdates(const std::vector<std::vector<uint8_t>>& updates,
                                          UpdateFormat format, const UpdateLimits& limits) {
  std::vector<std::span<const uint8_t>> spans(updates.begin(), updates.end());
  return MergeUpdates(std::span<const std::span<const uint8_t>>(spans), format, limits);
}

Result<std::vector<uint8_t>> DiffUpdate(std::span<const uint8_t> update,
                                        std::span<const uint8_t> state_vector, UpdateFormat format,
                                        const UpdateLimits& limits) {
  Result<StateVector> state = DecodeStateVector(state_vector);
  if (!state.ok()) return WithPrefix(state.status(), "state vector: ");
  auto dec_or = MakeUpdateDecoder(update, format, limits.decode);
  if (!dec_or.ok()) return dec_or.status();
  UpdateDecoder& dec = *dec_or.value();
  auto enc = MakeUpdateEncoder(format);
  LazyStructWriter writer(*enc);
  LazyStructReader reader(dec, false, limits);
  while (Item* curr = reader.curr()) {
    const ClientId client = curr->id.client;
    auto it = state->find(client);
    const Clock sv_clock = it == state->end() ? 0 : it->second;
    if (curr->is_skip()) {
      reader.Next();
      continue;
    }
    if (End(*curr) > sv_clock) {
      writer.Write(*curr, sv_clock > curr->id.clock ? sv_clock - curr->id.clock : 0);
      reader.Next();
      while (reader.curr() && reader.curr()->id.client == client) {
        writer.Write(*reader.curr(), 0);
        reader.Next();
      }
    } else {
      while (reader.curr() && reader.curr()->id.client == client &&
             End(*reader.curr()) <= sv_clock) {
        reader.Next();
      }
    }
  }
  if (dec.failed()) return dec.status();
  writer.Finish();
  Result<DeleteSet> ds = ReadDeleteSetChecked(dec);
  if (!ds.ok()) return ds.status();
  SYMPHONY_RETURN_IF_ERROR(WriteDeleteSet(ds.value(), *enc));
  return enc->Finish();
}

Result<std::vector<uint8_t>> ConvertUpdateFormat(std::span<const uint8_t> update,
                                                 UpdateFormat from, UpdateFormat to,
                                                 const UpdateLimits& limits) {
  auto dec_or = MakeUpdateDecoder(update, from, limits.decode);
  if (!dec_or.ok()) return dec_or.status();
  UpdateDecoder& dec = *dec_or.value();
  auto enc = MakeUpdateEncoder(to);
  LazyStructWriter writer(*enc);
  LazyStructReader reader(dec, false, limits);
  for (Item* curr = reader.curr(); curr; curr = reader.Next()) writer.Write(*curr, 0);
  if (dec.failed()) return dec.status();
  writer.Finish();
  Result<DeleteSet> ds = ReadDeleteSetChecked(dec);
  if (!ds.ok()) return ds.status();
  SYMPHONY_RETURN_IF_ERROR(WriteDeleteSet(ds.value(), *enc));
  return enc->Finish();
}

Result<std::vector<uint8_t>> EncodeStateVectorFromUpdate(std::span<const uint8_t> update,
                                                         UpdateFormat format,
                                                         const UpdateLimits& limits) {
  auto dec_or = MakeUpdateDecoder(update, format, limits.decode);
  if (!dec_or.ok()) return dec_or.status();
  UpdateDecoder& dec = *dec_or.value();
  LazyStructReader reader(dec, false, limits);
  lib0::Encoder pairs;
  uint64_t size = 0;
  Item* curr = reader.curr();
  if (curr) {
    ClientId client = curr->id.client;
    bool stop_counting = curr->id.clock != 0;  // a client's structs must start at clock 0
    Clock clock = stop_counting ? 0 : End(*curr);
    for (; curr; curr = reader.Next()) {
      if (client != curr->id.client) {
        if (clock != 0) {
          ++size;
          pairs.WriteVarUint(client);
          pairs.WriteVarUint(clock);
        }
        client = curr->id.client;
        clock = 0;
        stop_counting = curr->id.clock != 0;
      }
      if (curr->is_skip()) stop_counting = true;
      if (!stop_counting) clock = End(*curr);
    }
    if (clock != 0) {
      ++size;
      pairs.WriteVarUint(client);
      pairs.WriteVarUint(clock);
    }
  }
  if (dec.failed()) return dec.status();
  lib0::Encoder out;
  out.WriteVarUint(size);
  out.WriteRaw(pairs.bytes());
  return out.Take();
}

Result<UpdateMeta> ParseUpdateMeta(std::span<const uint8_t> update, UpdateFormat format,
                                   const UpdateLimits& limits) {
  auto dec_or = MakeUpdateDecoder(update, format, limits.decode);
  if (!dec_or.ok()) return dec_or.status();
  UpdateDecoder& dec = *dec_or.value();
  LazyStructReader reader(dec, false, limits);
  UpdateMeta meta;
  Item* curr = reader.curr();
  if (curr) {
    ClientId client = curr->id.client;
    Clock clock = curr->id.clock;
    meta.from[client] = clock;
    for (; curr; curr = reader.Next()) {
      if (client != curr->id.client) {
        meta.to[client] = clock;
        meta.from[curr->id.client] = curr->id.clock;
        client = curr->id.client;
      }
      clock = End(*curr);
    }
    meta.to[client] = clock;
  }
  if (dec.failed()) return dec.status();
  return meta;
}

Result<DecodedUpdate> DecodeUpdate(std::span<const uint8_t> update, UpdateFormat format,
                                   const UpdateLimits& limits) {
  auto dec_or = MakeUpdateDecoder(update, format, limits.decode);
  if (!dec_or.ok()) return dec_or.status();
  UpdateDecoder& dec = *dec_or.value();
  UpdateLimits bounded = limits;
  bounded.max_structs = std::min(limits.max_structs, limits.max_decoded_structs);
  LazyStructReader reader(dec, false, bounded);
  DecodedUpdate out;
  out.strings = reader.strings();
  for (; reader.curr(); reader.Next()) out.structs.push_back(reader.TakeCurr());
  if (dec.failed()) return dec.status();
  Result<DeleteSet> ds = ReadDeleteSetChecked(dec);
  if (!ds.ok()) return ds.status();
  out.ds = std::move(ds).value();
  return out;
}

}  // namespace symphony::crdt
