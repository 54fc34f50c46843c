#include "bench/proc_stats.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace symphony::bench {
namespace {

TEST(ProcStatsTest, ParsesStatAfterTheCommandName) {
  // The command name holds spaces and a ')', as a process may name itself.
  const char* stat =
      "4242 (node ) x) S 1 4242 4242 0 -1 4194560 1203 0 0 0 250 50 0 0 20 0 11 0 12345 "
      "1000000 5000 18446744073709551615\n";
  Result<double> cpu = ParseProcStatCpuSeconds(stat, 100);
  ASSERT_TRUE(cpu.ok()) << cpu.status().ToString();
  EXPECT_DOUBLE_EQ(cpu.value(), 3.0);
}

TEST(ProcStatsTest, RejectsMalformedStat) {
  EXPECT_FALSE(ParseProcStatCpuSeconds("no paren here", 100).ok());
  EXPECT_FALSE(ParseProcStatCpuSeconds("1 (x) S 1 2 3", 100).ok());
  EXPECT_FALSE(ParseProcStatCpuSeconds("1 (x) S 1 2 3 4 5 6 7 8 9 10 1x 5", 100).ok());
}

TEST(ProcStatsTest, ParsesRss) {
  const char* status = "Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   51200 kB\nThreads:\t11\n";
  Result<uint64_t> rss = ParseProcStatusRssBytes(status);
  ASSERT_TRUE(rss.ok());
  EXPECT_EQ(rss.value(), 51200u * 1024);
  EXPECT_EQ(ParseProcStatusRssBytes("Name:\tzombie\n").status().code(), StatusCode::kNotFound);
}

TEST(ProcStatsTest, ReadsThisProcess) {
  Result<ProcSample> s = ReadProcSample(getpid());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_GT(s->rss_bytes, 0u);
  EXPECT_GE(s->cpu_seconds, 0.0);
  EXPECT_GE(SelfCpuSeconds(), 0.0);
}

TEST(ProcStatsTest, ParsesHostBusyTime) {
  const char* stat =
      "cpu  100 20 30 5000 40 5 6 7 0 0\ncpu0 50 10 15 2500 20 2 3 3 0 0\nintr 1 2\n";
  Result<double> busy = ParseHostBusySeconds(stat, 100);
  ASSERT_TRUE(busy.ok()) << busy.status().ToString();
  EXPECT_DOUBLE_EQ(busy.value(), 1.68);  // 100+20+30+5+6+7 ticks
  EXPECT_FALSE(ParseHostBusySeconds("cpu0 1 2 3", 100).ok());
  EXPECT_FALSE(ParseHostBusySeconds("cpu  1 2 3", 100).ok());
  EXPECT_TRUE(ReadHostBusySeconds().ok());
}

TEST(ProcStatsTest, OpenFileLimitNeverDrops) {
  const uint64_t now = RaiseOpenFileLimit(0);
  EXPECT_GT(now, 0u);
  EXPECT_GE(RaiseOpenFileLimit(now + 1), now);
}

TEST(ProcStatsTest, MissingProcessIsNotFound) {
  // PIDs are below 2^22 on Linux.
  EXPECT_EQ(ReadProcSample(1 << 30).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace symphony::bench
