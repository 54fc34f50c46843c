// Writing the struct part of updates from a struct store (Yjs writeClientsStructs).
#pragma once

#include <utility>
#include <vector>

#include "crdt/state_vector.h"

namespace symphony::crdt {

class StructStore;
class UpdateEncoder;

// Writes every struct the target state vector `sv` has not seen, clients in descending order.
void WriteClientsStructs(UpdateEncoder& enc, const StructStore& store, const StateVector& sv);
// Writes the structs of the listed clients from the given clocks on (what a transaction added).
void WriteChangedStructs(UpdateEncoder& enc, const StructStore& store,
                         std::vector<std::pair<ClientId, Clock>> from);

}  // namespace symphony::crdt
