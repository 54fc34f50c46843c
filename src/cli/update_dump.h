// The readable dump `symphony doc inspect` prints: one line per struct (id, length, kind and
// content summary, origin, right origin, parent, parent sub), grouped by client section as they
// appear in the update, then the delete set.
#pragma once

#include <cstdint>
#include <string>

#include "crdt/codec/update_encoder.h"
#include "crdt/updates.h"

namespace symphony::cli {

std::string DumpUpdate(const crdt::DecodedUpdate& update, uint64_t size_bytes,
                       crdt::UpdateFormat format);

}  // namespace symphony::cli
