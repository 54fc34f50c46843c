#include "bench/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace symphony::bench {

namespace {
constexpr uint64_t kSub = uint64_t{1} << LatencyHistogram::kPrecisionBits;
constexpr uint64_t kMaxValue = (uint64_t{1} << LatencyHistogram::kMaxExponent) - 1;
}  // namespace

size_t LatencyHistogram::BucketOf(uint64_t v) {
  v = std::min(v, kMaxValue);
  if (v < kExact) return static_cast<size_t>(v);
  const int msb = 63 - std::countl_zero(v);  // >= kPrecisionBits + 1
  const int shift = msb - kPrecisionBits;
  const uint64_t top = v >> shift;  // in [kSub, 2 * kSub)
  return kExact + static_cast<size_t>(msb - kPrecisionBits - 1) * kSub +
         static_cast<size_t>(top - kSub);
}

uint64_t LatencyHistogram::BucketLow(size_t index) {
  if (index < kExact) return index;
  const size_t j = index - kExact;
  const int shift = static_cast<int>(j / kSub) + 1;
  return (kSub + j % kSub) << shift;
}

uint64_t LatencyHistogram::BucketHigh(size_t index) {
  if (index < kExact) return index;
  const size_t j = index - kExact;
  const int shift = static_cast<int>(j / kSub) + 1;
  return ((kSub + j % kSub + 1) << shift) - 1;
}

void LatencyHistogram::Record(int64_t micros) {
  const int64_t v = std::max<int64_t>(micros, 0);
  buckets_[BucketOf(static_cast<uint64_t>(v))]++;
  if (count_ == 0 || v < min_) min_ = v;
  if (v > max_) max_ = v;
  count_++;
  sum_ += v;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

int64_t LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const uint64_t mid = BucketLow(i) + (BucketHigh(i) - BucketLow(i)) / 2;
      return std::clamp(static_cast<int64_t>(mid), min_, max_);
    }
  }
  return max_;
}

}  // namespace symphony::bench
