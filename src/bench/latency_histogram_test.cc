#include "bench/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace symphony::bench {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(0.5), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.min(), 0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.Percentile(0.5), 50);
  EXPECT_EQ(h.Percentile(0.99), 99);
  EXPECT_EQ(h.Percentile(1.0), 100);
  EXPECT_EQ(h.Percentile(0.0), 1);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 100);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogramTest, BucketsTileTheRange) {
  for (size_t i = 0; i + 1 < LatencyHistogram::kBuckets; ++i) {
    ASSERT_EQ(LatencyHistogram::BucketHigh(i) + 1, LatencyHistogram::BucketLow(i + 1)) << i;
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketLow(i)), i);
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketHigh(i)), i);
  }
  EXPECT_EQ(LatencyHistogram::BucketHigh(LatencyHistogram::kBuckets - 1),
            (uint64_t{1} << LatencyHistogram::kMaxExponent) - 1);
  EXPECT_EQ(LatencyHistogram::BucketOf(~uint64_t{0}), LatencyHistogram::kBuckets - 1);
}

TEST(LatencyHistogramTest, LargeValuesWithinRelativeError) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(9.0, 2.0);  // ~8 ms median, long tail
  LatencyHistogram h;
  std::vector<int64_t> values;
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<int64_t>(dist(rng));
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const int64_t exact = values[static_cast<size_t>(std::ceil(q * values.size())) - 1];
    const int64_t got = h.Percentile(q);
    EXPECT_NEAR(static_cast<double>(got), static_cast<double>(exact), exact / 64.0 + 1) << q;
  }
  EXPECT_EQ(h.max(), values.back());
}

TEST(LatencyHistogramTest, NegativeIsZeroAndHugeIsClamped) {
  LatencyHistogram h;
  h.Record(-5);
  EXPECT_EQ(h.Percentile(1.0), 0);
  h.Record(int64_t{1} << 50);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.max(), int64_t{1} << 50);  // max stays exact
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverything) {
  LatencyHistogram a, b, all;
  for (int i = 0; i < 1000; ++i) {
    const int64_t v = (i * 7919) % 250000;
    (i % 3 == 0 ? a : b).Record(v);
    all.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  for (double q : {0.1, 0.5, 0.99}) EXPECT_EQ(a.Percentile(q), all.Percentile(q));
  LatencyHistogram empty;
  a.Merge(empty);
  EXPECT_EQ(a.count(), all.count());
  empty.Merge(all);
  EXPECT_EQ(empty.min(), all.min());
}

}  // namespace
}  // namespace symphony::bench
