#include "crdt/state_vector.h"

#include <algorithm>
#include <utility>

#include "crdt/lib0/decoder.h"
#include "crdt/lib0/encoder.h"

namespace symphony::crdt {

std::vector<uint8_t> EncodeStateVector(const StateVector& sv) {
  std::vector<std::pair<ClientId, Clock>> entries(sv.begin(), sv.end());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  lib0::Encoder enc;
  enc.WriteVarUint(entries.size());
  for (const auto& [client, clock] : entries) {
    enc.WriteVarUint(client);
    enc.WriteVarUint(clock);
  }
  return enc.Take();
}

Result<StateVector> DecodeStateVector(std::span<const uint8_t> bytes) {
  lib0::Decoder dec(bytes);
  StateVector sv;
  const uint64_t n = dec.ReadVarUint();
  for (uint64_t i = 0; i < n && !dec.failed(); i++) {
    const ClientId client = dec.ReadVarUint();
    const Clock clock = dec.ReadVarUint();
    if (!dec.failed()) sv[client] = clock;
  }
  if (dec.failed()) return dec.status();
  return sv;
}

}  // namespace symphony::crdt
