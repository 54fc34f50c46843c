// Rooms read straight from a data directory, without a server: for `symphony inspect`, `export`
// and `import`. The directory is found as `symphony serve` finds it (--data, else data_dir from
// --config or ./symphony.toml and SYMPHONY_DATA_DIR / SYMPHONY_DATA, else ./data), and the room's
// document is rebuilt as the server rebuilds it on load (the snapshot, then each log record).
//
// Reading while a server runs on the same directory is safe (SQLite WAL readers see the last
// commit). Writing (import) is too, as far as the database goes, but a server that has the room
// loaded never sees a write made behind its back: see export_import_command.cc.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "crdt/doc.h"
#include "storage/storage.h"
#include "util/status.h"

namespace CLI {
class App;
}

namespace symphony::cli {

struct DataDirArgs {
  std::string data;    // --data
  std::string config;  // --config
};

// Adds --data DIR and --config FILE to `cmd`.
void AddDataDirOptions(CLI::App* cmd, DataDirArgs* args);

struct DataDir {
  std::string dir;  // the directory, as given or configured
  std::unique_ptr<storage::Storage> storage;
};

// Opens the data directory's database. With create = false (inspect, export), a directory
// without a database is kNotFound, saying how to point at the right one, and nothing is created.
// kInvalid when the configuration uses storage = "memory" (nothing is on disk), or when the
// configuration does not resolve (its message).
Result<DataDir> OpenDataDir(const DataDirArgs& args, bool create);

// A stored room and its document.
struct RoomDoc {
  storage::LoadedRoom loaded;
  std::unique_ptr<crdt::Doc> doc;  // garbage-collected, as the server's
  int skipped_records = 0;         // log records that did not decode (warned about on stderr)
};

// Loads `room` and rebuilds its document. kNotFound when the room was never stored (the message
// says how to list the stored rooms); kCorrupt when storage refuses the room or its snapshot does
// not decode (the server refuses to load it too). Log records that do not decode are skipped with
// a warning, as the server skips them.
Result<RoomDoc> LoadRoomDoc(const DataDir& data, std::string_view room);

// 'name' quoted for messages, with control characters escaped.
std::string QuoteName(std::string_view name);

}  // namespace symphony::cli
