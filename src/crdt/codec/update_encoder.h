// Update format writers: v1 (lib0 fields in sequence) and v2 (column streams with run-length
// encoding), as Yjs's UpdateEncoderV1 / UpdateEncoderV2 and DSEncoderV1 / DSEncoderV2 write them.
// The struct/delete-set layout that drives these calls lives in crdt/update_writer.*.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "crdt/id.h"
#include "crdt/lib0/any.h"
#include "crdt/lib0/encoder.h"

namespace symphony::crdt {

enum class UpdateFormat : uint8_t { kV1 = 1, kV2 = 2 };

class DsEncoder {
 public:
  virtual ~DsEncoder() = default;
  virtual UpdateFormat format() const = 0;
  lib0::Encoder& rest() { return rest_; }
  virtual void ResetDsCurVal() = 0;
  // v2 writes the difference to the previous clock + len: clocks must not go backwards between
  // ResetDsCurVal calls, and len must be > 0.
  virtual void WriteDsClock(Clock clock) = 0;
  virtual void WriteDsLen(uint64_t len) = 0;
  // The finished bytes (for v2: the feature flag, all column streams, then the rest).
  virtual std::vector<uint8_t> Finish() = 0;

 protected:
  lib0::Encoder rest_;
};

class UpdateEncoder : public DsEncoder {
 public:
  virtual void WriteLeftId(ID id) = 0;
  virtual void WriteRightId(ID id) = 0;
  virtual void WriteClient(ClientId client) = 0;
  virtual void WriteInfo(uint8_t info) = 0;
  virtual void WriteString(std::u16string_view s) = 0;
  virtual void WriteStringUtf8(std::string_view s) = 0;
  virtual void WriteParentInfo(bool is_ykey) = 0;
  virtual void WriteTypeRef(uint8_t type_ref) = 0;
  virtual void WriteLen(uint64_t len) = 0;
  virtual void WriteAny(const Any& v) = 0;
  virtual void WriteBuf(std::span<const uint8_t> buf) = 0;
  // v1: JSON.stringify as a varString; v2: writeAny.
  virtual void WriteJson(const Any& v) = 0;
  virtual void WriteKey(std::string_view key) = 0;
};

std::unique_ptr<UpdateEncoder> MakeUpdateEncoder(UpdateFormat format);
// A delete-set-only encoder (Yjs DSEncoderV1 / DSEncoderV2, used for snapshots and state
// vectors): Finish() returns just the rest stream, in both formats.
std::unique_ptr<DsEncoder> MakeDsEncoder(UpdateFormat format);

}  // namespace symphony::crdt
