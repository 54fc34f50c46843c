// Logging: one line per event on stderr, as text or JSON lines, with structured fields.
//
//   log::Info("room loaded", {{"room", name}, {"ms", 3}});
//
// text: 2026-11-23T10:00:00.123Z info  room loaded room=abc ms=3
// json: {"ts":"2026-11-23T10:00:00.123Z","level":"info","msg":"room loaded","room":"abc","ms":3}
//
// Timestamps are UTC with milliseconds. In text, a value is quoted (Go-style escapes: \" \\ \n
// \t \xNN) when it is empty or holds a space, '"', '=', '\', a control character or invalid
// UTF-8; the message itself is never quoted but its control characters are escaped, so one event
// is always one line. In JSON every string is JSON-escaped and invalid UTF-8 becomes U+FFFD; the
// keys "ts", "level" and "msg" are reserved, a field with one of those keys is written as "_ts",
// "_level", "_msg". Non-finite doubles are written as NaN/+Inf/-Inf in text and null in JSON.
//
// Cost: Trace..Error test an atomic level first and return at once when the level is disabled;
// nothing is formatted then. The Field list itself is still built (views only, no copies or
// allocation), but arguments that are expensive to compute are not free: guard them with
// `if (log::Enabled(log::Level::kDebug))`.
//
// Thread-safety: every function may be called from any thread. Lines from different threads never
// interleave (the spdlog sink holds a mutex while it formats and writes one line). Setup may be
// called at any time (normally once, at startup); lines logged concurrently with it use either the
// old or the new settings.
//
// spdlog: Setup installs the Symphony logger as spdlog's default logger, so direct spdlog::info()
// calls (ours or a library's) are formatted the same way, without fields. The logger is
// synchronous: a line is written (and stderr flushed) before the call returns.
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

#include "util/status.h"

namespace symphony::log {

enum class Level : uint8_t { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// "trace", "debug", "info", "warn", "error", "off".
std::string_view LevelName(Level level);
// The inverse of LevelName (exact, lowercase). Error: kInvalid listing the valid names.
Result<Level> ParseLevel(std::string_view name);
// "trace, debug, info, warn, error, off", for messages and --help.
std::string_view ValidLevels();

// One key/value pair of an event. A Field only views its key and string value: it must not
// outlive the call it is passed to (the usual `{{"room", name}}` temporaries are fine).
class Field {
 public:
  enum class Kind : uint8_t { kString, kInt, kUint, kDouble, kBool };

  Field(std::string_view key, std::string_view value)
      : key_(key), kind_(Kind::kString), s_(value) {}
  Field(std::string_view key, const char* value)
      : key_(key), kind_(Kind::kString), s_(value == nullptr ? "" : value) {}
  Field(std::string_view key, const std::string& value)
      : key_(key), kind_(Kind::kString), s_(value) {}
  Field(std::string_view key, bool value) : key_(key), kind_(Kind::kBool), b_(value) {}
  template <std::signed_integral T>
  requires(!std::same_as<T, bool>) Field(std::string_view key, T value)
      : key_(key), kind_(Kind::kInt), i_(value) {}
  template <std::unsigned_integral T>
  requires(!std::same_as<T, bool>) Field(std::string_view key, T value)
      : key_(key), kind_(Kind::kUint), u_(value) {}
  template <std::floating_point T>
  Field(std::string_view key, T value) : key_(key), kind_(Kind::kDouble), d_(value) {}

  std::string_view key() const { return key_; }
  Kind kind() const { return kind_; }
  std::string_view string_value() const { return s_; }
  int64_t int_value() const { return i_; }
  uint64_t uint_value() const { return u_; }
  double double_value() const { return d_; }
  bool bool_value() const { return b_; }

 private:
  std::string_view key_;
  Kind kind_;
  std::string_view s_;
  union {
    int64_t i_ = 0;
    uint64_t u_;
    double d_;
    bool b_;
  };
};

// Sets the minimum level and the format (json: JSON lines, else text). Error: kInvalid for an
// unknown level (the message lists the valid ones); nothing changes then. Before the first Setup
// the level is info and the format text.
Status Setup(std::string_view level, bool json);
void Setup(Level level, bool json);

namespace detail {
inline std::atomic<uint8_t> g_min_level{static_cast<uint8_t>(Level::kInfo)};
}  // namespace detail

// Whether an event at `level` would be written now.
inline bool Enabled(Level level) {
  return level != Level::kOff &&
         static_cast<uint8_t>(level) >= detail::g_min_level.load(std::memory_order_relaxed);
}

// Formats and writes one event if `level` is enabled.
void Write(Level level, std::string_view msg, std::span<const Field> fields = {});

inline void Trace(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kTrace)) Write(Level::kTrace, msg, {fields.begin(), fields.size()});
}
inline void Debug(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, msg, {fields.begin(), fields.size()});
}
inline void Info(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, msg, {fields.begin(), fields.size()});
}
inline void Warn(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kWarn)) Write(Level::kWarn, msg, {fields.begin(), fields.size()});
}
inline void Error(std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kError)) Write(Level::kError, msg, {fields.begin(), fields.size()});
}

// One event exactly as Setup's formats write it, without the trailing newline. For tests and
// tools that need the format without the logger.
std::string FormatLine(bool json, std::chrono::system_clock::time_point time, Level level,
                       std::string_view msg, std::span<const Field> fields = {});

// Tests: send lines to `out` instead of stderr (nullptr: back to stderr). `out` must outlive its
// use; writes to it are serialised by the logger.
void SetOutputForTesting(std::ostream* out);

}  // namespace symphony::log
