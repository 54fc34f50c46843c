// libFuzzer target for the update-level functions (crdt/updates.h) on arbitrary bytes.
//
// Input: one control byte, then the data. Control bit 0 picks the format (v1 / v2); the other
// bits pick where the data is cut into two updates for merging and diffing.
// Besides "no crash, no sanitizer report", it checks that whatever ConvertUpdateFormat and
// MergeUpdates produce decodes again (see Decodes).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crdt/updates.h"

namespace {

using symphony::crdt::UpdateFormat;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// Whether an update we wrote decodes again. The v2 format stores clock differences doubled in a
// varInt, so clocks 2^52 apart (absurd, but possible in a v1 update) overflow; Yjs has the same
// limit. Any other failure is a bug.
// Returns whether it decoded.
bool Decodes(const std::vector<uint8_t>& update, UpdateFormat f,
             const symphony::crdt::UpdateLimits& limits) {
  auto r = symphony::crdt::DecodeUpdate(update, f, limits);
  Check(r.ok() || (f == UpdateFormat::kV2 && r.status().code() == symphony::StatusCode::kOverflow));
  return r.ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace symphony::crdt;
  if (size < 1) return 0;
  const uint8_t ctl = data[0];
  const std::span<const uint8_t> in(data + 1, size - 1);
  const UpdateFormat f = (ctl & 1) ? UpdateFormat::kV2 : UpdateFormat::kV1;
  const UpdateFormat other = (ctl & 1) ? UpdateFormat::kV1 : UpdateFormat::kV2;
  const size_t cut = in.size() * (ctl >> 1) / 128;
  const std::span<const uint8_t> a = in.subspan(0, cut);
  const std::span<const uint8_t> b = in.subspan(cut);
  UpdateLimits limits;
  limits.max_structs = 1 << 14;

  auto converted = ConvertUpdateFormat(in, f, other, limits);
  if (converted.ok() && Decodes(converted.value(), other, limits)) {
    // v1 -> v2 -> v1 always works; the other way round a v2 delete set that lists a client twice
    // becomes unsorted ranges, which v2 cannot encode again.
    auto back = ConvertUpdateFormat(converted.value(), other, f, limits);
    Check(back.ok() || f == UpdateFormat::kV2);
  }
  (void)ParseUpdateMeta(in, f, limits);
  (void)EncodeStateVectorFromUpdate(in, f, limits);

  const std::span<const uint8_t> two[] = {a, b};
  auto merged = MergeUpdates(two, f, limits);
  if (merged.ok()) (void)Decodes(merged.value(), f, limits);
  const std::span<const uint8_t> three[] = {b, in, a};
  (void)MergeUpdates(three, f, limits);

  (void)DiffUpdate(in, a, f, limits);  // a as a state vector
  const uint8_t sv[] = {1, 1, 3};      // client 1 at clock 3
  (void)DiffUpdate(in, sv, f, limits);
  return 0;
}
