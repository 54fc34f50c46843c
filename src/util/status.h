// Status and Result<T>: how every module reports failure across its boundary.
//
// No exceptions cross a module boundary. A Status names what went wrong (a code), says it in
// words (a message) and, for decoding errors, where (a byte offset into the input). Result<T>
// holds either a value or a non-OK Status.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace symphony {

enum class StatusCode : uint8_t {
  kOk = 0,
  kTruncated,     // input ended in the middle of a value
  kOverflow,      // a number does not fit (varint past 2^53, length past the input)
  kInvalid,       // well-formed bytes with an impossible meaning (bad tag, bad reference)
  kLimit,         // a configured bound was exceeded (depth, size)
  kNotFound,
  kIo,
  kUnsupported,
  kInternal,
  kCorrupt,       // stored bytes failed validation (checksum, framing)
  kFull,          // storage out of space
  kBusy,          // storage locked by another writer or temporarily unavailable
  kPermission,    // the caller may not do this (auth, read-only)
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  static constexpr uint64_t kNoOffset = ~uint64_t{0};

  Status() = default;
  Status(StatusCode code, std::string message, uint64_t offset = kNoOffset)
      : code_(code), message_(std::move(message)), offset_(offset) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Byte offset into the decoded input where the error was found, or kNoOffset.
  uint64_t offset() const { return offset_; }
  bool has_offset() const { return offset_ != kNoOffset; }

  // "truncated: varUint at byte 17" style, for logs and CLI errors.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  uint64_t offset_ = kNoOffset;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must be non-OK

  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace symphony

#define SYMPHONY_RETURN_IF_ERROR(expr)            \
  do {                                            \
    ::symphony::Status _st = (expr);              \
    if (!_st.ok()) return _st;                    \
  } while (0)
