// StateVector: for each client, the next clock we expect from it (everything below is known).
#pragma once

#include <span>
#include <unordered_map>
#include <vector>

#include "crdt/id.h"
#include "util/status.h"

namespace symphony::crdt {

using StateVector = std::unordered_map<ClientId, Clock>;

// lib0 encoding used by Yjs's encodeStateVector (v1): count, then (client, clock) pairs
// sorted by client, descending.
std::vector<uint8_t> EncodeStateVector(const StateVector& sv);
Result<StateVector> DecodeStateVector(std::span<const uint8_t> bytes);

}  // namespace symphony::crdt
