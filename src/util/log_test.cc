#include "util/log.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace symphony::log {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

std::chrono::system_clock::time_point Example() {
  using namespace std::chrono;
  return sys_days{year{2026} / 11 / 23} + hours{10} + milliseconds{123};
}

std::string Text(std::string_view msg, std::initializer_list<Field> fields = {}) {
  return FormatLine(false, Example(), Level::kInfo, msg, {fields.begin(), fields.size()});
}
std::string Json(std::string_view msg, std::initializer_list<Field> fields = {}) {
  return FormatLine(true, Example(), Level::kInfo, msg, {fields.begin(), fields.size()});
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Routes the logger to a string for one test and restores stderr and the defaults after.
class Capture {
 public:
  Capture() { SetOutputForTesting(&out_); }
  ~Capture() {
    SetOutputForTesting(nullptr);
    Setup(Level::kInfo, false);
  }
  std::vector<std::string> lines() const { return Lines(out_.str()); }

 private:
  std::ostringstream out_;
};

TEST(LogFormatTest, TextMatchesTheDocumentedExample) {
  const std::string name = "abc";
  EXPECT_EQ(Text("room loaded", {{"room", name}, {"ms", 3}}),
            "2026-11-23T10:00:00.123Z info  room loaded room=abc ms=3");
  EXPECT_EQ(FormatLine(false, Example(), Level::kWarn, "slow"),
            "2026-11-23T10:00:00.123Z warn  slow");
  EXPECT_EQ(FormatLine(false, Example(), Level::kError, "x"), "2026-11-23T10:00:00.123Z error x");
  EXPECT_EQ(FormatLine(false, Example(), Level::kDebug, "x"), "2026-11-23T10:00:00.123Z debug x");
}

TEST(LogFormatTest, JsonMatchesTheDocumentedExample) {
  EXPECT_EQ(
      Json("room loaded", {{"room", "abc"}, {"ms", 3}}),
      R"({"ts":"2026-11-23T10:00:00.123Z","level":"info","msg":"room loaded","room":"abc","ms":3})");
}

TEST(LogFormatTest, MillisecondsArePadded) {
  const auto t = Example() - milliseconds{123} + milliseconds{7};
  EXPECT_EQ(FormatLine(false, t, Level::kInfo, "m"), "2026-11-23T10:00:00.007Z info  m");
}

TEST(LogFormatTest, TextQuotesOnlyWhenNeeded) {
  EXPECT_EQ(Text("m", {{"a", "plain-value_1.2/x"}}).substr(31), "m a=plain-value_1.2/x");
  EXPECT_EQ(Text("m", {{"a", "two words"}}).substr(31), R"(m a="two words")");
  EXPECT_EQ(Text("m", {{"a", ""}}).substr(31), R"(m a="")");
  EXPECT_EQ(Text("m", {{"a", R"(say "hi")"}}).substr(31), R"(m a="say \"hi\"")");
  EXPECT_EQ(Text("m", {{"a", "k=v"}}).substr(31), R"(m a="k=v")");
  EXPECT_EQ(Text("m", {{"a", R"(C:\dir)"}}).substr(31), R"(m a="C:\\dir")");
  EXPECT_EQ(Text("m", {{"a", "l1\nl2\tx\r"}}).substr(31), R"(m a="l1\nl2\tx\r")");
  EXPECT_EQ(Text("m", {{"a", std::string_view("\x01\x7f", 2)}}).substr(31), R"(m a="\x01\x7f")");
  // Valid UTF-8 is left alone; invalid bytes are escaped (and force quotes).
  EXPECT_EQ(Text("m", {{"a", "caf\xc3\xa9"}}).substr(31), "m a=caf\xc3\xa9");
  EXPECT_EQ(Text("m", {{"a", "x\xff"}}).substr(31), R"(m a="x\xff")");
  EXPECT_EQ(Text("m", {{"a", "\xed\xa0\x80"}}).substr(31), R"(m a="\xed\xa0\x80")");  // surrogate
}

TEST(LogFormatTest, TextMessageStaysOnOneLine) {
  EXPECT_EQ(Text("two\nlines \"q\"").substr(31), R"(two\nlines "q")");
  EXPECT_EQ(Lines(Text("a\nb\rc", {{"k", "x\ny"}})).size(), 1u);
}

TEST(LogFormatTest, TextKeysCannotBreakTheSyntax) {
  EXPECT_EQ(Text("m", {{"bad key=", 1}}).substr(31), "m bad_key_=1");
  EXPECT_EQ(Text("m", {{"", 1}}).substr(31), "m _=1");
}

TEST(LogFormatTest, NumbersAndBools) {
  EXPECT_EQ(Text("m", {{"i", -42},
                       {"u", std::numeric_limits<uint64_t>::max()},
                       {"b", true},
                       {"f", false},
                       {"d", 0.25},
                       {"s", size_t{7}},
                       {"c", int8_t{-1}}})
                .substr(31),
            "m i=-42 u=18446744073709551615 b=true f=false d=0.25 s=7 c=-1");
  EXPECT_EQ(Text("m", {{"n", std::numeric_limits<double>::quiet_NaN()},
                       {"p", std::numeric_limits<double>::infinity()},
                       {"q", -std::numeric_limits<double>::infinity()}})
                .substr(31),
            "m n=NaN p=+Inf q=-Inf");
  EXPECT_EQ(Json("m", {{"n", std::numeric_limits<double>::quiet_NaN()}, {"d", 1.5}, {"b", false}})
                .substr(48),
            R"("msg":"m","n":null,"d":1.5,"b":false})");
}

TEST(LogFormatTest, JsonEscapesEverythingAndStaysValid) {
  const std::string weird = std::string("q\"b\\n\nt\tc\x01 del\x7f bad\xff\xc3 ok\xc3\xa9", 26);
  const std::string line = Json(weird, {{"k\"ey", weird}, {"path", "/a b"}});
  EXPECT_EQ(Lines(line).size(), 1u);
  EXPECT_NE(line.find(R"("msg":"q\"b\\n\nt\tc\u0001 del\u007f bad\ufffd\ufffd ok)"),
            std::string::npos)
      << line;
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["ts"], "2026-11-23T10:00:00.123Z");
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["path"], "/a b");
  EXPECT_EQ(parsed["k\"ey"], "q\"b\\n\nt\tc\x01 del\x7f bad\xef\xbf\xbd\xef\xbf\xbd ok\xc3\xa9");
}

