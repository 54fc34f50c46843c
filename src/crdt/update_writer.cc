#include "crdt/update_writer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "crdt/codec/update_encoder.h"
#include "crdt/item.h"
#include "crdt/struct_store.h"

namespace symphony::crdt {

namespace {

void WriteStructs(UpdateEncoder& enc, const StructStore::Structs& structs, ClientId client,
                  Clock clock) {
  clock = std::max(clock, structs[0]->id.clock);
  const int64_t start = StructStore::FindIndex(structs, clock);
  enc.rest().WriteVarUint(structs.size() - static_cast<size_t>(start));
  enc.WriteClient(client);
  enc.rest().WriteVarUint(clock);
  const Item* first = structs[start];
  first->Write(enc, clock - first->id.clock);
  for (size_t i = static_cast<size_t>(start) + 1; i < structs.size(); i++) structs[i]->Write(enc, 0);
}

}  // namespace

void WriteClientsStructs(UpdateEncoder& enc, const StructStore& store, const StateVector& sv) {
  std::vector<std::pair<ClientId, Clock>> todo;
  for (const auto& [client, clock] : sv) {
    if (store.GetState(client) > clock) todo.emplace_back(client, clock);
  }
  for (ClientId client : store.client_order()) {
    const auto* structs = store.Get(client);
    if (structs && !structs->empty() && !sv.count(client)) todo.emplace_back(client, 0);
  }
  std::sort(todo.begin(), todo.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  enc.rest().WriteVarUint(todo.size());
  for (const auto& [client, clock] : todo) WriteStructs(enc, *store.Get(client), client, clock);
}

}  // namespace symphony::crdt

namespace symphony::crdt {

void WriteChangedStructs(UpdateEncoder& enc, const StructStore& store,
                         std::vector<std::pair<ClientId, Clock>> from) {
  std::erase_if(from, [&](const auto& e) { return store.GetState(e.first) <= e.second; });
  std::sort(from.begin(), from.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  enc.rest().WriteVarUint(from.size());
  for (const auto& [client, clock] : from) WriteStructs(enc, *store.Get(client), client, clock);
}

}  // namespace symphony::crdt
