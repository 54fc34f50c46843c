#include "util/log.h"

#include <spdlog/formatter.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <time.h>

#include <cmath>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>

namespace symphony::log {

namespace {

using Buffer = spdlog::memory_buf_t;

constexpr std::string_view kLevelNames[] = {"trace", "debug", "info", "warn", "error", "off"};

void Append(Buffer& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

// Length of the valid UTF-8 sequence starting at s[i], or 0 if the bytes there are not one
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
size_t Utf8Length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b = byte(i);
  if (b < 0x80) return 1;
  size_t n;
  uint8_t lo = 0x80, hi = 0xBF;  // range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

void AppendHexByte(Buffer& out, std::string_view prefix, uint8_t b) {
  constexpr char kHex[] = "0123456789abcdef";
  Append(out, prefix);
  out.push_back(kHex[b >> 4]);
  out.push_back(kHex[b & 15]);
}

// Text format: control characters, DEL and invalid UTF-8 as Go-style escapes; with `quoted`, also
// '"' and '\'.
void AppendTextEscaped(Buffer& out, std::string_view s, bool quoted) {
  for (size_t i = 0; i < s.size();) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    const size_t n = Utf8Length(s, i);
    if (n > 1) {
      Append(out, s.substr(i, n));
      i += n;
      continue;
    }
    ++i;
    if (n == 0 || b < 0x20 || b == 0x7F) {
      switch (b) {
        case '\n':
          Append(out, "\\n");
          break;
        case '\r':
          Append(out, "\\r");
          break;
        case '\t':
          Append(out, "\\t");
          break;
        default:
          AppendHexByte(out, "\\x", b);
      }
    } else if (quoted && (b == '"' || b == '\\')) {
      out.push_back('\\');
      out.push_back(static_cast<char>(b));
    } else {
      out.push_back(static_cast<char>(b));
    }
  }
}

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  for (size_t i = 0; i < s.size();) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    const size_t n = Utf8Length(s, i);
    if (n == 0 || b <= ' ' || b == 0x7F || b == '"' || b == '=' || b == '\\') return true;
    i += n;
  }
  return false;
}

void AppendTextValue(Buffer& out, std::string_view s) {
  if (!NeedsQuotes(s)) {
    Append(out, s);
    return;
  }
  out.push_back('"');
  AppendTextEscaped(out, s, /*quoted=*/true);
  out.push_back('"');
}

// Keys are chosen by the programmer, but a bad one must still not break the line's syntax.
void AppendTextKey(Buffer& out, std::string_view key) {
  if (key.empty()) {
    out.push_back('_');
    return;
  }
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-' || c == '/' || c == ':';
    out.push_back(ok ? c : '_');
  }
}

// A JSON string with its quotes; invalid UTF-8 becomes U+FFFD.
void AppendJsonString(Buffer& out, std::string_view s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    const size_t n = Utf8Length(s, i);
    if (n == 0) {
      Append(out, "\\ufffd");
      ++i;
      continue;
    }
    if (n > 1) {
      Append(out, s.substr(i, n));
      i += n;
      continue;
    }
    ++i;
    switch (b) {
      case '"':
        Append(out, "\\\"");
        break;
      case '\\':
        Append(out, "\\\\");
        break;
      case '\n':
        Append(out, "\\n");
        break;
      case '\r':
        Append(out, "\\r");
        break;
      case '\t':
        Append(out, "\\t");
        break;
      case '\b':
        Append(out, "\\b");
        break;
      case '\f':
        Append(out, "\\f");
        break;
      default:
        if (b < 0x20 || b == 0x7F) {
          AppendHexByte(out, "\\u00", b);
        } else {
          out.push_back(static_cast<char>(b));
        }
    }
  }
  out.push_back('"');
}

void AppendNumber(Buffer& out, const Field& f, bool json) {
  switch (f.kind()) {
    case Field::Kind::kInt:
      fmt::format_to(std::back_inserter(out), "{}", f.int_value());
      return;
    case Field::Kind::kUint:
      fmt::format_to(std::back_inserter(out), "{}", f.uint_value());
      return;
    case Field::Kind::kBool:
      Append(out, f.bool_value() ? "true" : "false");
      return;
    case Field::Kind::kDouble: {
      const double d = f.double_value();
      if (std::isfinite(d)) {
        fmt::format_to(std::back_inserter(out), "{}", d);
      } else if (json) {
        Append(out, "null");
      } else {
        Append(out, std::isnan(d) ? "NaN" : (d > 0 ? "+Inf" : "-Inf"));
      }
      return;
    }
    case Field::Kind::kString:
      return;
  }
}

// "2026-11-23T10:00:00" for a whole second, cached: consecutive lines mostly share it.
class TimeCache {
 public:
  std::string_view Seconds(time_t secs) {
    if (secs != cached_ || len_ == 0) {
      struct tm tm;
      gmtime_r(&secs, &tm);
      const auto r = fmt::format_to_n(buf_, sizeof(buf_), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                                      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                      tm.tm_min, tm.tm_sec);
      len_ = std::min(r.size, sizeof(buf_));
      cached_ = secs;
    }
    return {buf_, len_};
  }

 private:
  time_t cached_ = 0;
  char buf_[32];
  size_t len_ = 0;
};

