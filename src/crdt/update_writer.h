// Writing the struct part of updates from a struct store (Yjs writeClientsStructs).
#pragma once

#include "crdt/state_vector.h"

namespace symphony::crdt {

class StructStore;
class UpdateEncoder;

// Writes every struct the target state vector `sv` has not seen, clients in descending order.
void WriteClientsStructs(UpdateEncoder& enc, const StructStore& store, const StateVector& sv);

}  // namespace symphony::crdt
