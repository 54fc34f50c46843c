#include "protocol/awareness.h"

#include <cstdint>
#include <string>

#include "crdt/lib0/any.h"
#include "crdt/lib0/decoder.h"
#include "crdt/lib0/encoder.h"

namespace symphony::protocol {

using crdt::lib0::Decoder;
using crdt::lib0::Encoder;

namespace {

// now - then, saturating (times come from the caller and are not trusted to be sane).
int64_t Elapsed(int64_t now, int64_t then) {
  int64_t d;
  if (__builtin_sub_overflow(now, then, &d)) return now < then ? INT64_MIN : INT64_MAX;
  return d;
}

void WriteEntry(Encoder& enc, uint64_t client, uint64_t clock, std::string_view state_json) {
  enc.WriteVarUint(client);
  enc.WriteVarUint(clock);
  enc.WriteVarString(state_json);
}

}  // namespace

bool IsNullState(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s == "null";
}

std::vector<uint8_t> EncodeAwarenessUpdate(std::span<const AwarenessEntry> entries) {
  Encoder enc;
  enc.WriteVarUint(entries.size());
  for (const AwarenessEntry& e : entries) WriteEntry(enc, e.client, e.clock, e.state_json);
  return enc.Take();
}

Result<std::vector<AwarenessEntry>> DecodeAwarenessUpdate(std::span<const uint8_t> bytes,
                                                          const Limits& limits,
                                                          uint64_t base_offset) {
  if (bytes.size() > limits.max_message_bytes) {
    return LimitError("awareness update", bytes.size(), limits.max_message_bytes, base_offset);
  }
  Decoder dec(bytes, base_offset);
  const uint64_t count_offset = dec.offset();
  const uint64_t count = dec.ReadVarUint();
  if (dec.failed()) return dec.status();
  if (count > limits.max_awareness_clients) {
    return LimitError("awareness client count", count, limits.max_awareness_clients, count_offset);
  }
  // Each entry takes at least 3 bytes, so the input bounds the reservation too.
  if (count > dec.remaining() / 3) {
    return Status(StatusCode::kTruncated,
                  "awareness update claims " + std::to_string(count) + " entries in " +
                      std::to_string(dec.remaining()) + " bytes",
                  count_offset);
  }
  std::vector<AwarenessEntry> out;
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    AwarenessEntry e;
    e.client = dec.ReadVarUint();
    e.clock = dec.ReadVarUint();
    const uint64_t state_offset = dec.offset();
    std::string_view state = dec.ReadVarStringView();
    if (dec.failed()) return dec.status();
    if (state.size() > limits.max_state_json_bytes) {
      return LimitError("awareness state JSON", state.size(), limits.max_state_json_bytes,
                        state_offset);
    }
    auto parsed = crdt::ParseJson(state, limits.max_json_depth);
    if (!parsed.ok()) {
      return Status(parsed.status().code(),
                    "awareness state of client " + std::to_string(e.client) +
                        " is not JSON: " + parsed.status().message(),
                    state_offset);
    }
    e.state_json.assign(state);
    out.push_back(std::move(e));
  }
  if (dec.has_content()) {
    return Status(StatusCode::kInvalid,
                  std::to_string(dec.remaining()) + " trailing bytes after awareness update",
                  dec.offset());
  }
  return out;
}

AwarenessChanges AwarenessState::Apply(std::span<const AwarenessEntry> entries, int64_t now_ms) {
  AwarenessChanges ch;
  for (const AwarenessEntry& e : entries) {
    const bool is_null = IsNullState(e.state_json);
    auto it = meta_.find(e.client);
    const bool known = it != meta_.end();
    const uint64_t cur_clock = known ? it->second.clock : 0;
    const bool has_state = known && it->second.state.has_value();
    if (!(cur_clock < e.clock || (cur_clock == e.clock && is_null && has_state))) continue;
    if (!known) it = meta_.emplace(e.client, Meta{}).first;
    Meta& m = it->second;
    if (is_null) {
      if (m.state) --states_;
      m.state.reset();
    } else {
      if (!m.state) ++states_;
      m.state = e.state_json;
    }
    m.clock = e.clock;
    m.last_updated_ms = now_ms;
    // The same classification y-protocols reports in its 'update' event.
    if (!known && !is_null) {
      ch.added.push_back(e.client);
    } else if (known && is_null) {
      ch.removed.push_back(e.client);
    } else if (!is_null) {
      ch.updated.push_back(e.client);
    }
  }
  return ch;
}

Result<AwarenessChanges> AwarenessState::ApplyUpdate(std::span<const uint8_t> update,
                                                     int64_t now_ms, const Limits& limits) {
  auto entries = DecodeAwarenessUpdate(update, limits);
  if (!entries.ok()) return entries.status();
  return Apply(*entries, now_ms);
}

std::vector<uint8_t> AwarenessState::Encode(std::span<const uint64_t> clients) const {
  Encoder body;
  uint64_t n = 0;
  for (uint64_t c : clients) {
    auto it = meta_.find(c);
    if (it == meta_.end()) continue;
    WriteEntry(body, c, it->second.clock, it->second.state ? *it->second.state : "null");
    ++n;
  }
  Encoder enc;
  enc.WriteVarUint(n);
  enc.WriteRaw(body.bytes());
  return enc.Take();
}

std::vector<uint64_t> AwarenessState::Clients() const {
  std::vector<uint64_t> out;
  out.reserve(states_);
  for (const auto& [c, m] : meta_) {
    if (m.state) out.push_back(c);
  }
  return out;
}

std::vector<uint8_t> AwarenessState::EncodeAll() const { return Encode(Clients()); }

AwarenessChanges AwarenessState::Remove(std::span<const uint64_t> clients, int64_t now_ms) {
  AwarenessChanges ch;
  for (uint64_t c : clients) {
    auto it = meta_.find(c);
    if (it == meta_.end() || !it->second.state) continue;
    it->second.state.reset();
    it->second.last_updated_ms = now_ms;
    --states_;
    ch.removed.push_back(c);
  }
  return ch;
}

AwarenessChanges AwarenessState::RemoveOutdated(int64_t now_ms, int64_t timeout_ms) {
  AwarenessChanges ch;
  for (auto it = meta_.begin(); it != meta_.end();) {
    Meta& m = it->second;
    if (Elapsed(now_ms, m.last_updated_ms) < timeout_ms) {
      ++it;
    } else if (m.state) {
      m.state.reset();
      m.last_updated_ms = now_ms;  // forget the clock one timeout later
      --states_;
      ch.removed.push_back(it->first);
      ++it;
    } else {
      it = meta_.erase(it);
    }
  }
  return ch;
}

const std::string* AwarenessState::StateOf(uint64_t client) const {
  auto it = meta_.find(client);
  return it == meta_.end() || !it->second.state ? nullptr : &*it->second.state;
}

std::optional<uint64_t> AwarenessState::ClockOf(uint64_t client) const {
  auto it = meta_.find(client);
  if (it == meta_.end()) return std::nullopt;
  return it->second.clock;
}

}  // namespace symphony::protocol
