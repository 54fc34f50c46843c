#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace symphony::cli {

bool ShowProgress(bool forced, uint64_t bytes) {
  return forced || (isatty(STDERR_FILENO) == 1 && bytes >= (uint64_t{1} << 20));
}

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f %s", v, kUnits[unit]);
  }
  return buf;
}

void ProgressBar::Update(const std::string& label, uint64_t done) {
  if (!enabled_) return;
  constexpr int kWidth = 24;
  const double fraction =
      total_ == 0 ? 1.0 : static_cast<double>(done > total_ ? total_ : done) / total_;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string line = label + "  [" + std::string(filled, '#') + std::string(kWidth - filled, '.') +
                     "]  " + std::to_string(static_cast<int>(fraction * 100)) + "%  " +
                     HumanBytes(done) + " / " + HumanBytes(total_);
  // Elsewhere than on a terminal (logs, tests), one line per tenth.
  const int tenth = static_cast<int>(fraction * 10);
  if (isatty(STDERR_FILENO) != 1 && drawn_ && tenth == last_tenth_ && done < total_) return;
  last_tenth_ = tenth;
  Draw(line, done >= total_ || isatty(STDERR_FILENO) != 1);
}

void ProgressBar::Step(const std::string& label) {
  if (enabled_) Draw(label, true);
}

void ProgressBar::Draw(const std::string& line, bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  // \r and erase-to-end-of-line on a terminal; one line per step elsewhere (logs, tests).
  if (isatty(STDERR_FILENO) == 1) {
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (!drawn_) return;
  if (isatty(STDERR_FILENO) == 1) std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace symphony::cli
