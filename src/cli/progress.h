// A one-line progress bar on stderr, for commands that move large files (import, export).
//
//   importing board.bin  [##########..........]  51%  20.4 / 40.0 MiB
//
// Drawn only when enabled (a TTY on stderr, or --progress), at most ten times a second, and
// erased by Finish(). Not thread-safe: one command thread updates it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace symphony::cli {

// Whether a command shows progress for a file of `bytes`: always with --progress, otherwise
// when stderr is a terminal and the file is at least 1 MiB.
bool ShowProgress(bool forced, uint64_t bytes);

// "1.5 MiB", "812 B": sizes for people.
std::string HumanBytes(uint64_t bytes);

class ProgressBar {
 public:
  ProgressBar(bool enabled, uint64_t total) : enabled_(enabled), total_(total) {}
  ~ProgressBar() { Finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Shows `label` with `done` of the total bytes.
  void Update(const std::string& label, uint64_t done);
  // Shows a step without a byte count ("applying", "writing snapshot").
  void Step(const std::string& label);
  // Clears the line (when drawn to a TTY) or ends it with a newline.
  void Finish();

 private:
  void Draw(const std::string& line, bool force);

  bool enabled_;
  uint64_t total_;
  bool drawn_ = false;
  int last_tenth_ = -1;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace symphony::cli
