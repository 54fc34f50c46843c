// LatencyHistogram: a fixed-size log-linear histogram of durations in microseconds.
//
// Values below 128 µs are kept exactly; above, each power of two is split into 64 buckets, so a
// reported percentile is within 1/64 (1.6 %) of a value that was recorded. Values past 2^40 µs
// (12 days) are clamped. Recording is O(1) without allocation; histograms of different threads
// are combined with Merge. Not thread-safe: one histogram per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace symphony::bench {

class LatencyHistogram {
 public:
  void Record(int64_t micros);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  int64_t max() const { return max_; }  // exact; 0 when empty
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / count_; }
  // The value at quantile q in [0, 1] (q = 0.99 for p99): the middle of the bucket holding the
  // ceil(q * count)-th smallest value, clamped to [min, max]. 0 when empty.
  int64_t Percentile(double q) const;

  // Bucket arithmetic, exposed for tests.
  static constexpr int kPrecisionBits = 6;
  static constexpr int kMaxExponent = 40;
  static size_t BucketOf(uint64_t micros);
  static uint64_t BucketLow(size_t index);
  static uint64_t BucketHigh(size_t index);                      // inclusive
  static constexpr size_t kExact = size_t{2} << kPrecisionBits;  // values kept exactly
  static constexpr size_t kBuckets =
      kExact + (kMaxExponent - kPrecisionBits - 1) * (size_t{1} << kPrecisionBits);

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t sum_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
};

}  // namespace symphony::bench
