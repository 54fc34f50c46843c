// The files `symphony compose` writes: a React + Vite app on @symphony/client and
// @symphony/react (a shared todo list with presence and undo), a symphony.toml for the local
// server and a README. Kept apart from the command so the text of the app reads as one piece.
#pragma once

#include <string>
#include <vector>

namespace symphony::cli {

struct ComposeParams {
  std::string name;          // the directory's name, as given ("my-app")
  std::string client_dir;    // absolute path of clients/js/packages/client
  std::string react_dir;     // absolute path of clients/js/packages/react
  std::string server_url;    // what the app connects to, "ws://127.0.0.1:8080"
  std::string server_host;   // for symphony.toml
  int server_port = 8080;    // for symphony.toml
  std::string symphony_bin;  // absolute path of the binary that scaffolded, for the README
};

struct ComposeFile {
  std::string path;  // relative to the app's directory, '/'-separated
  std::string content;
};

// Every file of the app, in writing order.
std::vector<ComposeFile> ComposeFiles(const ComposeParams& params);

}  // namespace symphony::cli
