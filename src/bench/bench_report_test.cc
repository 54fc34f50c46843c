#include "bench/bench_report.h"

#include <gtest/gtest.h>

#include <string>

#include "bench/bench_options.h"

namespace symphony::bench {
namespace {

BenchReport Sample() {
  BenchReport r;
  r.protocol = "yws";
  r.url = "ws://127.0.0.1:1234";
  r.users = 8;
  r.rooms = 2;
  r.room_size = 4;
  r.threads = 2;
  r.doc_rate = 1;
  r.presence_rate = 5;
  r.duration_s = 10;
  r.totals.synced = 8;
  r.totals.doc_sent = 80;
  r.totals.doc_expected = 240;
  r.totals.doc_received = 240;
  r.totals.aw_sent = 400;
  r.totals.aw_expected = 1200;
  r.totals.aw_received = 1190;
  for (int i = 1; i <= 100; ++i) r.totals.doc_latency.Record(i * 100);  // 0.1 .. 10 ms
  r.totals.unexpected_closes = 1;
  r.totals.close_codes[1006] = 1;
  r.connect_all_ms = 1234.5;
  r.bench_cpu_pct = 12.3;
  r.converged = true;
  r.rooms_verified = 2;
  return r;
}

TEST(BenchReportTest, JsonIsOneLineWithTheKeys) {
  const std::string j = FormatJson(Sample());
  EXPECT_EQ(j.find('\n'), std::string::npos);
  EXPECT_EQ(j.front(), '{');
  EXPECT_EQ(j.back(), '}');
  for (const char* kv : {R"("users":8)",
                         R"("connected":8)",
                         R"("doc_delivery":1.000000)",
                         R"("doc_p50_ms":5.0)",
                         R"("doc_p99_ms":9.9)",
                         R"("doc_max_ms":10.000)",
                         R"("aw_p50_ms":null)",
                         R"("aw_delivery":0.991667)",
                         R"("ack_p99_ms":null)",
                         R"("doc_sent":80)",
                         R"("aw_sent":400)",
                         R"("connect_p99_ms":null)",
                         R"("connect_all_ms":1234.500)",
                         R"("errors":1)",
                         R"("close_codes":{"1006":1})",
                         R"("bench_cpu_pct":12.3)",
                         R"("server_cpu_pct":null)",
                         R"("server_rss_peak_mb":null)",
                         R"("converged":true)",
                         R"("duration_s":10.000)",
                         R"("protocol":"yws")"}) {
    EXPECT_NE(j.find(kv), std::string::npos) << kv << " in " << j;
  }
}

TEST(BenchReportTest, DeliveryWithNothingExpectedIsNull) {
  EXPECT_EQ(Delivery(0, 0), std::nullopt);
  BenchReport r = Sample();
  r.totals.doc_expected = 0;
  EXPECT_NE(FormatJson(r).find(R"("doc_delivery":null)"), std::string::npos);
}

TEST(BenchReportTest, TableNamesTheFigures) {
  BenchReport r = Sample();
  r.server_cpu_pct = 55.5;
  r.server_rss_peak_mb = 80.25;
  const std::string t = FormatTable(r);
  for (const char* s :
       {"8/8", "100.00%", "99.17%", "1 x 1006", "server 55.5 %", "80.2 MB", "converged     yes"}) {
    EXPECT_NE(t.find(s), std::string::npos) << s << " in\n" << t;
  }
}

TEST(BenchOptionsTest, Validation) {
  EXPECT_TRUE(ValidateOptions(BenchOptions{}).ok());
  auto bad = [](auto mutate) {
    BenchOptions o;
    mutate(o);
    return !ValidateOptions(o).ok();
  };
  EXPECT_TRUE(bad([](BenchOptions& o) { o.users = 0; }));
  EXPECT_TRUE(bad([](BenchOptions& o) { o.room_size = 0; }));
  EXPECT_TRUE(bad([](BenchOptions& o) { o.doc_rate = -1; }));
  EXPECT_TRUE(bad([](BenchOptions& o) { o.presence_rate = 1e9; }));
  EXPECT_TRUE(bad([](BenchOptions& o) { o.duration_s = 0; }));
  EXPECT_TRUE(bad([](BenchOptions& o) { o.ramp_s = -1; }));
  EXPECT_TRUE(bad([](BenchOptions& o) { o.threads = 1000; }));
  EXPECT_TRUE(bad([](BenchOptions& o) { o.room_prefix = "a/b"; }));
  EXPECT_TRUE(bad([](BenchOptions& o) { o.room_prefix = "a b"; }));
  EXPECT_FALSE(bad([](BenchOptions& o) { o.room_prefix = "load-test."; }));
  EXPECT_FALSE(bad([](BenchOptions& o) { o.presence_rate = 0; }));
}

}  // namespace
}  // namespace symphony::bench