void AppendLine(Buffer& out, TimeCache& times, bool json, std::chrono::system_clock::time_point t,
                Level level, std::string_view msg, std::span<const Field> fields) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const time_t secs = static_cast<time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int millis = static_cast<int>(ms - static_cast<int64_t>(secs) * 1000);
  const std::string_view name = LevelName(level);
  if (json) {
    Append(out, "{\"ts\":\"");
    Append(out, times.Seconds(secs));
    fmt::format_to(std::back_inserter(out), ".{:03}Z\",\"level\":\"", millis);
    Append(out, name);
    Append(out, "\",\"msg\":");
    AppendJsonString(out, msg);
    for (const Field& f : fields) {
      out.push_back(',');
      const std::string_view k = f.key();
      if (k == "ts" || k == "level" || k == "msg") {
        Append(out, "\"_");
        Append(out, k);
        out.push_back('"');
      } else {
        AppendJsonString(out, k);
      }
      out.push_back(':');
      if (f.kind() == Field::Kind::kString) {
        AppendJsonString(out, f.string_value());
      } else {
        AppendNumber(out, f, /*json=*/true);
      }
    }
    out.push_back('}');
    return;
  }
  Append(out, times.Seconds(secs));
  fmt::format_to(std::back_inserter(out), ".{:03}Z ", millis);
  Append(out, name);
  for (size_t pad = name.size(); pad < 6; ++pad) out.push_back(' ');
  AppendTextEscaped(out, msg, /*quoted=*/false);
  for (const Field& f : fields) {
    out.push_back(' ');
    AppendTextKey(out, f.key());
    out.push_back('=');
    if (f.kind() == Field::Kind::kString) {
      AppendTextValue(out, f.string_value());
    } else {
      AppendNumber(out, f, /*json=*/false);
    }
  }
}

// The fields of the event being written by this thread. Write() sets them around the synchronous
// logger call; the formatter, which runs on the same thread under the sink's mutex, reads them.
// Lines logged through spdlog directly have none.
thread_local std::span<const Field> t_fields;

Level FromSpdlog(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
      return Level::kTrace;
    case spdlog::level::debug:
      return Level::kDebug;
    case spdlog::level::info:
      return Level::kInfo;
    case spdlog::level::warn:
      return Level::kWarn;
    default:
      return Level::kError;  // err, critical
  }
}

spdlog::level::level_enum ToSpdlog(Level l) {
  switch (l) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(bool json) : json_(json) {}

  void format(const spdlog::details::log_msg& msg, Buffer& dest) override {
    AppendLine(dest, times_, json_, msg.time, FromSpdlog(msg.level),
               std::string_view(msg.payload.data(), msg.payload.size()), t_fields);
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(json_);
  }

 private:
  bool json_;
  TimeCache times_;
};

// The process's one logger. Its sink is a distributor (so tests can swap stderr for a stream
// while other threads log); it is never destroyed, so logging from static destructors is safe.
struct State {
  std::mutex mu;  // serialises Setup and SetOutputForTesting
  bool json = false;
  std::shared_ptr<spdlog::sinks::dist_sink_mt> dist;
  std::shared_ptr<spdlog::logger> logger;
};

State& GetState() {
  static State* const state = [] {
    auto* s = new State;
    s->dist = std::make_shared<spdlog::sinks::dist_sink_mt>();
    s->dist->set_sinks({std::make_shared<spdlog::sinks::stderr_sink_mt>()});
    s->dist->set_formatter(std::make_unique<LineFormatter>(false));
    s->logger = std::make_shared<spdlog::logger>("symphony", s->dist);
    s->logger->set_level(ToSpdlog(static_cast<Level>(detail::g_min_level.load())));
    spdlog::set_default_logger(s->logger);
    return s;
  }();
  return *state;
}

}  // namespace

std::string_view LevelName(Level level) {
  const auto i = static_cast<size_t>(level);
  return i < std::size(kLevelNames) ? kLevelNames[i] : "unknown";
}

std::string_view ValidLevels() { return "trace, debug, info, warn, error, off"; }

Result<Level> ParseLevel(std::string_view name) {
  for (size_t i = 0; i < std::size(kLevelNames); ++i) {
    if (name == kLevelNames[i]) return static_cast<Level>(i);
  }
  return Status(StatusCode::kInvalid, "unknown log level '" + std::string(name) +
                                          "' (valid: " + std::string(ValidLevels()) + ")");
}

void Setup(Level level, bool json) {
  State& s = GetState();
  std::lock_guard lock(s.mu);
  s.json = json;
  s.dist->set_formatter(std::make_unique<LineFormatter>(json));
  s.logger->set_level(ToSpdlog(level));
  detail::g_min_level.store(static_cast<uint8_t>(level), std::memory_order_relaxed);
}

Status Setup(std::string_view level, bool json) {
  Result<Level> parsed = ParseLevel(level);
  if (!parsed.ok()) return parsed.status();
  Setup(parsed.value(), json);
  return Status::Ok();
}

void Write(Level level, std::string_view msg, std::span<const Field> fields) {
  if (!Enabled(level)) return;
  State& s = GetState();
  t_fields = fields;
  s.logger->log(ToSpdlog(level), spdlog::string_view_t(msg.data(), msg.size()));
  t_fields = {};
}

std::string FormatLine(bool json, std::chrono::system_clock::time_point time, Level level,
                       std::string_view msg, std::span<const Field> fields) {
  Buffer buf;
  TimeCache times;
  AppendLine(buf, times, json, time, level, msg, fields);
  return std::string(buf.data(), buf.size());
}

void SetOutputForTesting(std::ostream* out) {
  State& s = GetState();
  std::lock_guard lock(s.mu);
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (out == nullptr) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out, /*force_flush=*/true);
  }
  sink->set_formatter(std::make_unique<LineFormatter>(s.json));
  s.dist->set_sinks({sink});
}

}  // namespace symphony::log
