// Update format readers for v1 and v2 over untrusted bytes (Yjs's UpdateDecoderV1 / V2 and
// DSDecoderV1 / V2). Errors are sticky, as in lib0::Decoder: after the first failure every read
// returns a zero value and status() tells what and where.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "crdt/codec/update_encoder.h"
#include "crdt/id.h"
#include "crdt/lib0/any.h"
#include "crdt/lib0/decoder.h"
#include "util/status.h"

namespace symphony::crdt {

// Bounds for decoding untrusted updates.
struct DecodeLimits {
  int max_any_depth = 64;  // nesting of Any / JSON values
};

class DsDecoder {
 public:
  virtual ~DsDecoder() = default;
  virtual UpdateFormat format() const = 0;
  lib0::Decoder& rest() { return *rest_; }
  virtual void ResetDsCurVal() = 0;
  virtual Clock ReadDsClock() = 0;
  virtual uint64_t ReadDsLen() = 0;
  // First error of the rest stream or of any column stream.
  virtual Status status() const = 0;
  bool failed() const { return !status().ok(); }

 protected:
  std::unique_ptr<lib0::Decoder> rest_;
};

class UpdateDecoder : public DsDecoder {
 public:
  virtual ID ReadLeftId() = 0;
  virtual ID ReadRightId() = 0;
  virtual ClientId ReadClient() = 0;
  virtual uint8_t ReadInfo() = 0;
  virtual std::u16string ReadString() = 0;
  virtual std::string ReadStringUtf8() = 0;
  virtual bool ReadParentInfo() = 0;
  virtual uint8_t ReadTypeRef() = 0;
  virtual uint64_t ReadLen() = 0;
  virtual Any ReadAny() = 0;
  virtual std::vector<uint8_t> ReadBuf() = 0;
  virtual Any ReadJson() = 0;
  virtual std::string ReadKey() = 0;
};

// Fails (non-OK status on the returned decoder is not possible, so this returns Result) when the
// v2 header or a column stream's length prefix is malformed.
Result<std::unique_ptr<UpdateDecoder>> MakeUpdateDecoder(std::span<const uint8_t> update,
                                                         UpdateFormat format,
                                                         const DecodeLimits& limits = {});
// A delete-set-only decoder over `bytes` (Yjs DSDecoderV1 / DSDecoderV2: snapshots, state
// vectors); everything is read from rest().
std::unique_ptr<DsDecoder> MakeDsDecoder(std::span<const uint8_t> bytes, UpdateFormat format);

}  // namespace symphony::crdt
