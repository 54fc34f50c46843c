// Hex helpers for the protocol tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/hex.h"

namespace symphony::protocol::testing {

using symphony::testing::FromHex;
using symphony::testing::ToHex;

// Golden vectors from testdata/gen_protocol_vectors.mjs (y-protocols 1.0.7, yjs, lib0).
inline constexpr std::string_view kStateVector = "012a02";
inline constexpr std::string_view kUpdate = "01012a000401017402686900";
inline constexpr std::string_view kAwarenessUpdate =
    "022a01267b2275736572223a7b226e616d65223a22416e6e222c22636f6c6f72223a2223663030227d7de0a71"
    "201077b226e223a317d";
inline constexpr std::string_view kAwarenessRemoved = "01e0a71201046e756c6c";

}  // namespace symphony::protocol::testing
