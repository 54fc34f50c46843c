// `symphony serve`: runs the collaboration server. This file only wires CLI11: every option of
// ServerOptions becomes a flag (from server/config.h's table), the flags actually given are
// handed as text to ResolveOptions, which merges them over the TOML file and the environment.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "server/config.h"
#include "server/server.h"
#include "util/log.h"

namespace symphony::cli {

namespace {

struct ServeArgs {
  std::string config;
  bool print_config = false;
  std::map<std::string, std::string> values;  // option name -> text given
  std::vector<std::pair<std::string, const CLI::Option*>> options;
};

int RunServe(const ServeArgs& args) {
  server::ConfigSources sources;
  sources.config_file = args.config;
  sources.env = server::ProcessEnvironment();
  for (const auto& [name, option] : args.options) {
    if (option->count() > 0) sources.flags.emplace_back(name, args.values.at(name));
  }
  Result<server::ServerOptions> options = server::ResolveOptions(sources);
  if (!options.ok()) return Fail(kExitError, options.status().message());
  if (args.print_config) {
    std::cout << server::OptionsToToml(options.value());
    return kExitOk;
  }
  Status st = log::Setup(options->log_level, options->log_format == server::LogFormat::kJson);
  if (!st.ok()) return Fail(kExitError, st.message());
  return server::RunServer(options.value());
}

std::string Describe(const server::OptionInfo& info) {
  std::string d = info.help;
  d += " [default: ";
  d += info.default_value.empty() ? "\"\"" : info.default_value;
  d += "] [env: ";
  d += info.env;
  if (info.name == "data_dir") d += " or SYMPHONY_DATA";
  d += "]";
  return d;
}

constexpr char kServeFooter[] =
    R"(Each option can also be set in a TOML file (key: the option's name with '_', e.g.
max_frame_bytes = 1048576) and in an environment variable (SYMPHONY_<NAME>, e.g.
SYMPHONY_MAX_FRAME_BYTES=1MiB). Later sources win: defaults < TOML file (--config, or
./symphony.toml when it exists) < environment < flags. Sizes (BYTES) take KiB, MiB or GiB.
The full table: doc/server_options.md.

Exit status: 0 after a clean shutdown (SIGTERM or SIGINT), 1 on a configuration error or when
the server cannot start.

Examples:
  symphony serve
  symphony serve --port 9000 --data /var/lib/symphony
  symphony serve --config /etc/symphony.toml --log-format json
  SYMPHONY_PORT=0 symphony serve --storage memory --fsync off --log-level debug
  symphony serve --config prod.toml --print-config > effective.toml)";

}  // namespace

void RegisterServeCommand(CLI::App& app, CommandRunner* runner) {
  CLI::App* serve = app.add_subcommand(
      "serve", "Run the collaboration server (y-websocket, Hocuspocus, HTTP API, /metrics)");
  serve->footer(kServeFooter);
  auto args = std::make_shared<ServeArgs>();
  serve
      ->add_option("--config,-c", args->config,
                   "TOML file of options [default: ./symphony.toml when it exists]")
      ->type_name("FILE")
      ->group("Configuration");
  serve
      ->add_flag("--print-config", args->print_config,
                 "Print the resolved options as TOML and exit, without serving")
      ->group("Configuration");
  for (const server::OptionInfo& info : server::ListOptions()) {
    std::string names = info.flag;
    if (info.name == "data_dir") names += ",--data";
    CLI::Option* option = serve->add_option(names, args->values[info.name], Describe(info))
                              ->type_name(info.value_name)
                              ->group(info.group)
                              ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    args->options.emplace_back(info.name, option);
  }
  serve->callback([runner, args] { *runner = [args] { return RunServe(*args); }; });
}

}  // namespace symphony::cli
