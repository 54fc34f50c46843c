// `symphony inspect`: a stored room read straight from the data directory, without a server:
// a readable summary, the document's JSON view, or its metadata as JSON; `--list` lists rooms.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/progress.h"
#include "cli/room_data.h"
#include "crdt/lib0/any.h"
#include "crdt/types/abstract_type.h"

namespace symphony::cli {

namespace {

using json = nlohmann::ordered_json;

struct InspectArgs {
  std::string room;
  bool json = false;
  bool stats = false;
  bool list = false;
  DataDirArgs data;
};

// Unix milliseconds as "2025-06-15 15:06:40 UTC"; "unknown" for 0.
std::string FormatMs(int64_t ms) {
  if (ms <= 0) return "unknown";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  char buf[64];
  if (gmtime_r(&t, &tm) == nullptr ||
      std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
    return std::to_string(ms) + " ms";
  }
  return buf;
}

size_t CodePoints(const std::string& utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

// What a root holds, as its JSON view shows it (roots read from storage have no declared kind).
struct RootInfo {
  std::string name;
  std::string kind;  // "map", "array", "text", "xml" or a declared kind's name
  uint64_t length = 0;
  std::string unit;  // "keys", "items", "characters"
};

std::vector<RootInfo> DescribeRoots(const crdt::Doc& doc) {
  std::vector<RootInfo> out;
  for (const auto& [name, type] : doc.share()) {
    const crdt::Any view = type->ToJson();
    RootInfo info;
    info.name = name;
    switch (view.type()) {
      case crdt::Any::Type::kObject:
        info.kind = "map";
        info.length = view.as_object().size();
        info.unit = "keys";
        break;
      case crdt::Any::Type::kArray:
        info.kind = "array";
        info.length = view.as_array().size();
        info.unit = "items";
        break;
      case crdt::Any::Type::kString:
        info.kind =
            type->kind() == crdt::TypeKind::kUnknown ? "text" : crdt::TypeKindName(type->kind());
        info.length = CodePoints(view.as_string());
        info.unit = "characters";
        break;
      default:
        info.kind = crdt::TypeKindName(type->kind());
        break;
    }
    out.push_back(std::move(info));
  }
  return out;
}

json MetaJson(const storage::RoomMeta& m) {
  return {{"room", m.room},
          {"created_ms", m.created_ms},
          {"last_active_ms", m.last_active_ms},
          {"snapshot_bytes", m.snapshot_bytes},
          {"log_bytes", m.log_bytes},
          {"log_records", m.log_records},
          {"last_seq", m.last_seq},
          {"total_connections", m.total_connections},
          {"peak_connections", m.peak_connections}};
}

int RunList(const InspectArgs& a) {
  Result<DataDir> data = OpenDataDir(a.data, /*create=*/false);
  if (!data.ok()) return FailStatus(data.status());
  Result<std::vector<storage::RoomMeta>> rooms = data->storage->ListRooms();
  if (!rooms.ok()) return FailStatus(rooms.status());
  if (a.json || a.stats) {
    json list = json::array();
    for (const storage::RoomMeta& m : rooms.value()) list.push_back(MetaJson(m));
    std::cout << json{{"rooms", list}}.dump(2) << "\n";
    return kExitOk;
  }
  if (rooms->empty()) {
    std::cout << "no rooms stored in '" << data->dir << "'\n";
    return kExitOk;
  }
  size_t width = 4;
  for (const storage::RoomMeta& m : rooms.value()) width = std::max(width, m.room.size());
  std::printf("%-*s  %10s  %8s  %s\n", static_cast<int>(width), "ROOM", "STORED", "RECORDS",
              "LAST ACTIVE");
  for (const storage::RoomMeta& m : rooms.value()) {
    std::printf("%-*s  %10s  %8llu  %s\n", static_cast<int>(width), m.room.c_str(),
                HumanBytes(m.snapshot_bytes + m.log_bytes).c_str(),
                static_cast<unsigned long long>(m.log_records), FormatMs(m.last_active_ms).c_str());
  }
  return kExitOk;
}

int RunInspect(const InspectArgs& a) {
  if (a.list) return RunList(a);
  if (a.room.empty()) {
    return Fail(kExitError,
                "give a ROOM to inspect, or --list to see the stored rooms "
                "(symphony inspect --list --data DIR)");
  }
  Result<DataDir> data = OpenDataDir(a.data, /*create=*/false);
  if (!data.ok()) return FailStatus(data.status());
  Result<RoomDoc> room = LoadRoomDoc(data.value(), a.room);
  if (!room.ok()) return FailStatus(room.status());
  const crdt::Doc& doc = *room->doc;
  if (a.json) {
    crdt::Any view = crdt::Any::MakeObject();
    for (const auto& [name, type] : doc.share()) view.Set(name, type->ToJson());
    std::cout << crdt::StringifyJson(view) << "\n";
    return kExitOk;
  }
  const storage::LoadedRoom& loaded = room->loaded;
  const storage::RoomMeta& m = loaded.meta;
  const uint64_t doc_bytes = doc.EncodeStateAsUpdate().size();
  const size_t clients = doc.GetStateVector().size();
  const std::vector<RootInfo> roots = DescribeRoots(doc);
  if (a.stats) {
    json out = MetaJson(m);
    out["snapshot_seq"] = loaded.snapshot_seq;
    out["doc_bytes"] = doc_bytes;
    out["clients"] = clients;
    out["skipped_records"] = room->skipped_records;
    json list = json::array();
    for (const RootInfo& r : roots) {
      list.push_back({{"name", r.name}, {"kind", r.kind}, {"length", r.length}});
    }
    out["roots"] = list;
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "room          " << m.room << "\n"
            << "document      " << HumanBytes(doc_bytes) << " encoded, " << clients
            << (clients == 1 ? " client" : " clients") << "\n"
            << "stored        snapshot " << HumanBytes(m.snapshot_bytes) << " (covers seq "
            << loaded.snapshot_seq << ") + " << m.log_records << " log records ("
            << HumanBytes(m.log_bytes) << "), last seq " << m.last_seq << "\n"
            << "created       " << FormatMs(m.created_ms) << "\n"
            << "last active   " << FormatMs(m.last_active_ms) << "\n"
            << "connections   " << m.total_connections << " in all, at most " << m.peak_connections
            << " at once\n";
  if (room->skipped_records > 0) {
    std::cout << "skipped       " << room->skipped_records
              << " log records that do not decode (the server skips them too)\n";
  }
  std::cout << (roots.empty() ? "roots         none (an empty document)" : "roots") << "\n";
  size_t width = 4;
  for (const RootInfo& r : roots) width = std::max(width, r.name.size());
  for (const RootInfo& r : roots) {
    std::printf("  %-*s  %-6s  %llu %s\n", static_cast<int>(width), r.name.c_str(), r.kind.c_str(),
                static_cast<unsigned long long>(r.length), r.unit.c_str());
  }
  std::fflush(stdout);
  return kExitOk;
}

constexpr char kInspectFooter[] =
    R"(Reads the room from the server's data directory (SQLite), without a server; a running
server on the same directory is fine (what it has stored so far is shown). The document is
rebuilt as the server rebuilds it: the snapshot, then each log record.

Output: a summary (default); --json: the document as {"<root>": value} (maps as objects, arrays
as arrays, text as strings: Yjs's toJSON, as GET /api/rooms/{id}/json); --stats: the stored
metadata and document figures as JSON. --list: the stored rooms (with --json, as JSON).

Exit status: 0 ok, 1 unknown room, no database there, or bad options, 2 stored data that does
not decode.

Examples:
  symphony inspect --list --data ./data
  symphony inspect board-1
  symphony inspect board-1 --json | jq .shapes
  symphony inspect board-1 --stats --data /var/lib/symphony)";

}  // namespace

void RegisterInspectCommand(CLI::App& app, CommandRunner* runner) {
  CLI::App* cmd =
      app.add_subcommand("inspect", "Show a stored room (summary, JSON or stats) without a server");
  cmd->footer(kInspectFooter);
  auto args = std::make_shared<InspectArgs>();
  cmd->add_option("room", args->room, "The room's name")->type_name("ROOM");
  CLI::Option* json_flag =
      cmd->add_flag("--json", args->json, "Print the document's JSON view ({root: value})");
  CLI::Option* stats_flag =
      cmd->add_flag("--stats", args->stats, "Print the room's metadata and figures as JSON");
  json_flag->excludes(stats_flag);
  cmd->add_flag("--list", args->list, "List the stored rooms instead");
  AddDataDirOptions(cmd, &args->data);
  cmd->callback([runner, args] { *runner = [args] { return RunInspect(*args); }; });
}

}  // namespace symphony::cli
