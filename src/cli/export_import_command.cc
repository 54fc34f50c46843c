// `symphony export` and `symphony import`: a room's document to and from a Yjs v1 update file
// (what Y.encodeStateAsUpdate writes and Y.applyUpdate reads).
//
// Import either posts the file to a running server (--url: POST /api/rooms/{id}/update, stored,
// applied and broadcast like a client's update) or, without --url, merges it into the data
// directory: load the room, apply the file, write a snapshot covering the room's last seq. A
// server that has the room loaded keeps its own copy in memory and would not see such a write
// (its next snapshot would even drop it), so with a server running, use --url.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/http_client.h"
#include "cli/progress.h"
#include "cli/room_data.h"
#include "crdt/doc.h"
#include "server/config.h"

namespace symphony::cli {

namespace {

struct ExportArgs {
  std::string room;
  std::string file;
  DataDirArgs data;
};

struct ImportArgs {
  std::string room;
  std::string file;
  std::string url;
  std::string admin_token;
  bool progress = false;
  DataDirArgs data;
};

int RunExport(const ExportArgs& a) {
  Result<DataDir> data = OpenDataDir(a.data, /*create=*/false);
  if (!data.ok()) return FailStatus(data.status());
  Result<RoomDoc> room = LoadRoomDoc(data.value(), a.room);
  if (!room.ok()) return FailStatus(room.status());
  const std::vector<uint8_t> update = room->doc->EncodeStateAsUpdate();
  if (a.file == "-") {
    std::fwrite(update.data(), 1, update.size(), stdout);
    if (std::fflush(stdout) != 0) return Fail(kExitError, "cannot write to stdout");
  } else {
    Status st = WriteFileBytes(a.file, update);
    if (!st.ok()) return Fail(kExitError, st.message());
  }
  std::cerr << "exported room " << QuoteName(a.room) << " (" << HumanBytes(update.size())
            << ", last seq " << room->loaded.meta.last_seq << ") to "
            << (a.file == "-" ? "stdout" : a.file) << "\n";
  return kExitOk;
}

// Reads a whole file, showing progress by bytes read.
Result<std::vector<uint8_t>> ReadWithProgress(const std::string& path, bool forced) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status(StatusCode::kIo, "cannot read " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return ReadFileBytes(path);  // pipes: no size to show progress by
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status(StatusCode::kIo, "cannot read " + path + ": " + std::strerror(errno));
  }
  ProgressBar bar(ShowProgress(forced, size), size);
  std::vector<uint8_t> out(size);
  uint64_t done = 0;
  while (done < size) {
    const size_t n = std::fread(out.data() + done, 1, std::min<uint64_t>(size - done, 1 << 20), f);
    if (n == 0) break;
    done += n;
    bar.Update("reading " + path, done);
  }
  const bool error = std::ferror(f) != 0;
  std::fclose(f);
  if (error) return Status(StatusCode::kIo, "cannot read " + path);
  out.resize(done);
  return out;
}

// The server's address from the configuration, as `symphony serve` would listen on it.
std::string ConfiguredUrl(const DataDirArgs& data) {
  server::ConfigSources sources;
  sources.config_file = data.config;
  sources.env = server::ProcessEnvironment();
  Result<server::ServerOptions> options = server::ResolveOptions(sources);
  if (!options.ok()) return "http://127.0.0.1:8080";
  std::string host = options->host;
  if (host == "0.0.0.0" || host == "::" || host.empty()) host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(options->port);
}

int ImportOverHttp(const ImportArgs& a, const std::vector<uint8_t>& update) {
  Result<HttpUrl> url = ParseHttpUrl(a.url);
  if (!url.ok()) return Fail(kExitError, "--url: " + url.status().message());
  std::string token = a.admin_token;
  if (token.empty()) {
    const char* env = std::getenv("SYMPHONY_ADMIN_TOKEN");
    if (env != nullptr) token = env;
  }
  HttpCall call;
  call.method = "POST";
  call.target = "/api/rooms/" + PercentEncode(a.room) + "/update";
  call.headers.emplace_back("Content-Type", "application/octet-stream");
  if (!token.empty()) call.headers.emplace_back("Authorization", "Bearer " + token);
  call.body = update;
  call.timeout = std::chrono::seconds(60);
  ProgressBar bar(ShowProgress(a.progress, update.size()), update.size());
  call.on_progress = [&bar](uint64_t sent, uint64_t) { bar.Update("uploading", sent); };
  Result<HttpReply> reply = Fetch(url.value(), call);
  bar.Finish();
  if (!reply.ok()) {
    return Fail(kExitError, reply.status().message() +
                                ". Is `symphony serve` running there? Without --url, import "
                                "writes into the data directory instead");
  }
  const int code = reply->status;
  if (code == 200) {
    std::cout << "imported " << HumanBytes(update.size()) << " into room " << QuoteName(a.room)
              << " on " << url->Base() << ": " << reply->body << "\n";
    return kExitOk;
  }
  const std::string why = ServerErrorMessage(reply.value());
  if (code == 400) return Fail(kExitBadInput, "the server refused the update: " + why);
  if (code == 401 || code == 403) {
    return Fail(kExitError, "the server refused the request (HTTP " + std::to_string(code) + ": " +
                                why +
                                "). Pass --admin-token or set SYMPHONY_ADMIN_TOKEN to the "
                                "server's admin_token");
  }
  if (code == 413) {
    return Fail(kExitError, "the update is too big for the server (" + why +
                                "); raise its max_frame_bytes / max_doc_bytes, or import "
                                "without --url while it is stopped");
  }
  return Fail(kExitError, "the server answered HTTP " + std::to_string(code) + ": " + why);
}

int ImportIntoStorage(const ImportArgs& a, const std::vector<uint8_t>& update) {
  DataDirArgs data_args = a.data;
  Result<DataDir> probe = OpenDataDir(data_args, /*create=*/false);
  const bool fresh = !probe.ok() && probe.status().code() == StatusCode::kNotFound;
  Result<DataDir> data = fresh ? OpenDataDir(data_args, /*create=*/true) : std::move(probe);
  if (!data.ok()) return FailStatus(data.status());
  if (fresh) std::cerr << "symphony: created a new database in '" << data->dir << "'\n";

  ProgressBar bar(ShowProgress(a.progress, update.size()), update.size());
  bar.Step("loading room " + a.room);
  Result<RoomDoc> room = LoadRoomDoc(data.value(), a.room);
  RoomDoc target;
  if (room.ok()) {
    target = std::move(room.value());
  } else if (room.status().code() == StatusCode::kNotFound) {
    target.doc = std::make_unique<crdt::Doc>();
  } else {
    return FailStatus(room.status());
  }
  bar.Step("applying " + HumanBytes(update.size()));
  Status st = target.doc->ApplyUpdate(update);
  if (!st.ok()) return Fail(kExitBadInput, a.file + ": " + st.ToString());
  const std::vector<uint8_t> state = target.doc->EncodeStateAsUpdate();
  bar.Step("writing snapshot (" + HumanBytes(state.size()) + ")");
  const uint64_t covers = target.loaded.exists ? target.loaded.meta.last_seq : 0;
  st = data->storage->WriteSnapshot(
      a.room, std::string_view(reinterpret_cast<const char*>(state.data()), state.size()), covers);
  bar.Finish();
  if (!st.ok()) {
    return Fail(kExitError, "cannot store room " + QuoteName(a.room) + ": " + st.message() +
                                (st.code() == StatusCode::kInvalid
                                     ? " (a server is writing this room: use --url)"
                                     : ""));
  }
  std::cout << "imported " << HumanBytes(update.size()) << " into room " << QuoteName(a.room)
            << " in '" << data->dir << "' (document now " << HumanBytes(state.size()) << ")\n";

  // A server on this directory with the room loaded would not see this write.
  const std::string server_url = ConfiguredUrl(a.data);
  Result<HttpUrl> url = ParseHttpUrl(server_url);
  bool up = false;
  if (url.ok()) {
    HttpCall call;
    call.target = "/healthz";
    call.timeout = std::chrono::milliseconds(300);
    Result<HttpReply> health = Fetch(url.value(), call);
    up = health.ok() && health->status == 200;
  }
  if (up) {
    std::cerr << "symphony: warning: a server answers at " << server_url << ". If it runs on '"
              << data->dir << "' with room " << QuoteName(a.room)
              << " loaded, it does not see this import (and its next snapshot drops it): "
              << "import with --url " << server_url << " instead\n";
  } else {
    std::cerr << "symphony: note: a server running on '" << data->dir << "' with room "
              << QuoteName(a.room) << " loaded would not see a direct import; while a server "
              << "runs, import with --url http://HOST:PORT\n";
  }
  return kExitOk;
}

int RunImport(const ImportArgs& a) {
  if (a.room.empty()) return Fail(kExitError, "the room name must not be empty");
  Result<std::vector<uint8_t>> update = ReadWithProgress(a.file, a.progress);
  if (!update.ok()) return Fail(kExitError, update.status().message());
  // Check the whole file before anything is sent or stored.
  crdt::Doc check;
  Status valid = check.ValidateUpdate(update.value());
  if (!valid.ok()) {
    return Fail(kExitBadInput, a.file + " is not a Yjs v1 update: at byte " +
                                   std::to_string(valid.has_offset() ? valid.offset() : 0) + ": " +
                                   StatusCodeName(valid.code()) + ": " + valid.message());
  }
  return a.url.empty() ? ImportIntoStorage(a, update.value()) : ImportOverHttp(a, update.value());
}

constexpr char kExportFooter[] =
    R"(Writes the room's whole document as one Yjs v1 update (Y.encodeStateAsUpdate of the
document the server would load), readable by Y.applyUpdate, `symphony doc inspect` and
`symphony import`. Reads the data directory directly; a running server is fine.

