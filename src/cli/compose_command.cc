// `symphony compose NAME`: scaffolds a React + Vite app on this checkout's @symphony/client and
// @symphony/react (file: dependencies), with a symphony.toml for the local server. The files
// themselves are in compose_template.cc.
#include <CLI/CLI.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "cli/command.h"
#include "cli/compose_template.h"
#include "cli/http_client.h"

namespace symphony::cli {

namespace {

namespace fs = std::filesystem;

struct ComposeArgs {
  std::string name;
  std::string dir = ".";
  std::string server_url = "ws://127.0.0.1:8080";
  std::string packages;  // --packages: clients/js/packages of a checkout
};

// The clients/js/packages folder of the checkout this binary was built in: searched upwards
// from the binary (build/symphony -> the checkout), then from the working directory.
fs::path FindPackages() {
  std::error_code ec;
  std::vector<fs::path> starts;
  const fs::path exe = fs::canonical("/proc/self/exe", ec);
  if (!ec) starts.push_back(exe.parent_path());
  starts.push_back(fs::current_path(ec));
  for (fs::path dir : starts) {
    for (int up = 0; up < 6 && !dir.empty(); ++up, dir = dir.parent_path()) {
      const fs::path candidate = dir / "clients" / "js" / "packages";
      if (fs::exists(candidate / "client" / "package.json", ec)) return candidate;
      if (dir == dir.parent_path()) break;
    }
  }
  return {};
}

bool ValidName(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 100) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

bool IsIpLiteral(const std::string& host) {
  if (host.find(':') != std::string::npos) return true;
  for (char c : host) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return false;
  }
  return !host.empty();
}

int RunCompose(const ComposeArgs& a) {
  if (!ValidName(a.name)) {
    return Fail(kExitError, "'" + a.name +
                                "' is not a usable app name: use letters, digits, '-', '_' and "
                                "'.' (it becomes the directory and the npm package name)");
  }
  std::string url = a.server_url;
  const bool tls = url.starts_with("wss://");
  if (!tls && !url.starts_with("ws://")) {
    return Fail(kExitError,
                "--server-url must be a WebSocket URL (ws://HOST:PORT or "
                "wss://HOST), not '" +
                    url + "'");
  }
  ComposeParams params;
  params.name = a.name;
  params.server_url = url;
  params.server_host = "127.0.0.1";
  if (!tls) {
    Result<HttpUrl> parsed = ParseHttpUrl(url);
    if (!parsed.ok()) return Fail(kExitError, "--server-url: " + parsed.status().message());
    params.server_port = std::stoi(parsed->port);
    if (IsIpLiteral(parsed->host)) params.server_host = parsed->host;
  }

  std::error_code ec;
  const fs::path packages = a.packages.empty() ? FindPackages() : fs::path(a.packages);
  const fs::path client = fs::absolute(packages / "client", ec).lexically_normal();
  const fs::path react = fs::absolute(packages / "react", ec).lexically_normal();
  if (packages.empty() || !fs::exists(client / "package.json", ec) ||
      !fs::exists(react / "package.json", ec)) {
    return Fail(kExitError,
                "cannot find the @symphony/client and @symphony/react packages" +
                    (packages.empty() ? std::string(" near this binary")
                                      : " in '" + packages.string() + "'") +
                    ". Pass --packages DIR, the clients/js/packages folder of a Symphony "
                    "checkout");
  }
  for (const fs::path& pkg : {client, react}) {
    if (!fs::exists(pkg / "dist" / "index.js", ec)) {
      return Fail(kExitError, pkg.string() +
                                  " is not built (no dist/index.js). In the checkout, run: npm "
                                  "run --workspace @symphony/client build && npm run "
                                  "--workspace @symphony/react build");
    }
  }
  params.client_dir = client.string();
  params.react_dir = react.string();
  const fs::path exe = fs::canonical("/proc/self/exe", ec);
  params.symphony_bin = ec ? "symphony" : exe.string();

  const fs::path target = fs::absolute(fs::path(a.dir) / a.name, ec).lexically_normal();
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) {
      return Fail(kExitError, target.string() +
                                  " exists and is not a directory; choose another "
                                  "NAME or --dir");
    }
    if (!fs::is_empty(target, ec)) {
      return Fail(kExitError, target.string() +
                                  " exists and is not empty; nothing was written. Choose another "
                                  "NAME or --dir, or remove it first");
    }
  }
  for (const ComposeFile& file : ComposeFiles(params)) {
    const fs::path path = target / file.path;
    fs::create_directories(path.parent_path(), ec);
    if (ec)
      return Fail(kExitError, "cannot create " + path.parent_path().string() + ": " + ec.message());
    std::ofstream out(path, std::ios::binary);
    out << file.content;
    out.close();
    if (!out) return Fail(kExitError, "cannot write " + path.string());
  }

  std::string cd = fs::relative(target, fs::current_path(ec), ec).string();
  if (ec || cd.empty() || cd.starts_with("..")) cd = target.string();
  std::cout << "Created " << a.name << " in " << target.string()
            << ": a shared todo list on @symphony/react (React + Vite).\n\n"
            << "Next, in one terminal (the server reads " << a.name << "/symphony.toml):\n"
            << "  cd " << cd << " && symphony serve\n"
            << "and in another:\n"
            << "  cd " << cd << " && npm install && npm run dev\n"
            << "then open http://localhost:5173 in two windows.\n";
  if (params.symphony_bin != "symphony") {
    std::cout << "(symphony is " << params.symphony_bin << " if it is not on your PATH)\n";
  }
  return kExitOk;
}

constexpr char kComposeFooter[] =
    R"(Writes NAME/ (in --dir, default the current directory): package.json with @symphony/client
and @symphony/react as file: dependencies on this checkout's clients/js/packages (built with
`npm run build` there), React and Vite; vite.config.js, index.html, src/App.jsx (a shared todo
list: useStorage, useMutation, useOthers, presence, undo), symphony.toml for the local server
(host and port from --server-url, data in ./data), .env (VITE_SYMPHONY_URL) and a README.
An existing non-empty NAME/ is never touched.

Exit status: 0 ok, 1 bad name or URL, existing directory, packages not found or not built.

Examples:
  symphony compose my-app
  symphony compose todo --dir ~/src --server-url ws://127.0.0.1:9000
  symphony compose demo --packages /opt/symphony/clients/js/packages)";

}  // namespace

void RegisterComposeCommand(CLI::App& app, CommandRunner* runner) {
  CLI::App* cmd =
      app.add_subcommand("compose", "Scaffold a collaborative React app (Vite) on @symphony/react");
  cmd->footer(kComposeFooter);
  auto args = std::make_shared<ComposeArgs>();
  cmd->add_option("name", args->name, "The app's directory and package name")
      ->required()
      ->type_name("NAME");
  cmd->add_option("--dir", args->dir, "Where to create NAME/ [default: .]")->type_name("PARENT");
  cmd->add_option("--server-url", args->server_url,
                  "The server the app connects to [default: ws://127.0.0.1:8080]")
      ->type_name("URL");
  cmd->add_option("--packages", args->packages,
                  "clients/js/packages of a Symphony checkout [default: found from this "
                  "binary's location]")
      ->type_name("DIR");
  cmd->callback([runner, args] { *runner = [args] { return RunCompose(*args); }; });
}

}  // namespace symphony::cli
