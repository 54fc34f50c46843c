// symphony: one binary, one subcommand per tool (`symphony doc ...`; more subcommands register
// themselves the same way, see command.h).
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "cli/command.h"

namespace {

constexpr char kFooter[] = R"(Run 'symphony <command> --help' for a command's options and examples.

Examples:
  symphony doc apply --updates session.bin --out state.bin --json
  symphony doc diff --state state.bin --sv remote.sv --out missing.bin
  symphony doc inspect missing.bin
  symphony serve --port 8080 --data ./data
  symphony bench --url ws://127.0.0.1:8080 --users 40 --room-size 4 --duration 10
  symphony token --room board-1 --access rw --user user-42 --ttl 1h
  symphony inspect board-1 --json
  symphony export board-1 board-1.bin && symphony import board-2 board-1.bin --url http://127.0.0.1:8080
  symphony dashboard --open
  symphony compose my-app)";

// CLI11 reports an unknown subcommand as a missing one; name it instead. Returns the command
// path of the first word that is not a subcommand where one is expected, or "".
std::string UnknownCommand(CLI::App& app, int argc, char** argv) {
  CLI::App* at = &app;
  std::string path = "symphony";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') return "";
    if (at->get_subcommands({}).empty()) return "";
    CLI::App* sub = nullptr;
    for (CLI::App* s : at->get_subcommands({})) {
      if (s->check_name(word)) sub = s;
    }
    if (sub == nullptr) return path + " " + word;
    at = sub;
    path += " " + word;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using symphony::cli::Fail;
  CLI::App app("Symphony: a Yjs-compatible CRDT engine and collaboration server", "symphony");
  app.require_subcommand(1);
  app.footer(kFooter);
  symphony::cli::CommandRunner runner;
  symphony::cli::RegisterDocCommand(app, &runner);
  symphony::cli::RegisterServeCommand(app, &runner);
  symphony::cli::RegisterBenchCommand(app, &runner);
  symphony::cli::RegisterTokenCommand(app, &runner);
  symphony::cli::RegisterInspectCommand(app, &runner);
  symphony::cli::RegisterExportImportCommands(app, &runner);
  symphony::cli::RegisterDashboardCommand(app, &runner);
  symphony::cli::RegisterComposeCommand(app, &runner);
  if (const std::string unknown = UnknownCommand(app, argc, argv); !unknown.empty()) {
    const std::string parent = unknown.substr(0, unknown.rfind(' '));
    return Fail(symphony::cli::kExitError, "unknown command '" + unknown +
                                               "'. Run '" + parent + " --help' for the commands.");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return symphony::cli::kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return symphony::cli::kExitOk;
  } catch (const CLI::ParseError& e) {
    // CLI11 reports help requests for subcommands through the parsed subcommand chain.
    if (e.get_exit_code() == 0) return app.exit(e);
    return Fail(symphony::cli::kExitError,
                std::string(e.what()) + "\nRun 'symphony --help' for the list of commands, "
                                        "'symphony <command> --help' for a command's options.");
  }
  if (!runner) return Fail(symphony::cli::kExitError, "no command given; run 'symphony --help'");
  return runner();
}