Exit status: 0 ok, 1 unknown room, no database there, or unwritable FILE, 2 stored data that
does not decode.

Examples:
  symphony export board-1 board-1.bin
  symphony export board-1 - --data /var/lib/symphony | gzip > board-1.bin.gz
  symphony export board-1 b.bin && symphony import board-1-copy b.bin)";

constexpr char kImportFooter[] =
    R"(FILE is one Yjs v1 update (Y.encodeStateAsUpdate, `symphony export`). It is checked
whole first: a malformed file changes nothing (exit 2, with the byte offset). The update merges
into what the room holds (CRDT merge: nothing already there is lost).

With --url, the update is posted to a running server (POST /api/rooms/{id}/update): stored,
applied and sent to everyone connected. Without --url, it is merged into the data directory:
only do that while no server runs on it (or the room is not loaded there): a server with the
room loaded would not see it. Progress is shown on stderr for large files on a terminal, or
with --progress.

Exit status: 0 ok, 1 bad options, unreadable file, unreachable or refusing server, 2 malformed
update.

Examples:
  symphony import board-1 board-1.bin --url http://127.0.0.1:8080
  SYMPHONY_ADMIN_TOKEN=... symphony import board-1 board-1.bin --url http://10.0.0.5:8080
  symphony import board-1 board-1.bin --data ./data     # with the server stopped)";

}  // namespace