TEST(LogFormatTest, ReservedJsonKeysAreRenamed) {
  const nlohmann::json parsed =
      nlohmann::json::parse(Json("real", {{"msg", "fake"}, {"level", "x"}, {"ts", 1}}));
  EXPECT_EQ(parsed["msg"], "real");
  EXPECT_EQ(parsed["_msg"], "fake");
  EXPECT_EQ(parsed["_level"], "x");
  EXPECT_EQ(parsed["_ts"], 1);
  EXPECT_EQ(parsed["level"], "info");
}

TEST(LogLevelTest, NamesRoundTrip) {
  for (Level l :
       {Level::kTrace, Level::kDebug, Level::kInfo, Level::kWarn, Level::kError, Level::kOff}) {
    Result<Level> parsed = ParseLevel(LevelName(l));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value(), l);
  }
}

TEST(LogLevelTest, SetupRejectsUnknownLevelAndListsValidOnes) {
  Status st = log::Setup("verbose", false);
  EXPECT_EQ(st.code(), StatusCode::kInvalid);
  EXPECT_NE(st.message().find("'verbose'"), std::string::npos);
  EXPECT_NE(st.message().find("trace, debug, info, warn, error, off"), std::string::npos);
  EXPECT_FALSE(log::Setup("INFO", false).ok());
  EXPECT_TRUE(Enabled(Level::kInfo));  // unchanged
}

TEST(LoggerTest, FiltersByLevel) {
  Capture capture;
  ASSERT_TRUE(log::Setup("warn", false).ok());
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kWarn));
  Info("hidden");
  Debug("hidden");
  Warn("shown", {{"n", 1}});
  Error("also shown");
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].substr(23), "Z warn  shown n=1");
  EXPECT_EQ(lines[1].substr(23), "Z error also shown");
}

TEST(LoggerTest, OffWritesNothing) {
  Capture capture;
  ASSERT_TRUE(log::Setup("off", true).ok());
  EXPECT_FALSE(Enabled(Level::kError));
  EXPECT_FALSE(Enabled(Level::kOff));
  Error("nothing");
  Write(Level::kOff, "nothing");
  spdlog::critical("nothing");
  EXPECT_TRUE(capture.lines().empty());
}

TEST(LoggerTest, TraceEnablesEverything) {
  Capture capture;
  ASSERT_TRUE(log::Setup("trace", false).ok());
  Trace("t");
  Debug("d");
  EXPECT_EQ(capture.lines().size(), 2u);
}

TEST(LoggerTest, DirectSpdlogCallsUseTheSameFormat) {
  Capture capture;
  ASSERT_TRUE(log::Setup("info", true).ok());
  spdlog::warn("from {} \"lib\"", "a");
  spdlog::debug("filtered");
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json parsed = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(parsed["level"], "warn");
  EXPECT_EQ(parsed["msg"], "from a \"lib\"");
  EXPECT_EQ(parsed.size(), 3u);  // ts, level, msg: fields of an earlier event do not leak
}

TEST(LoggerTest, ConcurrentLinesNeverInterleave) {
  Capture capture;
  ASSERT_TRUE(log::Setup("info", true).ok());
  constexpr int kThreads = 4, kLines = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      const std::string payload(40 + t, static_cast<char>('a' + t));
      for (int i = 0; i < kLines; ++i)
        Info("tick", {{"thread", t}, {"i", i}, {"payload", payload}});
    });
  }
  for (auto& th : threads) th.join();
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), size_t{kThreads * kLines});
  std::vector<int> next(kThreads, 0);
  for (const std::string& line : lines) {
    const nlohmann::json j = nlohmann::json::parse(line);
    const int t = j["thread"];
    EXPECT_EQ(j["i"], next[t]++);  // each thread's lines stay in its order
    EXPECT_EQ(j["payload"], std::string(40 + t, static_cast<char>('a' + t)));
  }
}

}  // namespace
}  // namespace symphony::log
