// `symphony bench`: the load generator (src/bench). This file only wires CLI11 to BenchOptions
// and prints the report; doc/bench.md explains the workload and every figure.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "bench/bench_options.h"
#include "bench/bench_report.h"
#include "bench/bench_runner.h"
#include "cli/command.h"

namespace symphony::cli {

namespace {

struct BenchArgs {
  bench::BenchOptions options;
  std::string protocol = "yws";
  bool json = false;
};

int RunBenchCommand(BenchArgs& args) {
  args.options.protocol =
      args.protocol == "hocuspocus" ? bench::WireProtocol::kHocuspocus : bench::WireProtocol::kYws;
  Result<bench::BenchReport> report =
      bench::RunBench(args.options, args.json ? nullptr : &std::cerr);
  if (!report.ok()) return Fail(kExitError, report.status().message());
  if (args.json) {
    std::cout << bench::FormatJson(report.value()) << std::endl;
  } else {
    std::cout << bench::FormatTable(report.value());
  }
  if (report->totals.synced == 0) {
    return Fail(kExitError, "no user connected to " + args.options.url);
  }
  return kExitOk;
}

constexpr char kBenchFooter[] =
    R"footer(Each user is a Yjs client with its own replica: it pushes whiteboard strokes onto a
Y.Array and moves a cursor in its awareness state, applies what the others send, and measures
send-to-receive latency from the send time carried in the content. Users are grouped
--room-size per room (<prefix>0, <prefix>1, ...). Only the steady window is measured; see
doc/bench.md for the phases and every figure. Only loopback hosts unless --allow-remote.

Exit status: 0 when the run completed (whatever the figures), 1 on a usage error or when no
user could connect.

Examples:
  symphony bench --url ws://127.0.0.1:8080 --users 40 --room-size 4 --duration 10
  symphony bench --url ws://127.0.0.1:8080 --users 800 --room-size 4 --doc-rate 1 \
      --presence-rate 5 --duration 20 --ramp 5 --server-pid "$(pgrep -n symphony)" --json
  symphony bench --url ws://127.0.0.1:8080/hocuspocus --protocol hocuspocus --token secret)footer";

}  // namespace

void RegisterBenchCommand(CLI::App& app, CommandRunner* runner) {
  CLI::App* cmd = app.add_subcommand(
      "bench", "Load a Yjs server with virtual users and measure latency and delivery");
  cmd->footer(kBenchFooter);
  auto args = std::make_shared<BenchArgs>();
  bench::BenchOptions& o = args->options;

  cmd->add_option("--url", o.url, "Server URL, ws://host:port[/path]")
      ->capture_default_str()
      ->type_name("URL")
      ->group("Target");
  cmd->add_option("--protocol", args->protocol, "Wire protocol: yws (y-websocket) or hocuspocus")
      ->check(CLI::IsMember({"yws", "hocuspocus"}))
      ->type_name("PROTOCOL")
      ->capture_default_str()
      ->group("Target");
  cmd->add_option("--token", o.token, "Hocuspocus Auth Token")
      ->capture_default_str()
      ->type_name("TOKEN")
      ->group("Target");
  cmd->add_flag("--allow-remote", o.allow_remote, "Allow a host other than loopback")
      ->group("Target");
  cmd->add_option("--server-pid", o.server_pid,
                  "Sample this process's CPU and RSS (/proc) during the run")
      ->type_name("PID")
      ->group("Target");

  cmd->add_option("--users", o.users, "Virtual users")
      ->capture_default_str()
      ->type_name("N")
      ->group("Load");
  cmd->add_option("--room-size", o.room_size, "Users per room")
      ->capture_default_str()
      ->type_name("K")
      ->group("Load");
  cmd->add_option("--replicas", o.replicas,
                  "Users per room that keep a full replica; the others decode and measure every "
                  "update without keeping the document (0: all)")
      ->capture_default_str()
      ->type_name("R")
      ->group("Load");
  cmd->add_option("--doc-rate", o.doc_rate, "Document updates (strokes) per second per user")
      ->capture_default_str()
      ->type_name("U")
      ->group("Load");
  cmd->add_option("--presence-rate", o.presence_rate, "Presence updates per second per user")
      ->capture_default_str()
      ->type_name("P")
      ->group("Load");
  cmd->add_option("--duration", o.duration_s, "Seconds of steady load (measured)")
      ->capture_default_str()
      ->type_name("S")
      ->group("Load");
  cmd->add_option("--ramp", o.ramp_s, "Seconds over which users connect (0: all at once)")
      ->capture_default_str()
      ->type_name("S")
      ->group("Load");
  cmd->add_option("--drain", o.drain_s,
                  "Most seconds to wait for in-flight messages after sending stops")
      ->capture_default_str()
      ->type_name("S")
      ->group("Load");
  cmd->add_option("--room-prefix", o.room_prefix,
                  "Room name prefix [default: bench-<random>-, new rooms every run]")
      ->type_name("STR")
      ->group("Load");
  cmd->add_option("--seed", o.seed, "Seed for content, jitter and client ids (0: random)")
      ->type_name("N")
      ->group("Load");

  cmd->add_option("--threads", o.threads, "Event loops [default: hardware concurrency]")
      ->type_name("T")
      ->group("Run");
  cmd->add_option("--connect-timeout", o.connect_timeout_s,
                  "Seconds per user for TCP connect, then WebSocket handshake")
      ->capture_default_str()
      ->type_name("S")
      ->group("Run");
  cmd->add_option("--verify-rooms", o.verify_rooms, "Rooms whose replicas are compared at the end")
      ->capture_default_str()
      ->type_name("N")
      ->group("Run");
  cmd->add_flag("--json", args->json, "Print exactly one JSON line instead of the table")
      ->group("Output");
  cmd->callback([runner, args] { *runner = [args] { return RunBenchCommand(*args); }; });
}

}  // namespace symphony::cli
