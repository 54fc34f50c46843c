// symphony: one binary, one subcommand per tool (`symphony doc ...`; more subcommands register
// themselves the same way, see command.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"

namespace {

constexpr char kFooter[] = R"(Run 'symphony <command> --help' for a command's options and examples.

Examples:
  symphony doc apply --updates session.bin --out state.bin --json
  symphony doc diff --state state.bin --sv remote.sv --out missing.bin
  symphony doc inspect missing.bin)";

}  // namespace

int main(int argc, char** argv) {
  using symphony::cli::Fail;
  CLI::App app("Symphony: a Yjs-compatible CRDT engine and collaboration server", "symphony");
  app.require_subcommand(1);
  app.footer(kFooter);
  symphony::cli::CommandRunner runner;
  symphony::cli::RegisterDocCommand(app, &runner);
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
