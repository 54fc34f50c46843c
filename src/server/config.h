// Config: ServerOptions from defaults, a TOML file, SYMPHONY_* environment variables and
// command-line flags, later sources winning (the order and names are in options.h; the table of
// every option is doc/server_options.md).
//
// ResolveOptions does all of it without CLI11, so it is testable: the CLI (src/cli/
// serve_command.cc) only collects which flags were given, as text, and prints the error.
//
//   TOML    port = 9000            max_frame_bytes = 1048576 (or "1MiB")   fsync = "normal"
//   env     SYMPHONY_PORT=9000     SYMPHONY_MAX_FRAME_BYTES=1MiB           SYMPHONY_FSYNC=normal
//   flag    --port 9000            --max-frame-bytes 1MiB                  --fsync normal
//
// Values given as text (env, flags, TOML strings for byte sizes) are parsed strictly: integers
// are decimal digits only; byte sizes may end in KiB, MiB or GiB; enums must be one of the listed
// words. SYMPHONY_DATA is an alias of SYMPHONY_DATA_DIR (which wins when both are set). An empty
// environment variable counts as unset.
//
// Errors (kInvalid; kIo when the file cannot be read) name the source and the option, e.g.
//   symphony.toml:3: port: 70000 is out of range (0..65535)
//   symphony.toml:5: unknown key 'max_frame_byte' (did you mean 'max_frame_bytes'?)
//   SYMPHONY_FSYNC: 'sometimes' is not one of always, normal, off
//   --max-doc-bytes: 0 is out of range (1..18446744073709551615)
// Every problem found is reported, one per line.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/options.h"
#include "util/status.h"

namespace symphony::server {

// One field of ServerOptions as users see it in each source.
struct OptionInfo {
  std::string name;           // field name and TOML key: "max_frame_bytes"
  std::string flag;           // "--max-frame-bytes"
  std::string env;            // "SYMPHONY_MAX_FRAME_BYTES"
  std::string group;          // "Listening", "Storage", "Limits", "Timers", "Logs"
  std::string value_name;     // for --help: "BYTES", "MS", "always|normal|off"
  std::string help;           // one sentence
  std::string default_value;  // as a user would write it: "16MiB", "always", "" (empty string)
};

// Every option, in the order of ServerOptions. The returned reference is to a static table.
const std::vector<OptionInfo>& ListOptions();

// Returns the value of an environment variable, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
// The process environment (std::getenv).
EnvLookup ProcessEnvironment();

inline constexpr char kDefaultConfigFile[] = "symphony.toml";

struct ConfigSources {
  // The TOML file given with --config; it must exist. When empty, default_config_file is read if
  // it exists (and silently skipped if it does not); set that to "" to read no file.
  std::string config_file;
  std::string default_config_file = kDefaultConfigFile;
  // TOML text to use instead of reading a file (tests); config_file (or "<config>") names it in
  // messages.
  std::optional<std::string> config_text;
  // Environment; null: no environment variables.
  EnvLookup env;
  // Flags actually given on the command line: (option name as in OptionInfo::name, value text).
  // Later entries win over earlier ones for the same name.
  std::vector<std::pair<std::string, std::string>> flags;
};

// Defaults < TOML < environment < flags, each value parsed and validated.
Result<ServerOptions> ResolveOptions(const ConfigSources& sources);

// Checks the ranges and words of options built in code (what ResolveOptions checks per value).
Status ValidateOptions(const ServerOptions& options);

// `options` as a TOML file that ResolveOptions reads back to the same options (every key, with
// group comments). For `symphony serve --print-config`.
std::string OptionsToToml(const ServerOptions& options);

}  // namespace symphony::server
