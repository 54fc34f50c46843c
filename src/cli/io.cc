#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/command.h"

namespace symphony::cli {

Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status(StatusCode::kIo, "cannot read " + path + ": " + std::strerror(errno));
  }
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.insert(out.end(), buf, buf + n);
  const bool error = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (error) return Status(StatusCode::kIo, "cannot read " + path + ": " + std::strerror(err));
  return out;
}

Status WriteFileBytes(const std::string& path, std::span<const uint8_t> bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return Status(StatusCode::kIo, "cannot write " + path + ": " + std::strerror(errno));
  }
  const bool short_write =
      !bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size();
  const int err = errno;
  if (std::fclose(f) != 0 || short_write) {
    return Status(StatusCode::kIo,
                  "cannot write " + path + ": " + std::strerror(short_write ? err : errno));
  }
  return Status::Ok();
}

int Fail(int code, const std::string& message) {
  std::cerr << "symphony: " << message << "\n";
  return code;
}

int FailStatus(const Status& st) {
  return Fail(st.code() == StatusCode::kCorrupt ? kExitBadInput : kExitError, st.message());
}

}  // namespace symphony::cli
