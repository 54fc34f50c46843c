// The one clock of a bench run: microseconds on a wall-clock scale that never goes backwards.
//
// Send times travel inside documents and awareness states and are subtracted from receive times
// taken on other threads, so every thread must read the same clock. It is the system clock read
// once, advanced by the steady clock: wall-clock values (two bench processes on one host agree
// to within their start-up skew) that NTP adjustments during a run cannot make jump. The values
// (~1.7e15) are exact in a double, which is how they travel in Yjs content. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

namespace symphony::bench {

inline int64_t NowMicros() {
  using namespace std::chrono;
  static const auto anchor_steady = steady_clock::now();
  static const int64_t anchor_wall =
      duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  return anchor_wall + duration_cast<microseconds>(steady_clock::now() - anchor_steady).count();
}

}  // namespace symphony::bench
