// Shared pieces of the `symphony` command-line tool: how subcommands register, and the file and
// error helpers they use.
//
// Exit codes, for every subcommand: 0 success, 1 usage or environment errors (bad flags,
// unreadable or unwritable files), 2 malformed input data (one line on stderr saying where).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "util/status.h"

namespace CLI {
class App;
}

namespace symphony::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitBadInput = 2;

// What a parsed subcommand does; set by the subcommand's parse callback, run by main().
using CommandRunner = std::function<int()>;

// Registers `symphony doc ...` on `app`; the chosen subcommand stores itself in *runner.
void RegisterDocCommand(CLI::App& app, CommandRunner* runner);
// Registers `symphony serve` (serve_command.cc).
void RegisterServeCommand(CLI::App& app, CommandRunner* runner);
// Registers `symphony bench` (bench_command.cc).
void RegisterBenchCommand(CLI::App& app, CommandRunner* runner);
// Registers `symphony token` (token_command.cc).
void RegisterTokenCommand(CLI::App& app, CommandRunner* runner);
// Registers `symphony inspect` (inspect_command.cc).
void RegisterInspectCommand(CLI::App& app, CommandRunner* runner);
// Registers `symphony export` and `symphony import` (export_import_command.cc).
void RegisterExportImportCommands(CLI::App& app, CommandRunner* runner);
// Registers `symphony dashboard` (dashboard_command.cc).
void RegisterDashboardCommand(CLI::App& app, CommandRunner* runner);
// Registers `symphony compose` (compose_command.cc).
void RegisterComposeCommand(CLI::App& app, CommandRunner* runner);

// Whole-file I/O. Errors are kIo with the path and the OS reason in the message.
Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path);
Status WriteFileBytes(const std::string& path, std::span<const uint8_t> bytes);

// Prints "symphony: <message>" on stderr and returns `code`.
int Fail(int code, const std::string& message);
// Fail for a storage error: kExitBadInput when the stored data is corrupt, else kExitError.
int FailStatus(const Status& st);

}  // namespace symphony::cli
