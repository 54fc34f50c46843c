#include "crdt/codec/update_encoder.h"

#include <cassert>

namespace symphony::crdt {

namespace {

class DsEncoderV1 final : public DsEncoder {
 public:
  UpdateFormat format() const override { return UpdateFormat::kV1; }
  void ResetDsCurVal() override {}
  void WriteDsClock(Clock clock) override { rest_.WriteVarUint(clock); }
  void WriteDsLen(uint64_t len) override { rest_.WriteVarUint(len); }
  std::vector<uint8_t> Finish() override { return rest_.Take(); }
};

class DsEncoderV2 final : public DsEncoder {
 public:
  UpdateFormat format() const override { return UpdateFormat::kV2; }
  void ResetDsCurVal() override { ds_.Reset(); }
  void WriteDsClock(Clock clock) override { ds_.Clock(rest_, clock); }
  void WriteDsLen(uint64_t len) override { ds_.Len(rest_, len); }
  std::vector<uint8_t> Finish() override { return rest_.Take(); }

 private:
  DsWriterV2 ds_;
};

}  // namespace

std::vector<uint8_t> UpdateEncoderV2::Finish() {
  lib0::Encoder out;
  out.WriteVarUint(0);  // feature flag, always 0 in Yjs 13.6
  out.WriteVarUint8Array(key_clock_.Finish());
  out.WriteVarUint8Array(client_.Finish());
  out.WriteVarUint8Array(left_clock_.Finish());
  out.WriteVarUint8Array(right_clock_.Finish());
  out.WriteVarUint8Array(info_.Finish());
  out.WriteVarUint8Array(string_.Finish());
  out.WriteVarUint8Array(parent_info_.Finish());
  out.WriteVarUint8Array(type_ref_.Finish());
  out.WriteVarUint8Array(len_.Finish());
  out.WriteRaw(rest_.bytes());  // no length prefix: the rest runs to the end
  rest_.Clear();
  ds_.Reset();
  key_clock_value_ = 0;
  return out.Take();
}

std::unique_ptr<UpdateEncoder> MakeUpdateEncoder(UpdateFormat format) {
  if (format == UpdateFormat::kV2) return std::make_unique<UpdateEncoderV2>();
  return std::make_unique<UpdateEncoderV1>();
}

std::unique_ptr<DsEncoder> MakeDsEncoder(UpdateFormat format) {
  if (format == UpdateFormat::kV2) return std::make_unique<DsEncoderV2>();
  return std::make_unique<DsEncoderV1>();
}

}  // namespace symphony::crdt
