// JavaScript conversions that Yjs's string views (XML toString) rely on. Internal to types/.
#pragma once

#include <string>
#include <string_view>

#include "crdt/lib0/any.h"

namespace symphony::crdt {

// String(value): "undefined", "null", "true", numbers as Number.prototype.toString, arrays
// joined with "," (null / undefined elements empty), byte arrays as their numbers joined with
// ",", objects as "[object Object]".
std::string JsToString(const Any& value);

// a < b as JavaScript compares strings (by UTF-16 code units), for UTF-8 inputs.
bool JsStringLess(std::string_view a, std::string_view b);

// String.prototype.toLocaleLowerCase for ASCII, Latin-1, Greek and Cyrillic capitals; other
// characters are kept as they are.
std::string JsLowerCase(std::string_view s);

}  // namespace symphony::crdt
