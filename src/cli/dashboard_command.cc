// `symphony dashboard`: where the server's dashboard is, whether the server is up, and (with
// --open) a browser on it.
#include <spawn.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "cli/command.h"
#include "cli/http_client.h"
#include "server/config.h"

extern char** environ;

namespace symphony::cli {

namespace {

struct DashboardArgs {
  std::string url;
  std::string admin_token;
  std::string config;
  bool open = false;
};

// --url, else http://host:port from the configuration (--config or ./symphony.toml, SYMPHONY_*
// variables), as `symphony serve` would listen.
Result<std::string> ServerUrl(const DashboardArgs& a) {
  if (!a.url.empty()) return a.url;
  server::ConfigSources sources;
  sources.config_file = a.config;
  sources.env = server::ProcessEnvironment();
  Result<server::ServerOptions> options = server::ResolveOptions(sources);
  if (!options.ok()) return options.status();
  std::string host = options->host;
  // A server listening on every interface is reached locally.
  if (host == "0.0.0.0" || host == "::" || host.empty()) host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(options->port);
}

// The admin token from SYMPHONY_ADMIN_TOKEN or the configuration file, or "".
std::string ConfiguredAdminToken(const DashboardArgs& a) {
  if (const char* env = std::getenv("SYMPHONY_ADMIN_TOKEN"); env != nullptr && *env != '\0') {
    return env;
  }
  server::ConfigSources sources;
  sources.config_file = a.config;
  sources.env = server::ProcessEnvironment();
  Result<server::ServerOptions> options = server::ResolveOptions(sources);
  return options.ok() ? options->admin_token : "";
}

// The first executable `name` on PATH, or "".
std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::string_view rest = path;
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Starts `program url` without waiting for it (browsers keep running).
bool Launch(const std::string& program, const std::string& url) {
  pid_t pid = 0;
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>(url.c_str()), nullptr};
  return posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv, environ) == 0;
}

int RunDashboard(const DashboardArgs& a) {
  Result<std::string> base = ServerUrl(a);
  if (!base.ok()) return Fail(kExitError, base.status().message());
  Result<HttpUrl> url = ParseHttpUrl(base.value());
  if (!url.ok()) return Fail(kExitError, "--url: " + url.status().message());
  std::string token = a.admin_token;
  if (token.empty()) token = ConfiguredAdminToken(a);
  const std::string dashboard =
      url->Base() + "/dashboard" + (token.empty() ? "" : "?token=" + PercentEncode(token));
  std::cout << "dashboard  " << dashboard << "\n";

  HttpCall health;
  health.target = "/healthz";
  health.timeout = std::chrono::seconds(2);
  Result<HttpReply> reply = Fetch(url.value(), health);
  int code = kExitOk;
  if (!reply.ok()) {
    std::cout << "server     not reachable at " << url->Base() << " (" << reply.status().message()
              << ")\n"
              << "           start it with `symphony serve` (add --port/--host, or pass --url "
                 "for a server elsewhere)\n";
    code = kExitError;
  } else if (reply->status == 200) {
    std::cout << "server     up (" << url->Base() << "/healthz answered 200)\n";
    // Whether the dashboard's files are there (served to anyone), and whether the API it reads
    // takes the token.
    HttpCall page;
    page.target = "/dashboard/";
    page.timeout = std::chrono::seconds(2);
    Result<HttpReply> dash = Fetch(url.value(), page);
    HttpCall api;
    api.target = "/api/rooms";
    api.timeout = std::chrono::seconds(2);
    if (!token.empty()) api.headers.emplace_back("Authorization", "Bearer " + token);
    Result<HttpReply> rooms = Fetch(url.value(), api);
    if (dash.ok() && dash->status == 404) {
      std::cout << "           this server has no dashboard (" << ServerErrorMessage(dash.value())
                << ")\n";
      code = kExitError;
    } else if (rooms.ok() && (rooms->status == 401 || rooms->status == 403)) {
      std::cout << "           the server "
                << (token.empty() ? "needs an admin token: pass --admin-token or set "
                                    "SYMPHONY_ADMIN_TOKEN (the server's admin_token)"
                                  : "refused this admin token: it must be the server's "
                                    "admin_token")
                << "\n";
      code = kExitError;
    }
  } else {
    std::cout << "server     answering, but not healthy: /healthz answered HTTP " << reply->status
              << " (" << ServerErrorMessage(reply.value()) << ")\n";
    code = kExitError;
  }
  std::cout.flush();

  if (a.open) {
    const std::string opener = FindOnPath("xdg-open");
    if (opener.empty()) {
      std::cerr << "symphony: xdg-open is not installed: open " << dashboard
                << " in a browser yourself\n";
    } else if (!Launch(opener, dashboard)) {
      std::cerr << "symphony: could not start " << opener << ": open " << dashboard
                << " in a browser yourself\n";
    }
  }
  return code;
}

constexpr char kDashboardFooter[] =
    R"(Prints the dashboard's address and checks that the server answers (GET /healthz). The
server's address is --url, else the host and port from --config or ./symphony.toml and the
SYMPHONY_HOST / SYMPHONY_PORT variables, as `symphony serve` would listen. With an admin token
(--admin-token, SYMPHONY_ADMIN_TOKEN, or admin_token in the TOML file), the address carries it as ?token= (the dashboard then
keeps it in a cookie).

Exit status: 0 the server is up (and its API takes the token), 1 it is not reachable, unhealthy,
has no dashboard, or refuses the token; the address is printed either way.

Examples:
  symphony dashboard
  symphony dashboard --open
  SYMPHONY_ADMIN_TOKEN=s3cret symphony dashboard --url http://10.0.0.5:8080)";

}  // namespace

void RegisterDashboardCommand(CLI::App& app, CommandRunner* runner) {
  CLI::App* cmd = app.add_subcommand(
      "dashboard", "Print the dashboard's address and check that the server is up");
  cmd->footer(kDashboardFooter);
  auto args = std::make_shared<DashboardArgs>();
  cmd->add_option("--url", args->url,
                  "The server, e.g. http://127.0.0.1:8080 [default: host and port from the "
                  "configuration]")
      ->type_name("URL");
  cmd->add_option("--admin-token", args->admin_token,
                  "The server's admin token [default: $SYMPHONY_ADMIN_TOKEN]")
      ->type_name("TOKEN");
  cmd->add_option("--config,-c", args->config,
                  "TOML file to take host and port from [default: ./symphony.toml when it "
                  "exists]")
      ->type_name("FILE");
  cmd->add_flag("--open", args->open, "Open the dashboard in a browser (xdg-open)");
  cmd->callback([runner, args] { *runner = [args] { return RunDashboard(*args); }; });
}

}  // namespace symphony::cli
