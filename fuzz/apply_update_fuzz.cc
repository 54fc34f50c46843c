// libFuzzer target for the engine's integration path: Doc::ApplyUpdate on arbitrary bytes, then
// EncodeStateAsUpdate.
//
// Input: one control byte, then the data. Control bit 0 picks the format (v1 / v2), bit 1 turns
// gc off; the other bits pick where the data is cut into two updates applied one after the
// other (so structs may wait as pending and be retried). The document's encoded state must load
// into a fresh document.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crdt/doc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace symphony::crdt;
  if (size < 1) return 0;
  const uint8_t ctl = data[0];
  const std::span<const uint8_t> in(data + 1, size - 1);
  const UpdateFormat f = (ctl & 1) ? UpdateFormat::kV2 : UpdateFormat::kV1;
  const size_t cut = in.size() * (ctl >> 2) / 64;

  DocOptions opts;
  opts.client_id = 1;
  opts.gc = (ctl & 2) == 0;
  Doc doc(opts);
  (void)doc.ApplyUpdate(in.subspan(0, cut), f);
  (void)doc.ApplyUpdate(in.subspan(cut), f);
  (void)doc.EncodeStateVector();
  const std::vector<uint8_t> state = doc.EncodeStateAsUpdate();
  const std::vector<uint8_t> state_v2 = doc.EncodeStateAsUpdate({}, UpdateFormat::kV2);

  Doc copy(opts);
  if (!copy.ApplyUpdate(state).ok()) __builtin_trap();
  Doc copy2(opts);
  if (!copy2.ApplyUpdate(state_v2, UpdateFormat::kV2).ok()) __builtin_trap();

  // The whole input as one update, in the other doc's format too.
  Doc whole(opts);
  (void)whole.ApplyUpdate(in, (ctl & 1) ? UpdateFormat::kV1 : UpdateFormat::kV2);
  (void)whole.EncodeStateAsUpdate();
  return 0;
}
