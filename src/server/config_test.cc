#include "server/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "util/log.h"

namespace symphony::server {
namespace {

using Env = std::map<std::string, std::string>;

EnvLookup FakeEnv(Env env) {
  return [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

// Sources that read no file from the working directory unless a test says so.
ConfigSources Sources(std::optional<std::string> toml = std::nullopt, Env env = {},
                      std::vector<std::pair<std::string, std::string>> flags = {}) {
  ConfigSources s;
  s.default_config_file = "";
  if (toml) s.config_file = "test.toml";  // names the text in messages
  s.config_text = std::move(toml);
  s.env = FakeEnv(std::move(env));
  s.flags = std::move(flags);
  return s;
}

ServerOptions MustResolve(const ConfigSources& s) {
  Result<ServerOptions> r = ResolveOptions(s);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : ServerOptions{};
}

// The error message ResolveOptions gives (the test fails if it succeeds).
std::string ErrorOf(const ConfigSources& s) {
  Result<ServerOptions> r = ResolveOptions(s);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalid);
  return r.status().message();
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/symphony_config_test_XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ConfigTest, NothingGivenMeansTheDefaults) {
  const ServerOptions o = MustResolve(Sources());
  EXPECT_EQ(OptionsToToml(o), OptionsToToml(ServerOptions{}));
  EXPECT_EQ(o.port, 8080);
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.fsync, storage::FsyncPolicy::kAlways);
}

TEST(ConfigTest, TomlSetsEveryKind) {
  const ServerOptions o = MustResolve(Sources(R"(
host = "0.0.0.0"
port = 9000
threads = 4
max_frame_bytes = 1048576
max_doc_bytes = "32MiB"
max_send_queue_bytes = "512KiB"
fsync = "normal"
storage = "memory"
log_format = "json"
log_level = "debug"
static_dir = ""
room_grace_ms = 0
)"));
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 9000);
  EXPECT_EQ(o.threads, 4);
  EXPECT_EQ(o.max_frame_bytes, size_t{1} << 20);
  EXPECT_EQ(o.max_doc_bytes, size_t{32} << 20);
  EXPECT_EQ(o.max_send_queue_bytes, size_t{512} << 10);
  EXPECT_EQ(o.fsync, storage::FsyncPolicy::kNormal);
  EXPECT_EQ(o.storage, "memory");
  EXPECT_EQ(o.log_format, LogFormat::kJson);
  EXPECT_EQ(o.log_level, "debug");
  EXPECT_EQ(o.room_grace_ms, 0u);
}

TEST(ConfigTest, LaterSourcesWin) {
  const std::string toml = "port = 9000\nhost = \"10.0.0.1\"\nthreads = 2\n";
  const Env env = {{"SYMPHONY_PORT", "9001"}, {"SYMPHONY_THREADS", "3"}};
  const ServerOptions all = MustResolve(Sources(toml, env, {{"port", "9002"}}));
  EXPECT_EQ(all.port, 9002);        // flag over env over TOML
  EXPECT_EQ(all.threads, 3);        // env over TOML
  EXPECT_EQ(all.host, "10.0.0.1");  // TOML over default
  EXPECT_EQ(MustResolve(Sources(toml, env)).port, 9001);
  EXPECT_EQ(MustResolve(Sources(toml)).port, 9000);
  // The last of repeated flags wins.
  EXPECT_EQ(MustResolve(Sources({}, {}, {{"port", "1"}, {"port", "2"}})).port, 2);
}

TEST(ConfigTest, EnvironmentNamesAndDataAlias) {
  EXPECT_EQ(MustResolve(Sources({}, {{"SYMPHONY_DATA", "/a"}})).data_dir, "/a");
  EXPECT_EQ(MustResolve(Sources({}, {{"SYMPHONY_DATA_DIR", "/b"}})).data_dir, "/b");
  EXPECT_EQ(
      MustResolve(Sources({}, {{"SYMPHONY_DATA", "/a"}, {"SYMPHONY_DATA_DIR", "/b"}})).data_dir,
      "/b");
  const ServerOptions o = MustResolve(Sources({}, {{"SYMPHONY_MAX_FRAME_BYTES", "2MiB"},
                                                   {"SYMPHONY_LOG_FORMAT", "json"},
                                                   {"SYMPHONY_HOCUSPOCUS_PATH", "/hp"},
                                                   {"SYMPHONY_PORT", ""}}));  // empty: unset
  EXPECT_EQ(o.max_frame_bytes, size_t{2} << 20);
  EXPECT_EQ(o.log_format, LogFormat::kJson);
  EXPECT_EQ(o.hocuspocus_path, "/hp");
  EXPECT_EQ(o.port, 8080);
}

TEST(ConfigTest, PortZeroPicksAFreePortAndIsAllowed) {
  EXPECT_EQ(MustResolve(Sources("port = 0")).port, 0);
  EXPECT_EQ(MustResolve(Sources({}, {}, {{"port", "65535"}})).port, 65535);
}

TEST(ConfigTest, TomlErrorsNameFileLineAndKey) {
  EXPECT_EQ(ErrorOf(Sources("\n\nport = 70000\n")),
            "test.toml:3: port: 70000 is out of range (0..65535)");
  EXPECT_EQ(ErrorOf(Sources("port = -1")), "test.toml:1: port: -1 is out of range (0..65535)");
  EXPECT_EQ(ErrorOf(Sources("host = \"x\"\nprot = 1\n")),
            "test.toml:2: unknown key 'prot' (did you mean 'port'?)");
  EXPECT_EQ(ErrorOf(Sources("max_frame_byte = 1")),
            "test.toml:1: unknown key 'max_frame_byte' (did you mean 'max_frame_bytes'?)");
  EXPECT_NE(ErrorOf(Sources("[server]\nport = 1\n")).find("test.toml:1: unknown key 'server'"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(Sources("port = \"8080\"")),
            "test.toml:1: port: expected an integer, got a string");
  EXPECT_EQ(ErrorOf(Sources("max_doc_bytes = 1.5")),
            "test.toml:1: max_doc_bytes: expected an integer or a string such as \"16MiB\", got "
            "a float");
  EXPECT_EQ(ErrorOf(Sources("fsync = true")),
            "test.toml:1: fsync: expected a string, got a boolean");
  EXPECT_EQ(ErrorOf(Sources("fsync = \"sometimes\"")),
            "test.toml:1: fsync: 'sometimes' is not one of always, normal, off");
  EXPECT_EQ(ErrorOf(Sources("max_connections_per_room = 0")),
            "test.toml:1: max_connections_per_room: 0 is out of range (1..4294967295)");
}

TEST(ConfigTest, TomlSyntaxErrorHasLineAndColumn) {
  const std::string msg = ErrorOf(Sources("port = 1\nhost = \n"));
  EXPECT_EQ(msg.rfind("test.toml:2:", 0), 0u) << msg;
  const std::string dup = ErrorOf(Sources("port = 1\nport = 2\n"));
  EXPECT_EQ(dup.rfind("test.toml:2:", 0), 0u) << dup;
}

TEST(ConfigTest, EveryProblemIsReportedOnItsOwnLine) {
  const std::string msg = ErrorOf(
      Sources("port = 70000\nbogus = 1\n", {{"SYMPHONY_FSYNC", "x"}}, {{"threads", "many"}}));
  std::vector<std::string> lines;
  std::istringstream in(msg);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 4u) << msg;
  EXPECT_EQ(lines[0].rfind("test.toml:1: port:", 0), 0u);
  EXPECT_EQ(lines[1].rfind("test.toml:2: unknown key 'bogus'", 0), 0u);
  EXPECT_EQ(lines[2], "SYMPHONY_FSYNC: 'x' is not one of always, normal, off");
  EXPECT_EQ(lines[3], "--threads: 'many' is not a non-negative integer");
}

TEST(ConfigTest, TextValuesAreParsedStrictly) {
  const auto flag_error = [](const std::string& name, const std::string& value) {
    return ErrorOf(Sources({}, {}, {{name, value}}));
  };
  EXPECT_EQ(flag_error("port", "65536"), "--port: 65536 is out of range (0..65535)");
  EXPECT_EQ(flag_error("port", "99999999999999999999999"),
            "--port: '99999999999999999999999' is out of range (0..65535)");
  EXPECT_EQ(flag_error("port", "+80"), "--port: '+80' is not a non-negative integer");
  EXPECT_EQ(flag_error("port", " 80"), "--port: ' 80' is not a non-negative integer");
  EXPECT_EQ(flag_error("threads", "-1"), "--threads: '-1' is not a non-negative integer");
  EXPECT_EQ(flag_error("threads", "2000"), "--threads: 2000 is out of range (0..1024)");
  EXPECT_EQ(flag_error("max_frame_bytes", "0"),
            "--max-frame-bytes: 0 is out of range (1..18446744073709551615)");
  EXPECT_EQ(flag_error("max_frame_bytes", "16MB"),
            "--max-frame-bytes: '16MB' is not a byte count (digits, optionally followed by KiB, "
            "MiB or GiB)");
  EXPECT_EQ(flag_error("max_frame_bytes", "MiB"),
            "--max-frame-bytes: 'MiB' is not a byte count (digits, optionally followed by KiB, "
            "MiB or GiB)");
  EXPECT_EQ(flag_error("compact_log_bytes", "99999999999GiB"),
            "--compact-log-bytes: '99999999999GiB' is out of range (1..18446744073709551615)");
  EXPECT_EQ(flag_error("log_level", "verbose"),
            "--log-level: 'verbose' is not one of trace, debug, info, warn, error, off");
  EXPECT_EQ(flag_error("log_format", "xml"), "--log-format: 'xml' is not one of text, json");
  EXPECT_EQ(flag_error("storage", "postgres"),
            "--storage: 'postgres' is not one of sqlite, memory");
  EXPECT_EQ(flag_error("hocuspocus_path", "hp"), "--hocuspocus-path: 'hp': must start with '/'");
  EXPECT_EQ(flag_error("host", ""),
            "--host: '': must not be empty (0.0.0.0 listens on every interface)");
  EXPECT_EQ(flag_error("data_dir", ""), "--data-dir: '': must not be empty");
  EXPECT_EQ(flag_error("max_json_depth", "5000"),
            "--max-json-depth: 5000 is out of range (1..1000)");
  EXPECT_EQ(flag_error("no_such_option", "1"), "unknown option 'no_such_option'");
  EXPECT_EQ(MustResolve(Sources({}, {}, {{"max_frame_bytes", "3GiB"}})).max_frame_bytes,
            size_t{3} << 30);
  EXPECT_EQ(MustResolve(Sources({}, {}, {{"static_dir", ""}})).static_dir, "");
}

TEST(ConfigTest, ExplicitFileMustExist) {
  ConfigSources s = Sources();
  s.config_text.reset();
  s.config_file = "/nonexistent/symphony.toml";
  Result<ServerOptions> r = ResolveOptions(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIo);
  EXPECT_NE(r.status().message().find("/nonexistent/symphony.toml"), std::string::npos);
  EXPECT_NE(r.status().message().find("No such file"), std::string::npos);
}

TEST(ConfigTest, ReadsTheGivenFileOrTheDefaultOneWhenPresent) {
  TempDir dir;
  const std::string given = dir.Write("given.toml", "port = 1111\n");
  const std::string fallback = dir.Write("symphony.toml", "port = 2222\nbad = 1\n");

  ConfigSources s = Sources();
  s.config_text.reset();
  s.config_file = given;
  s.default_config_file = fallback;
  EXPECT_EQ(MustResolve(s).port, 1111);  // --config wins; the default file is not read

  s.config_file = "";
  const std::string msg = ErrorOf(s);  // the default file is read, errors name it
  EXPECT_EQ(msg, fallback +
                     ":2: unknown key 'bad' ('symphony serve --help' lists the options; "
                     "keys are their names with '_')");

  s.default_config_file = dir.path() + "/absent.toml";
  EXPECT_EQ(MustResolve(s).port, 8080);  // an absent default file is fine
}

TEST(ConfigTest, ListOptionsCoversEveryFieldWithDerivedNames) {
  const std::vector<OptionInfo>& infos = ListOptions();
  ASSERT_EQ(infos.size(), 28u);
  std::set<std::string> names;
  const std::string defaults_toml = OptionsToToml(ServerOptions{});
  for (const OptionInfo& i : infos) {
    EXPECT_TRUE(names.insert(i.name).second) << i.name;
    std::string flag = "--", env = "SYMPHONY_";
    for (char c : i.name) {
      flag += c == '_' ? '-' : c;
      env += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(i.flag, flag);
    EXPECT_EQ(i.env, env);
    EXPECT_FALSE(i.help.empty());
    EXPECT_FALSE(i.value_name.empty());
    EXPECT_FALSE(i.group.empty());
    // The default as shown resolves to the default.
    if (!i.default_value.empty()) {
      EXPECT_EQ(OptionsToToml(MustResolve(Sources({}, {}, {{i.name, i.default_value}}))),
                defaults_toml)
          << i.name;
    }
  }
  const auto find = [&](const std::string& name) {
    for (const OptionInfo& i : infos) {
      if (i.name == name) return i;
    }
    return OptionInfo{};
  };
  EXPECT_EQ(find("port").default_value, "8080");
  EXPECT_EQ(find("max_frame_bytes").default_value, "16MiB");
  EXPECT_EQ(find("compact_log_bytes").default_value, "4MiB");
  EXPECT_EQ(find("fsync").default_value, "always");
  EXPECT_EQ(find("fsync").value_name, "always|normal|off");
  EXPECT_EQ(find("log_level").value_name, "trace|debug|info|warn|error|off");
  EXPECT_EQ(find("log_level").default_value, "info");
  EXPECT_EQ(find("static_dir").default_value, "");
  EXPECT_EQ(find("max_frame_bytes").flag, "--max-frame-bytes");
  EXPECT_EQ(find("max_frame_bytes").env, "SYMPHONY_MAX_FRAME_BYTES");
}

// A value other than the default for every option, so that each one is seen to be wired to its
// own field.
std::vector<std::pair<std::string, std::string>> NonDefaultFlags() {
  std::vector<std::pair<std::string, std::string>> flags;
  for (const OptionInfo& i : ListOptions()) {
    std::string v;
    if (i.value_name.find('|') != std::string::npos) {
      // The last word of the choices, or the first when the last is the default.
      const std::string last = i.value_name.substr(i.value_name.rfind('|') + 1);
      v = last != i.default_value ? last : i.value_name.substr(0, i.value_name.find('|'));
    } else if (i.name == "host") {
      v = "::1";
    } else if (i.name.find("path") != std::string::npos) {
      v = "/elsewhere";
    } else if (i.name.find("dir") != std::string::npos) {
      v = "/var/lib/x y";  // a space and
      v += "\"q\\";        // characters TOML must escape
    } else {
      v = "7";
    }
    flags.emplace_back(i.name, v);
  }
  return flags;
}

TEST(ConfigTest, EveryOptionSetsItsOwnField) {
  const std::string defaults_toml = OptionsToToml(ServerOptions{});
  std::set<std::string> changed_lines;
  for (const auto& flag : NonDefaultFlags()) {
    const std::string toml = OptionsToToml(MustResolve(Sources({}, {}, {flag})));
    // Exactly one line differs from the defaults, and it is this option's.
    std::istringstream a(defaults_toml), b(toml);
    std::string la, lb, diff;
    int differing = 0;
    while (std::getline(a, la) && std::getline(b, lb)) {
      if (la != lb) {
        ++differing;
        diff = lb;
      }
    }
    EXPECT_EQ(differing, 1) << flag.first;
    EXPECT_EQ(diff.rfind(flag.first + " = ", 0), 0u) << flag.first << ": " << diff;
    changed_lines.insert(diff);
  }
  EXPECT_EQ(changed_lines.size(), ListOptions().size());
}

TEST(ConfigTest, PrintedTomlReadsBackToTheSameOptions) {
  const ServerOptions o = MustResolve(Sources({}, {}, NonDefaultFlags()));
  const std::string toml = OptionsToToml(o);
  EXPECT_EQ(OptionsToToml(MustResolve(Sources(toml))), toml);
  EXPECT_EQ(OptionsToToml(MustResolve(Sources(OptionsToToml(ServerOptions{})))),
            OptionsToToml(ServerOptions{}));
  EXPECT_NE(toml.find("max_frame_bytes = 7\n"), std::string::npos) << toml;
  EXPECT_NE(OptionsToToml(ServerOptions{}).find("max_frame_bytes = 16777216  # 16MiB\n"),
            std::string::npos);
}

TEST(ConfigTest, ValidateOptionsChecksStructsBuiltInCode) {
  EXPECT_TRUE(ValidateOptions(ServerOptions{}).ok());
  ServerOptions o;
  o.threads = -1;
  o.max_json_depth = 0;
  o.log_level = "loud";
  o.hocuspocus_path = "hp";
  o.fsync = static_cast<storage::FsyncPolicy>(9);
  Status st = ValidateOptions(o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalid);
  EXPECT_EQ(st.message(),
            "threads: -1 is out of range (0..1024)\n"
            "hocuspocus_path: 'hp': must start with '/'\n"
            "fsync: '9' is not one of always, normal, off\n"
            "max_json_depth: 0 is out of range (1..1000)\n"
            "log_level: 'loud' is not one of trace, debug, info, warn, error, off");
}

TEST(ConfigTest, LogLevelsAreTheLoggersOwn) {
  for (const OptionInfo& i : ListOptions()) {
    if (i.name != "log_level") continue;
    std::istringstream words(i.value_name);
    for (std::string w; std::getline(words, w, '|');) EXPECT_TRUE(log::ParseLevel(w).ok()) << w;
  }
}

// doc/server_options.md has a row per option: | `--flag` | `key` | `ENV` | `default` | meaning |
TEST(ConfigTest, DocumentationListsEveryOptionWithItsDefault) {
  std::ifstream in(std::string(SYMPHONY_SOURCE_DIR) + "/doc/server_options.md");
  ASSERT_TRUE(in) << "doc/server_options.md is missing";
  std::map<std::string, std::string> rows;  // flag -> row
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `--", 0) != 0) continue;
    const size_t end = line.find('`', 3);
    rows[line.substr(3, end - 3)] = line;
  }
  for (const OptionInfo& i : ListOptions()) {
    ASSERT_TRUE(rows.count(i.flag)) << "no row for " << i.flag;
    const std::string& row = rows[i.flag];
    EXPECT_NE(row.find("| `" + i.name + "` |"), std::string::npos) << row;
    EXPECT_NE(row.find("`" + i.env + "`"), std::string::npos) << row;
    const std::string shown = i.default_value.empty() ? "(empty)" : "`" + i.default_value + "`";
    EXPECT_NE(row.find("| " + shown + " |"), std::string::npos) << row;
  }
  EXPECT_EQ(rows.size(), ListOptions().size() + 2);  // and --config, --print-config
}

}  // namespace
}  // namespace symphony::server