void RegisterExportImportCommands(CLI::App& app, CommandRunner* runner) {
  CLI::App* ex =
      app.add_subcommand("export", "Write a stored room's document to a Yjs update file");
  ex->footer(kExportFooter);
  auto ex_args = std::make_shared<ExportArgs>();
  ex->add_option("room", ex_args->room, "The room's name")->required()->type_name("ROOM");
  ex->add_option("file", ex_args->file, "Where to write the update ('-': stdout)")
      ->required()
      ->type_name("FILE");
  AddDataDirOptions(ex, &ex_args->data);
  ex->callback([runner, ex_args] { *runner = [ex_args] { return RunExport(*ex_args); }; });

  CLI::App* im =
      app.add_subcommand("import", "Merge a Yjs update file into a room (server or data dir)");
  im->footer(kImportFooter);
  auto im_args = std::make_shared<ImportArgs>();
  im->add_option("room", im_args->room, "The room's name (created if new)")
      ->required()
      ->type_name("ROOM");
  im->add_option("file", im_args->file, "A Yjs v1 update")->required()->type_name("FILE");
  im->add_option("--url", im_args->url,
                 "A running server to post the update to, e.g. http://127.0.0.1:8080")
      ->type_name("URL");
  im->add_option("--admin-token", im_args->admin_token,
                 "The server's admin token, for --url [default: $SYMPHONY_ADMIN_TOKEN]")
      ->type_name("TOKEN");
  im->add_flag("--progress", im_args->progress,
               "Show progress on stderr even when it is not a terminal");
  AddDataDirOptions(im, &im_args->data);
  im->callback([runner, im_args] { *runner = [im_args] { return RunImport(*im_args); }; });
}

}  // namespace symphony::cli
