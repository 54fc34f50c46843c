#include "bench/proc_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace symphony::bench {

namespace {

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    const int err = errno;
    return Status(err == ENOENT || err == ESRCH ? StatusCode::kNotFound : StatusCode::kIo,
                  path + ": " + std::strerror(err));
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The next space-separated field of `text` from *pos on.
std::string_view NextField(std::string_view text, size_t* pos) {
  while (*pos < text.size() && text[*pos] == ' ') ++*pos;
  const size_t start = *pos;
  while (*pos < text.size() && text[*pos] != ' ' && text[*pos] != '\n') ++*pos;
  return text.substr(start, *pos - start);
}

}  // namespace

Result<double> ParseProcStatCpuSeconds(std::string_view text, double ticks_per_second) {
  const size_t paren = text.rfind(')');
  if (paren == std::string_view::npos || ticks_per_second <= 0) {
    return Status(StatusCode::kInvalid, "/proc stat: no ')' after the command name");
  }
  // After ')': field 3 (state) onwards; utime is field 14, stime field 15.
  size_t pos = paren + 1;
  uint64_t ticks = 0;
  for (int field = 3; field <= 15; ++field) {
    std::string_view f = NextField(text, &pos);
    if (f.empty()) return Status(StatusCode::kInvalid, "/proc stat: too few fields");
    if (field >= 14) {
      uint64_t v = 0;
      auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
      if (ec != std::errc() || end != f.data() + f.size()) {
        return Status(StatusCode::kInvalid, "/proc stat: field " + std::to_string(field) +
                                                " is not a number: " + std::string(f));
      }
      ticks += v;
    }
  }
  return static_cast<double>(ticks) / ticks_per_second;
}

Result<uint64_t> ParseProcStatusRssBytes(std::string_view text) {
  constexpr std::string_view kKey = "VmRSS:";
  size_t at = 0;
  while (at < text.size()) {
    size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(at, eol - at);
    if (line.starts_with(kKey)) {
      size_t pos = kKey.size();
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
      uint64_t kb = 0;
      auto [end, ec] = std::from_chars(line.data() + pos, line.data() + line.size(), kb);
      if (ec != std::errc()) return Status(StatusCode::kInvalid, "/proc status: bad VmRSS line");
      (void)end;
      return kb * 1024;
    }
    at = eol + 1;
  }
  return Status(StatusCode::kNotFound, "/proc status: no VmRSS line");
}

Result<double> ParseHostBusySeconds(std::string_view text, double ticks_per_second) {
  if (!text.starts_with("cpu ") || ticks_per_second <= 0) {
    return Status(StatusCode::kInvalid, "/proc/stat: no 'cpu' line first");
  }
  size_t pos = 3;
  uint64_t busy = 0;
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  for (int field = 0; field < 8; ++field) {
    std::string_view f = NextField(text, &pos);
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
    if (f.empty() || ec != std::errc() || end != f.data() + f.size()) {
      return Status(StatusCode::kInvalid, "/proc/stat: bad cpu field " + std::to_string(field));
    }
    if (field != 3 && field != 4) busy += v;
  }
  return static_cast<double>(busy) / ticks_per_second;
}

Result<double> ReadHostBusySeconds() {
  Result<std::string> stat = ReadText("/proc/stat");
  if (!stat.ok()) return stat.status();
  return ParseHostBusySeconds(stat.value(), static_cast<double>(sysconf(_SC_CLK_TCK)));
}

Result<ProcSample> ReadProcSample(int pid) {
  const std::string base = "/proc/" + std::to_string(pid);
  Result<std::string> stat = ReadText(base + "/stat");
  if (!stat.ok()) return stat.status();
  Result<std::string> status = ReadText(base + "/status");
  if (!status.ok()) return status.status();
  Result<double> cpu =
      ParseProcStatCpuSeconds(stat.value(), static_cast<double>(sysconf(_SC_CLK_TCK)));
  if (!cpu.ok()) return cpu.status();
  Result<uint64_t> rss = ParseProcStatusRssBytes(status.value());
  if (!rss.ok()) return rss.status();
  return ProcSample{.cpu_seconds = cpu.value(), .rss_bytes = rss.value()};
}

double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

uint64_t RaiseOpenFileLimit(uint64_t want) {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return 0;
  if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < want) {
    rlimit raised = r;
    raised.rlim_cur = r.rlim_max == RLIM_INFINITY ? want : std::min<rlim_t>(want, r.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) r = raised;
  }
  return r.rlim_cur == RLIM_INFINITY ? ~uint64_t{0} : r.rlim_cur;
}

}  // namespace symphony::bench
