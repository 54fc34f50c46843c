#include "util/status.h"

#include <string>

namespace symphony {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kTruncated: return "truncated";
    case StatusCode::kOverflow: return "overflow";
    case StatusCode::kInvalid: return "invalid";
    case StatusCode::kLimit: return "limit";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kIo: return "io";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kInternal: return "internal";
    case StatusCode::kCorrupt: return "corrupt";
    case StatusCode::kFull: return "full";
    case StatusCode::kBusy: return "busy";
    case StatusCode::kPermission: return "permission";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string s = StatusCodeName(code_);
  s += ": ";
  s += message_;
  if (has_offset()) {
    s += " at byte ";
    s += std::to_string(offset_);
  }
  return s;
}

}  // namespace symphony
