#include "server/config.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

// toml++ reports parse errors by throwing; the exception never leaves this file.
#include <toml++/toml.h>

#include "util/log.h"

namespace symphony::server {

namespace {

enum class Kind : uint8_t {
  kString,  // any text (check_text may refuse some)
  kChoice,  // one word of `choices`
  kUint,    // decimal integer in [min, max]
  kBytes,   // like kUint; text may end in KiB, MiB or GiB
};

// How one ServerOptions field is read, written and checked. Integer fields are set through
// uint64_t (after the range check), the others through text (enums as their word).
struct Spec {
  const char* name;
  const char* group;
  const char* value_name;
  const char* help;
  Kind kind;
  uint64_t min = 0;
  uint64_t max = 0;
  std::vector<std::string> choices;
  // kUint, kBytes
  void (*set_uint)(ServerOptions&, uint64_t) = nullptr;
  bool (*uint_in_range)(const ServerOptions&, uint64_t min, uint64_t max) = nullptr;
  uint64_t (*get_uint)(const ServerOptions&) = nullptr;  // only once in range
  std::string (*show_uint)(const ServerOptions&) = nullptr;
  // kString, kChoice
  std::string (*get_text)(const ServerOptions&) = nullptr;
  void (*set_text)(ServerOptions&, std::string_view) = nullptr;
  // kString: why a value is refused (without the option's name), or nullptr.
  const char* (*check_text)(std::string_view) = nullptr;
};

template <auto M>
using FieldType = std::remove_cvref_t<decltype(std::declval<ServerOptions&>().*M)>;

template <auto M>
Spec UintSpec(const char* name, const char* group, const char* value_name, const char* help,
              uint64_t min, uint64_t max = std::numeric_limits<FieldType<M>>::max(),
              Kind kind = Kind::kUint) {
  using T = FieldType<M>;
  Spec s{name, group, value_name, help, kind, min, max};
  s.set_uint = [](ServerOptions& o, uint64_t v) { o.*M = static_cast<T>(v); };
  s.uint_in_range = [](const ServerOptions& o, uint64_t lo, uint64_t hi) {
    if constexpr (std::is_signed_v<T>) {
      if (o.*M < 0) return false;
    }
    const uint64_t v = static_cast<uint64_t>(o.*M);
    return v >= lo && v <= hi;
  };
  s.get_uint = [](const ServerOptions& o) { return static_cast<uint64_t>(o.*M); };
  s.show_uint = [](const ServerOptions& o) { return std::to_string(o.*M); };
  return s;
}

template <auto M>
Spec BytesSpec(const char* name, const char* group, const char* help) {
  return UintSpec<M>(name, group, "BYTES", help, 1, std::numeric_limits<FieldType<M>>::max(),
                     Kind::kBytes);
}

template <auto M>
Spec StringSpec(const char* name, const char* group, const char* value_name, const char* help,
                const char* (*check)(std::string_view) = nullptr) {
  Spec s{name, group, value_name, help, Kind::kString};
  s.get_text = [](const ServerOptions& o) { return std::string(o.*M); };
  s.set_text = [](ServerOptions& o, std::string_view v) { o.*M = std::string(v); };
  s.check_text = check;
  return s;
}

// A string field limited to `choices`.
template <auto M>
Spec ChoiceSpec(const char* name, const char* group, const char* help,
                std::vector<std::string> choices) {
  Spec s = StringSpec<M>(name, group, "", help);
  s.kind = Kind::kChoice;
  s.choices = std::move(choices);
  return s;
}

// An enum field whose enumerators 0, 1, ... are spelled Names[0], Names[1], ...
template <auto M, const auto& Names>
Spec EnumSpec(const char* name, const char* group, const char* help) {
  Spec s{name, group, "", help, Kind::kChoice};
  s.choices.assign(Names.begin(), Names.end());
  s.get_text = [](const ServerOptions& o) {
    const auto i = static_cast<size_t>(o.*M);
    return i < Names.size() ? std::string(Names[i]) : std::to_string(i);
  };
  s.set_text = [](ServerOptions& o, std::string_view v) {
    for (size_t i = 0; i < Names.size(); ++i) {
      if (Names[i] == v) o.*M = static_cast<FieldType<M>>(i);
    }
  };
  return s;
}

const char* CheckHost(std::string_view v) {
  return v.empty() ? "must not be empty (0.0.0.0 listens on every interface)" : nullptr;
}
const char* CheckPath(std::string_view v) {
  if (v.empty() || v[0] != '/') return "must start with '/'";
  if (v.find_first_of(" \t\r\n?#") != std::string_view::npos) {
    return "must not hold spaces, '?' or '#'";
  }
  return nullptr;
}
const char* CheckNonEmpty(std::string_view v) { return v.empty() ? "must not be empty" : nullptr; }

constexpr std::array<std::string_view, 3> kFsyncNames = {"always", "normal", "off"};
constexpr std::array<std::string_view, 2> kLogFormatNames = {"text", "json"};
static_assert(static_cast<size_t>(storage::FsyncPolicy::kOff) == 2);
static_assert(static_cast<size_t>(LogFormat::kJson) == 1);

std::vector<std::string> LogLevels() {
  std::vector<std::string> out;
  for (int i = 0; i <= static_cast<int>(log::Level::kOff); ++i) {
    out.emplace_back(log::LevelName(static_cast<log::Level>(i)));
  }
  return out;
}

// Every field of ServerOptions, in its order. Keep in step with options.h and
// doc/server_options.md (config_test checks the doc).
const std::vector<Spec>& Specs() {
  using O = ServerOptions;
  static const std::vector<Spec> specs = {
      StringSpec<&O::host>("host", "Listening", "HOST",
                           "Address to listen on (0.0.0.0: every IPv4 interface)", CheckHost),
      UintSpec<&O::port>("port", "Listening", "PORT", "TCP port; 0 picks a free port", 0),
      UintSpec<&O::threads>("threads", "Listening", "N",
                            "Event loop threads serving sockets and rooms; 0: one per core", 0,
                            1024),
      StringSpec<&O::hocuspocus_path>(
          "hocuspocus_path", "Listening", "PATH",
          "URL path of the Hocuspocus endpoint; every other path is a y-websocket room", CheckPath),
      StringSpec<&O::static_dir>("static_dir", "Listening", "DIR",
                                 "Static files served at / (empty: the built-in demo when "
                                 "installed; \"none\": serve nothing)"),
      StringSpec<&O::data_dir>("data_dir", "Storage", "DIR",
                               "Directory of the embedded database (storage = sqlite)",
                               CheckNonEmpty),
      ChoiceSpec<&O::storage>("storage", "Storage",
                              "Storage backend; memory keeps nothing across restarts (tests)",
                              {"sqlite", "memory"}),
      EnumSpec<&O::fsync, kFsyncNames>(
          "fsync", "Storage",
          "always: every commit survives power loss; normal: survives kill -9, may lose the "
          "last commits on power loss; off: tests only"),
      UintSpec<&O::storage_max_bytes>(
          "storage_max_bytes", "Storage", "BYTES",
          "Cap on stored data; writes past it fail as on a full disk (retried, nothing lost); "
          "0: no cap",
          0, std::numeric_limits<uint64_t>::max(), Kind::kBytes),
      BytesSpec<&O::compact_log_bytes>(
          "compact_log_bytes", "Storage",
          "Compact a room (snapshot, drop its log) when its log exceeds this many bytes"),
      UintSpec<&O::compact_log_records>("compact_log_records", "Storage", "N",
                                        "...or this many records", 1),
      UintSpec<&O::room_grace_ms>("room_grace_ms", "Storage", "MS",
                                  "Unload a room this long after its last client left (a "
                                  "snapshot is written first); 0: at once",
                                  0),
      UintSpec<&O::load_timeout_ms>("load_timeout_ms", "Storage", "MS",
                                    "How long joiners wait for a room to load before they are "
                                    "told it failed",
                                    1),
      BytesSpec<&O::max_frame_bytes>(
          "max_frame_bytes", "Limits",
          "Largest WebSocket message accepted; bigger ones close the connection with 1009"),
      BytesSpec<&O::max_doc_bytes>(
          "max_doc_bytes", "Limits",
          "Largest encoded document a room may grow to; updates past it are refused"),
      UintSpec<&O::max_connections_per_room>("max_connections_per_room", "Limits", "N",
                                             "Connections per room; joiners past it are refused",
                                             1),
      UintSpec<&O::max_messages_per_second>(
          "max_messages_per_second", "Limits", "N",
          "Messages per second per connection (token bucket, burst of twice the rate)", 1),
      BytesSpec<&O::max_send_queue_bytes>(
          "max_send_queue_bytes", "Limits",
          "Bytes queued for one connection; past it the connection is closed (slow reader)"),
      UintSpec<&O::max_json_depth>("max_json_depth", "Limits", "N",
                                   "Nesting depth of decoded JSON values (awareness)", 1, 1000),
      UintSpec<&O::max_awareness_clients>("max_awareness_clients", "Limits", "N",
                                          "Awareness entries one connection may hold", 1),
      UintSpec<&O::ping_interval_ms>("ping_interval_ms", "Timers", "MS",
                                     "Ping connections silent this long; drop them when "
                                     "nothing arrives for twice this long",
                                     1),
      UintSpec<&O::awareness_timeout_ms>(
          "awareness_timeout_ms", "Timers", "MS",
          "Awareness states not renewed this long are removed for everyone", 1),
      UintSpec<&O::shutdown_timeout_ms>(
          "shutdown_timeout_ms", "Timers", "MS",
          "On SIGTERM: stop accepting, flush, snapshot, close; exit anyway after this long", 1),
      StringSpec<&O::auth_secret>("auth_secret", "Auth", "SECRET",
                                  "HS256 secret for client tokens; empty: the server runs open "
                                  "(prefer SYMPHONY_AUTH_SECRET: flags show in ps)"),
      StringSpec<&O::admin_token>("admin_token", "Auth", "TOKEN",
                                  "Token required by /api/*, /dashboard (and /metrics with "
                                  "metrics_auth = admin); empty: open"),
      ChoiceSpec<&O::metrics_auth>("metrics_auth", "Auth", "Whether /metrics needs the admin token",
                                   {"open", "admin"}),
      ChoiceSpec<&O::log_level>("log_level", "Logs", "Least severe log level written", LogLevels()),
      EnumSpec<&O::log_format, kLogFormatNames>(
          "log_format", "Logs", "text: one readable line per event; json: JSON lines"),
  };
  return specs;
}

const Spec* FindSpec(std::string_view name) {
  for (const Spec& s : Specs()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::string FlagName(std::string_view name) {
  std::string f = "--";
  for (char c : name) f += c == '_' ? '-' : c;
  return f;
}

std::string EnvName(std::string_view name) {
  std::string e = "SYMPHONY_";
  for (char c : name) e += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return e;
}

std::string JoinChoices(const std::vector<std::string>& choices, std::string_view sep) {
  std::string out;
  for (const std::string& c : choices) {
    if (!out.empty()) out += sep;
    out += c;
  }
  return out;
}

constexpr uint64_t kKiB = 1024, kMiB = kKiB << 10, kGiB = kMiB << 10;

std::string FormatBytes(uint64_t v) {
  if (v == 0) return "0";
  if (v % kGiB == 0) return std::to_string(v / kGiB) + "GiB";
  if (v % kMiB == 0) return std::to_string(v / kMiB) + "MiB";
  if (v % kKiB == 0) return std::to_string(v / kKiB) + "KiB";
  return std::to_string(v);
}

bool ParseDecimal(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string Range(const Spec& spec) {
  return "(" + std::to_string(spec.min) + ".." + std::to_string(spec.max) + ")";
}

// Sets an integer option to `v` ("" on success, else the problem). `shown` is the value as the
// user wrote it.
std::string ApplyUint(const Spec& spec, uint64_t v, std::string_view shown, ServerOptions* o) {
  if (v < spec.min || v > spec.max) {
    return std::string(shown) + " is out of range " + Range(spec);
  }
  spec.set_uint(*o, v);
  return "";
}

// Sets the option from text (a flag, an environment variable, a TOML string).
std::string ApplyText(const Spec& spec, std::string_view text, ServerOptions* o) {
  const std::string quoted = "'" + std::string(text) + "'";
  switch (spec.kind) {
    case Kind::kString:
      if (spec.check_text != nullptr) {
        if (const char* why = spec.check_text(text)) return quoted + ": " + why;
      }
      spec.set_text(*o, text);
      return "";
    case Kind::kChoice:
      for (const std::string& c : spec.choices) {
        if (text == c) {
          spec.set_text(*o, text);
          return "";
        }
      }
      return quoted + " is not one of " + JoinChoices(spec.choices, ", ");
    case Kind::kUint: {
      uint64_t v = 0;
      if (!ParseDecimal(text, &v)) {
        const bool overflow =
            !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
        if (overflow) return quoted + " is out of range " + Range(spec);
        return quoted + " is not a non-negative integer";
      }
      return ApplyUint(spec, v, text, o);
    }
    case Kind::kBytes: {
      std::string_view digits = text;
      uint64_t unit = 1;
      for (const auto& [suffix, mult] :
           {std::pair<std::string_view, uint64_t>{"KiB", kKiB}, {"MiB", kMiB}, {"GiB", kGiB}}) {
        if (digits.size() > suffix.size() && digits.ends_with(suffix)) {
          digits.remove_suffix(suffix.size());
          unit = mult;
          break;
        }
      }
      uint64_t v = 0;
      const bool all_digits =
          !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
      if (!all_digits) {
        return quoted + " is not a byte count (digits, optionally followed by KiB, MiB or GiB)";
      }
      if (!ParseDecimal(digits, &v) || v > spec.max / unit) {
        return quoted + " is out of range " + Range(spec);
      }
      return ApplyUint(spec, v * unit, text, o);
    }
  }
  return "unsupported option kind";
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string UnknownKey(std::string_view key) {
  std::string msg = "unknown key '" + std::string(key) + "'";
  const Spec* best = nullptr;
  size_t best_distance = 3;  // suggest only close spellings
  for (const Spec& s : Specs()) {
    const size_t d = EditDistance(key, s.name);
    if (d < best_distance) {
      best = &s;
      best_distance = d;
    }
  }
  if (best != nullptr) return msg + " (did you mean '" + best->name + "'?)";
  return msg + " ('symphony serve --help' lists the options; keys are their names with '_')";
}

std::string_view TomlTypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date/time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// Sets an option from a TOML value ("" on success, else the problem).
std::string ApplyToml(const Spec& spec, const toml::node& node, ServerOptions* o) {
  if (spec.kind == Kind::kUint || spec.kind == Kind::kBytes) {
    if (const auto* i = node.as_integer()) {
      const int64_t v = i->get();
      if (v < 0) return std::to_string(v) + " is out of range " + Range(spec);
      return ApplyUint(spec, static_cast<uint64_t>(v), std::to_string(v), o);
    }
    if (spec.kind == Kind::kBytes) {
      if (const auto* s = node.as_string()) return ApplyText(spec, s->get(), o);
      return "expected an integer or a string such as \"16MiB\", got " +
             std::string(TomlTypeName(node));
    }
    return "expected an integer, got " + std::string(TomlTypeName(node));
  }
  if (const auto* s = node.as_string()) return ApplyText(spec, s->get(), o);
  return "expected a string, got " + std::string(TomlTypeName(node));
}

std::string Where(const std::string& file, const toml::source_region& at) {
  return file + ":" + std::to_string(at.begin.line);
}

void ApplyTomlText(const std::string& text, const std::string& file, ServerOptions* o,
                   std::vector<std::string>* errors) {
  toml::table table;
  try {
    table = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    errors->push_back(file + ":" + std::to_string(e.source().begin.line) + ":" +
                      std::to_string(e.source().begin.column) + ": " +
                      std::string(e.description()));
    return;
  }
  // The table iterates in key order; report in line order.
  std::vector<std::pair<toml::source_index, std::string>> found;
  for (auto&& [key, node] : table) {
    const Spec* spec = FindSpec(key.str());
    if (spec == nullptr) {
      found.emplace_back(key.source().begin.line,
                         Where(file, key.source()) + ": " + UnknownKey(key.str()));
      continue;
    }
    const std::string problem = ApplyToml(*spec, node, o);
    if (!problem.empty()) {
      found.emplace_back(node.source().begin.line,
                         Where(file, node.source()) + ": " + spec->name + ": " + problem);
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [line, message] : found) errors->push_back(std::move(message));
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status(StatusCode::kIo, "cannot read config file " + path + ": " + std::strerror(errno));
  }
  std::string out;
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) {
    return Status(StatusCode::kIo, "cannot read config file " + path + ": " + std::strerror(err));
  }
  return out;
}

std::string DefaultText(const Spec& spec, const ServerOptions& o) {
  switch (spec.kind) {
    case Kind::kUint:
      return spec.show_uint(o);
    case Kind::kBytes:
      return FormatBytes(spec.get_uint(o));
    case Kind::kString:
    case Kind::kChoice:
      return spec.get_text(o);
  }
  return "";
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

void AppendTomlString(std::string* out, std::string_view s) {
  *out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += c;
    } else if (u < 0x20 || u == 0x7F) {
      char esc[8];
      std::snprintf(esc, sizeof(esc), "\\u%04x", u);
      *out += esc;
    } else {
      *out += c;
    }
  }
  *out += '"';
}

}  // namespace

const std::vector<OptionInfo>& ListOptions() {
  static const std::vector<OptionInfo> infos = [] {
    std::vector<OptionInfo> out;
    const ServerOptions defaults;
    for (const Spec& s : Specs()) {
      std::string value_name = s.value_name;
      if (s.kind == Kind::kChoice) value_name = JoinChoices(s.choices, "|");
      out.push_back({s.name, FlagName(s.name), EnvName(s.name), s.group, value_name, s.help,
                     DefaultText(s, defaults)});
    }
    return out;
  }();
  return infos;
}

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<ServerOptions> ResolveOptions(const ConfigSources& sources) {
  ServerOptions o;
  std::vector<std::string> errors;

  // 1. The TOML file.
  std::optional<std::string> text = sources.config_text;
  std::string file = sources.config_file;
  if (!text && !file.empty()) {
    Result<std::string> read = ReadTextFile(file);
    if (!read.ok()) return read.status();
    text = std::move(read.value());
  } else if (!text && !sources.default_config_file.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(sources.default_config_file, ec)) {
      file = sources.default_config_file;
      Result<std::string> read = ReadTextFile(file);
      if (!read.ok()) return read.status();
      text = std::move(read.value());
    }
  }
  if (text) ApplyTomlText(*text, file.empty() ? "<config>" : file, &o, &errors);

  // 2. The environment.
  if (sources.env) {
    for (const Spec& spec : Specs()) {
      std::string var = EnvName(spec.name);
      std::optional<std::string> value = sources.env(var);
      if ((!value || value->empty()) && std::string_view(spec.name) == "data_dir") {
        var = "SYMPHONY_DATA";
        value = sources.env(var);
      }
      if (!value || value->empty()) continue;
      const std::string problem = ApplyText(spec, *value, &o);
      if (!problem.empty()) errors.push_back(var + ": " + problem);
    }
  }

  // 3. The flags.
  for (const auto& [name, value] : sources.flags) {
    const Spec* spec = FindSpec(name);
    if (spec == nullptr) {
      errors.push_back("unknown option '" + name + "'");
      continue;
    }
    const std::string problem = ApplyText(*spec, value, &o);
    if (!problem.empty()) errors.push_back(FlagName(name) + ": " + problem);
  }

  if (!errors.empty()) return Status(StatusCode::kInvalid, Join(errors));
  return o;
}

Status ValidateOptions(const ServerOptions& o) {
  std::vector<std::string> errors;
  for (const Spec& spec : Specs()) {
    std::string problem;
    if (spec.kind == Kind::kUint || spec.kind == Kind::kBytes) {
      if (!spec.uint_in_range(o, spec.min, spec.max)) {
        problem = spec.show_uint(o) + " is out of range " + Range(spec);
      }
    } else {
      ServerOptions scratch;
      problem = ApplyText(spec, spec.get_text(o), &scratch);
    }
    if (!problem.empty()) errors.push_back(std::string(spec.name) + ": " + problem);
  }
  if (!errors.empty()) return Status(StatusCode::kInvalid, Join(errors));
  return Status::Ok();
}

std::string OptionsToToml(const ServerOptions& o) {
  std::string out = "# symphony serve options (doc/server_options.md)\n";
  std::string_view group;
  for (const Spec& spec : Specs()) {
    if (spec.group != group) {
      group = spec.group;
      out += "\n# --- ";
      out += group;
      out += '\n';
    }
    out += "# ";
    out += spec.help;
    out += '\n';
    out += spec.name;
    out += " = ";
    if (spec.kind == Kind::kUint || spec.kind == Kind::kBytes) {
      out += spec.show_uint(o);
      if (spec.kind == Kind::kBytes) {
        const std::string pretty = FormatBytes(spec.get_uint(o));
        if (pretty != spec.show_uint(o)) out += "  # " + pretty;
      }
    } else {
      AppendTomlString(&out, spec.get_text(o));
    }
    out += '\n';
  }
  return out;
}

}  // namespace symphony::server
