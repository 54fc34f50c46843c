#include "cli/room_data.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <utility>

#include "server/config.h"
#include "storage/sqlite_storage.h"

namespace symphony::cli {

void AddDataDirOptions(CLI::App* cmd, DataDirArgs* args) {
  cmd->add_option("--data,--data-dir", args->data,
                  "The server's data directory [default: data_dir from --config or "
                  "./symphony.toml, SYMPHONY_DATA_DIR or SYMPHONY_DATA, else ./data]")
      ->type_name("DIR");
  cmd->add_option("--config,-c", args->config,
                  "TOML file of server options to take data_dir from [default: ./symphony.toml "
                  "when it exists]")
      ->type_name("FILE");
}

Result<DataDir> OpenDataDir(const DataDirArgs& args, bool create) {
  server::ConfigSources sources;
  sources.config_file = args.config;
  sources.env = server::ProcessEnvironment();
  if (!args.data.empty()) sources.flags.emplace_back("data_dir", args.data);
  Result<server::ServerOptions> options = server::ResolveOptions(sources);
  if (!options.ok()) return options.status();
  if (options->storage != "sqlite") {
    return Status(StatusCode::kInvalid,
                  "the configuration says storage = \"" + options->storage +
                      "\": nothing is kept on disk. Pass --data DIR to read a sqlite data "
                      "directory");
  }
  DataDir out;
  out.dir = options->data_dir;
  const std::filesystem::path db =
      std::filesystem::path(out.dir) / storage::SqliteStorage::kFileName;
  std::error_code ec;
  if (!create && !std::filesystem::exists(db, ec)) {
    return Status(StatusCode::kNotFound,
                  "no Symphony database in '" + out.dir + "' (" + db.string() +
                      " does not exist). Pass --data DIR, the directory `symphony serve` "
                      "stores into (its --data or data_dir)");
  }
  storage::StorageConfig config;
  config.kind = "sqlite";
  config.dir = out.dir;
  config.fsync = options->fsync;
  Result<std::unique_ptr<storage::Storage>> opened = storage::OpenStorage(config);
  if (!opened.ok()) return opened.status();
  out.storage = std::move(opened.value());
  return out;
}

std::string QuoteName(std::string_view name) {
  std::string out = "'";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "'";
}

Result<RoomDoc> LoadRoomDoc(const DataDir& data, std::string_view room) {
  Result<storage::LoadedRoom> loaded = data.storage->Load(room);
  if (!loaded.ok()) return loaded.status();
  if (!loaded->exists) {
    return Status(StatusCode::kNotFound, "no room named " + QuoteName(room) + " in '" + data.dir +
                                             "'. Run 'symphony inspect --list --data " + data.dir +
                                             "' to see the stored rooms");
  }
  RoomDoc out;
  out.loaded = std::move(loaded.value());
  out.doc = std::make_unique<crdt::Doc>();
  const std::string& snapshot = out.loaded.snapshot;
  if (!snapshot.empty()) {
    Status st =
        out.doc->ApplyUpdate({reinterpret_cast<const uint8_t*>(snapshot.data()), snapshot.size()});
    if (!st.ok()) {
      return Status(StatusCode::kCorrupt,
                    "room " + QuoteName(room) + ": the snapshot does not decode: " + st.ToString());
    }
  }
  for (const storage::LogRecord& rec : out.loaded.log) {
    Status st = out.doc->ApplyUpdate(
        {reinterpret_cast<const uint8_t*>(rec.update.data()), rec.update.size()});
    if (!st.ok()) {
      // The server skips such records too: it never applied them in memory either.
      std::cerr << "symphony: warning: room " << QuoteName(room) << ": log record seq " << rec.seq
                << " does not decode (" << st.ToString() << "); skipped, as the server does\n";
      ++out.skipped_records;
    }
  }
  return out;
}

}  // namespace symphony::cli
