// Update format writers: v1 (lib0 fields in sequence) and v2 (column streams with run-length
// encoding), as Yjs's UpdateEncoderV1 / UpdateEncoderV2 and DSEncoderV1 / DSEncoderV2 write them.
// The struct/delete-set layout that drives these calls lives in crdt/update_writer.*.
#pragma once

#include <cassert>
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

// The concrete encoders, for callers that want direct (devirtualized) calls.
class UpdateEncoderV1 final : public UpdateEncoder {
 public:
  UpdateFormat format() const override { return UpdateFormat::kV1; }
  void ResetDsCurVal() override {}
  void WriteDsClock(Clock clock) override { rest_.WriteVarUint(clock); }
  void WriteDsLen(uint64_t len) override { rest_.WriteVarUint(len); }
  std::vector<uint8_t> Finish() override { return rest_.Take(); }

  void WriteLeftId(ID id) override {
    rest_.WriteVarUint(id.client);
    rest_.WriteVarUint(id.clock);
  }
  void WriteRightId(ID id) override {
    rest_.WriteVarUint(id.client);
    rest_.WriteVarUint(id.clock);
  }
  void WriteClient(ClientId client) override { rest_.WriteVarUint(client); }
  void WriteInfo(uint8_t info) override { rest_.WriteUint8(info); }
  void WriteString(std::u16string_view s) override { rest_.WriteVarString(s); }
  void WriteStringUtf8(std::string_view s) override { rest_.WriteVarString(s); }
  void WriteParentInfo(bool is_ykey) override { rest_.WriteVarUint(is_ykey ? 1 : 0); }
  void WriteTypeRef(uint8_t type_ref) override { rest_.WriteVarUint(type_ref); }
  void WriteLen(uint64_t len) override { rest_.WriteVarUint(len); }
  void WriteAny(const Any& v) override { rest_.WriteAny(v); }
  void WriteBuf(std::span<const uint8_t> buf) override { rest_.WriteVarUint8Array(buf); }
  void WriteJson(const Any& v) override { rest_.WriteVarString(StringifyJson(v)); }
  void WriteKey(std::string_view key) override { rest_.WriteVarString(key); }
};

// The v2 delete-set encoding, shared by UpdateEncoderV2 and the v2 DsEncoder: each clock as the
// distance from the end of the previous range, each length minus one. It can only express
// sorted, disjoint, non-empty ranges: callers pass DeleteSet::SortAndMerge'd sets.
struct DsWriterV2 {
  uint64_t cur = 0;
  void Reset() { cur = 0; }
  void Clock(lib0::Encoder& rest, crdt::Clock clock) {
    rest.WriteVarUint(clock - cur);
    cur = clock;
  }
  void Len(lib0::Encoder& rest, uint64_t len) {
    assert(len > 0);
    rest.WriteVarUint(len - 1);
    cur += len;
  }
};

class UpdateEncoderV2 final : public UpdateEncoder {
 public:
  UpdateFormat format() const override { return UpdateFormat::kV2; }
  void ResetDsCurVal() override { ds_.Reset(); }
  void WriteDsClock(Clock clock) override { ds_.Clock(rest_, clock); }
  void WriteDsLen(uint64_t len) override { ds_.Len(rest_, len); }

  std::vector<uint8_t> Finish() override;

  void WriteLeftId(ID id) override {
    client_.Write(id.client);
    left_clock_.Write(static_cast<int64_t>(id.clock));
  }
  void WriteRightId(ID id) override {
    client_.Write(id.client);
    right_clock_.Write(static_cast<int64_t>(id.clock));
  }
  void WriteClient(ClientId client) override { client_.Write(client); }
  void WriteInfo(uint8_t info) override { info_.Write(info); }
  void WriteString(std::u16string_view s) override { string_.Write(s); }
  void WriteStringUtf8(std::string_view s) override { string_.Write(s); }
  void WriteParentInfo(bool is_ykey) override { parent_info_.Write(is_ykey ? 1 : 0); }
  void WriteTypeRef(uint8_t type_ref) override { type_ref_.Write(type_ref); }
  void WriteLen(uint64_t len) override { len_.Write(len); }
  void WriteAny(const Any& v) override { rest_.WriteAny(v); }
  void WriteBuf(std::span<const uint8_t> buf) override { rest_.WriteVarUint8Array(buf); }
  void WriteJson(const Any& v) override { rest_.WriteAny(v); }
  // Yjs 13.6 declares a key cache but never fills it, so every key gets a fresh key clock and
  // its text in the string column. Decoders do honour back-references (see UpdateDecoderV2).
  void WriteKey(std::string_view key) override {
    key_clock_.Write(static_cast<int64_t>(key_clock_value_++));
    string_.Write(key);
  }

 private:
  DsWriterV2 ds_;
  uint64_t key_clock_value_ = 0;
  lib0::IntDiffOptRleEncoder key_clock_;
  lib0::UintOptRleEncoder client_;
  lib0::IntDiffOptRleEncoder left_clock_;
  lib0::IntDiffOptRleEncoder right_clock_;
  lib0::RleEncoder info_;
  lib0::StringEncoder string_;
  lib0::RleEncoder parent_info_;
  lib0::UintOptRleEncoder type_ref_;
  lib0::UintOptRleEncoder len_;
};

}  // namespace symphony::crdt
