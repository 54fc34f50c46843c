// ID: (client, clock) names one UTF-16 unit / element inserted by one client.
#pragma once

#include <cstdint>
#include <functional>

namespace symphony::crdt {

// Client IDs are up to 53 bits on the wire (JS numbers); stored as uint64.
using ClientId = uint64_t;
// Clocks count UTF-16 code units for strings, elements for arrays.
using Clock = uint64_t;

struct ID {
  ClientId client = 0;
  Clock clock = 0;
  friend bool operator==(const ID&, const ID&) = default;
};

}  // namespace symphony::crdt

template <>
struct std::hash<symphony::crdt::ID> {
  size_t operator()(const symphony::crdt::ID& id) const noexcept {
    return std::hash<uint64_t>()(id.client * 0x9E3779B97F4A7C15ull ^ id.clock);
  }
};
