#include "bench/bench_runner.h"

#include <gtest/gtest.h>

#include <string>

#include "bench/test_relay.h"

namespace symphony::bench {
namespace {

BenchOptions Small(uint16_t port) {
  BenchOptions o;
  o.url = "ws://127.0.0.1:" + std::to_string(port);
  o.users = 12;
  o.room_size = 3;
  o.doc_rate = 10;
  o.presence_rate = 20;
  o.duration_s = 1;
  o.ramp_s = 0.2;
  o.drain_s = 3;
  o.threads = 2;
  o.seed = 5;
  return o;
}

TEST(BenchRunnerTest, FullDeliveryThroughARelay) {
  testing::TestRelay relay;
  Result<BenchReport> r = RunBench(Small(relay.port()), nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const LoadStats& t = r->totals;
  EXPECT_EQ(t.synced, 12u);
  EXPECT_EQ(t.errors(), 0u);
  EXPECT_GT(t.doc_sent, 50u);  // ~10/s x 12 users x 1 s, jittered
  EXPECT_EQ(t.doc_expected, 2 * t.doc_sent);
  EXPECT_EQ(t.doc_received, t.doc_expected);
  EXPECT_EQ(t.aw_received, t.aw_expected);
  EXPECT_EQ(t.acks, t.doc_sent);  // every echo matched
  EXPECT_EQ(t.doc_latency.count(), t.doc_received);
  EXPECT_TRUE(r->converged);
  EXPECT_EQ(r->rooms_verified, 4u);
  EXPECT_TRUE(r->connect_all_ms.has_value());
  EXPECT_FALSE(r->server_cpu_pct.has_value());
}

TEST(BenchRunnerTest, ReceiversWithoutReplicasCountTheSame) {
  testing::TestRelay relay;
  BenchOptions o = Small(relay.port());
  o.replicas = 2;  // of 3 per room
  Result<BenchReport> r = RunBench(o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const LoadStats& t = r->totals;
  EXPECT_EQ(t.synced, 12u);
  EXPECT_EQ(t.errors(), 0u);
  EXPECT_GT(t.doc_sent, 50u);
  EXPECT_EQ(t.doc_received, t.doc_expected);
  EXPECT_EQ(t.acks, t.doc_sent);
  EXPECT_EQ(r->replicas, 2u);
  EXPECT_TRUE(r->converged);  // the two replicas of each room
  EXPECT_EQ(r->rooms_verified, 4u);
  o.replicas = 1;  // nothing left to compare
  r = RunBench(o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->totals.doc_received, r->totals.doc_expected);
  EXPECT_EQ(r->rooms_verified, 0u);
}

TEST(BenchRunnerTest, ServerClosingIsCountedWithItsCode) {
  testing::TestRelay relay(/*close_code=*/4321);
  BenchOptions o = Small(relay.port());
  o.drain_s = 0.5;
  Result<BenchReport> r = RunBench(o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const LoadStats& t = r->totals;
  EXPECT_EQ(t.synced, 12u);
  EXPECT_EQ(t.unexpected_closes, 12u);  // each user's first stroke gets it closed
  EXPECT_EQ(t.close_codes.at(4321), 12u);
  EXPECT_EQ(t.doc_received, 0u);
  EXPECT_FALSE(r->converged);  // no healthy replicas left to compare
}

TEST(BenchRunnerTest, NothingListening) {
  uint16_t port;
  {
    testing::TestRelay relay;
    port = relay.port();
  }
  BenchOptions o = Small(port);
  o.users = 3;
  o.drain_s = 0;
  o.connect_timeout_s = 2;
  Result<BenchReport> r = RunBench(o, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->totals.synced, 0u);
  EXPECT_EQ(r->totals.connect_errors, 3u);
}

TEST(BenchRunnerTest, RefusesRemoteAndBadOptions) {
  BenchOptions o = Small(1);
  o.url = "ws://192.0.2.1:80";  // TEST-NET-1: never contacted
  EXPECT_EQ(RunBench(o, nullptr).status().code(), StatusCode::kPermission);
  o = Small(1);
  o.users = 0;
  EXPECT_EQ(RunBench(o, nullptr).status().code(), StatusCode::kInvalid);
  o = Small(1);
  o.server_pid = 1 << 30;
  EXPECT_EQ(RunBench(o, nullptr).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace symphony::bench
