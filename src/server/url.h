// URL pieces the server reads from request targets: percent-decoding and query parameters.
// One decoder for every route (room names on WebSocket upgrades, room ids in API paths, static
// file paths, ?token=), so they all accept and refuse the same input.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace symphony::server {

// Percent-decodes `s` ("%20" -> " "). A '%' not followed by two hex digits is kInvalid naming
// the problem; '+' is left as is (it means a space only in query values).
Result<std::string> PercentDecode(std::string_view s);

// The decoded value of query parameter `name` in a request target ("+" is a space), or "" when
// absent or badly escaped.
std::string QueryParam(std::string_view target, std::string_view name);

// The path of a request target: everything before '?' or '#'.
std::string_view TargetPath(std::string_view target);

}  // namespace symphony::server
