#include "bench/client_session.h"

#include <algorithm>
#include <utility>

#include "bench/whiteboard.h"
#include "crdt/lib0/any.h"
#include "crdt/transaction.h"
#include "crdt/types/abstract_type.h"
#include "crdt/types/array.h"
#include "crdt/updates.h"
#include "protocol/hocuspocus.h"
#include "protocol/sync.h"
#include "protocol/y_websocket.h"

namespace symphony::bench {

namespace hp = protocol::hocuspocus;
namespace yws = protocol::y_websocket;

ClientSession::ClientSession(SessionConfig config, LoadStats* stats, Progress* progress)
    : config_(std::move(config)),
      stats_(stats),
      progress_(progress),
      doc_(crdt::DocOptions{.client_id = config_.client_id}),
      rng_(config_.seed) {
  std::uniform_int_distribution<int> coord(0, 1999);
  cursor_x_ = coord(rng_);
  cursor_y_ = coord(rng_);
  doc_.GetArray(kStrokesRoot).type()->Observe([this](const crdt::TypeEvent& ev) {
    if (ev.transaction == nullptr || ev.transaction->local()) return;
    for (int64_t sent : RemoteStrokeTimes(*ev.transaction, doc_.client_id())) RecordStroke(sent);
  });
}

std::vector<ClientSession::Bytes> ClientSession::Start(int64_t now_us, int64_t connect_started_us) {
  connect_started_us_ = connect_started_us;
  now_us_ = now_us;
  // The first state: what a provider publishes on connect. Not measured.
  aw_clock_ = 1;
  aw_state_ = PresenceJson(config_.user, cursor_x_, cursor_y_, 0);
  std::vector<Bytes> out;
  if (config_.protocol == WireProtocol::kHocuspocus) {
    out.push_back(hp::Token(config_.document, config_.token));
  } else {
    BeginSync(&out);
  }
  return out;
}

void ClientSession::BeginSync(std::vector<Bytes>* out) {
  const std::vector<uint8_t> sv = doc_.EncodeStateVector();
  if (config_.protocol == WireProtocol::kHocuspocus) {
    out->push_back(hp::SyncStep1(config_.document, sv));
  } else {
    out->push_back(yws::SyncStep1(sv));
  }
  out->push_back(AwarenessMessage());
}

ClientSession::Bytes ClientSession::AwarenessMessage() const {
  const protocol::AwarenessEntry entry{
      .client = doc_.client_id(), .clock = aw_clock_, .state_json = aw_state_};
  const std::vector<uint8_t> update = protocol::EncodeAwarenessUpdate({&entry, 1});
  if (config_.protocol == WireProtocol::kHocuspocus) {
    return hp::AwarenessUpdate(config_.document, update);
  }
  return yws::AwarenessUpdate(update);
}

Status ClientSession::OnMessage(std::span<const uint8_t> message, int64_t now_us,
                                std::vector<Bytes>* out) {
  now_us_ = now_us;
  if (config_.protocol == WireProtocol::kYws) {
    Result<yws::Message> msg = yws::Parse(message);
    if (!msg.ok()) return msg.status();
    switch (msg->type) {
      case yws::MessageType::kSync:
        return OnSync(msg->payload, msg->payload_offset, now_us, out);
      case yws::MessageType::kAwareness:
        return OnAwareness(msg->payload, now_us);
      case yws::MessageType::kAuth: {
        Result<std::string> reason = yws::ParsePermissionDenied(msg->payload, msg->payload_offset);
        return Status(StatusCode::kPermission,
                      "permission denied: " + (reason.ok() ? reason.value() : std::string("?")));
      }
      case yws::MessageType::kQueryAwareness:
        out->push_back(AwarenessMessage());
        return Status::Ok();
    }
    return Status::Ok();
  }
  Result<hp::Message> msg = hp::Parse(message);
  if (!msg.ok()) return msg.status();
  if (msg->document != config_.document) return Status::Ok();  // not ours: ignore
  switch (msg->type) {
    case hp::MessageType::kAuth: {
      Result<hp::AuthMessage> auth = hp::ParseAuth(msg->payload, msg->payload_offset);
      if (!auth.ok()) return auth.status();
      if (auth->type == hp::AuthMessageType::kPermissionDenied) {
        return Status(StatusCode::kPermission, "permission denied: " + auth->text.value_or(""));
      }
      if (auth->type == hp::AuthMessageType::kAuthenticated && !authenticated_) {
        authenticated_ = true;
        BeginSync(out);
      }
      return Status::Ok();
    }
    case hp::MessageType::kSync:
    case hp::MessageType::kSyncReply:
      if (!authenticated_) return Status(StatusCode::kInvalid, "sync before Authenticated");
      return OnSync(msg->payload, msg->payload_offset, now_us, out);
    case hp::MessageType::kAwareness:
      return OnAwareness(msg->payload, now_us);
    case hp::MessageType::kQueryAwareness:
      out->push_back(AwarenessMessage());
      return Status::Ok();
    case hp::MessageType::kSyncStatus: {
      Result<bool> saved = hp::ParseSyncStatus(msg->payload, msg->payload_offset);
      if (!saved.ok()) return saved.status();
      if (!saved.value()) return Status(StatusCode::kPermission, "update refused (SyncStatus 0)");
      AckSyncStatus(now_us);
      return Status::Ok();
    }
    case hp::MessageType::kClose: {
      Result<std::string> reason = hp::ParseString(msg->payload, msg->payload_offset);
      return Status(StatusCode::kPermission,
                    "server closed the document: " + (reason.ok() ? reason.value() : ""));
    }
    case hp::MessageType::kPing:
      out->push_back(hp::Pong(config_.document));
      return Status::Ok();
    default:
      return Status::Ok();  // stateless and the rest: not part of the workload
  }
}

Status ClientSession::OnSync(std::span<const uint8_t> payload, uint64_t offset, int64_t now_us,
                             std::vector<Bytes>* out) {
  Result<protocol::SyncMessage> sync = protocol::DecodeSyncMessage(payload, {}, offset);
  if (!sync.ok()) return sync.status();
  switch (sync->type) {
    case protocol::SyncMessageType::kStep1: {
      Result<crdt::StateVector> sv = crdt::DecodeStateVector(sync->payload);
      if (!sv.ok()) return sv.status();
      const std::vector<uint8_t> update = doc_.EncodeStateAsUpdate(sv.value());
      if (config_.protocol == WireProtocol::kHocuspocus) {
        out->push_back(hp::SyncStep2(config_.document, update));
        pending_acks_.emplace_back(0, 0);  // Hocuspocus acknowledges step 2 too
      } else {
        out->push_back(yws::SyncStep2(update));
      }
      return Status::Ok();
    }
    case protocol::SyncMessageType::kStep2:
    case protocol::SyncMessageType::kUpdate: {
      if (!config_.replica) {
        SYMPHONY_RETURN_IF_ERROR(ScanRemoteUpdate(sync->payload, now_us));
      } else {
        if (config_.protocol == WireProtocol::kYws) AckEcho(sync->payload, now_us);
        SYMPHONY_RETURN_IF_ERROR(ApplyRemoteUpdate(sync->payload, now_us));
      }
      if (sync->type == protocol::SyncMessageType::kStep2 && !synced_) {
        synced_ = true;
        stats_->synced++;
        stats_->connect_latency.Record(now_us - connect_started_us_);
        stats_->last_synced_us = std::max(stats_->last_synced_us, now_us);
        progress_->synced.fetch_add(1, std::memory_order_relaxed);
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status ClientSession::ApplyRemoteUpdate(std::span<const uint8_t> update, int64_t now_us) {
  now_us_ = now_us;
  return doc_.ApplyUpdate(update, crdt::UpdateFormat::kV1, this);
}

Status ClientSession::ScanRemoteUpdate(std::span<const uint8_t> update, int64_t now_us) {
  now_us_ = now_us;
  Result<StrokeScan> scan = ScanStrokes(update, doc_.client_id(), &seen_);
  if (!scan.ok()) return scan.status();
  for (int64_t sent : scan->times) RecordStroke(sent);
  if (config_.protocol == WireProtocol::kYws && scan->own_end > 0) AckUpTo(scan->own_end, now_us);
  return Status::Ok();
}

void ClientSession::RecordStroke(int64_t sent_us) {
  if (sent_us < config_.measure_from_us) return;
  stats_->doc_latency.Record(now_us_ - sent_us);
  stats_->doc_received++;
  progress_->doc_received.fetch_add(1, std::memory_order_relaxed);
}

void ClientSession::AckEcho(std::span<const uint8_t> update, int64_t now_us) {
  if (pending_acks_.empty()) return;
  Result<crdt::UpdateMeta> meta = crdt::ParseUpdateMeta(update, crdt::UpdateFormat::kV1);
  if (!meta.ok()) return;  // ApplyUpdate reports it
  auto to = meta->to.find(doc_.client_id());
  if (to == meta->to.end()) return;
  AckUpTo(to->second, now_us);
}

// Our strokes below `own_end` came back: each pending one is acknowledged.
void ClientSession::AckUpTo(crdt::Clock own_end, int64_t now_us) {
  while (!pending_acks_.empty() && pending_acks_.front().first < own_end) {
    const int64_t sent = pending_acks_.front().second;
    pending_acks_.pop_front();
    if (sent > 0) {
      stats_->ack_latency.Record(now_us - sent);
      stats_->acks++;
    }
  }
}

void ClientSession::AckSyncStatus(int64_t now_us) {
  if (pending_acks_.empty()) return;
  const int64_t sent = pending_acks_.front().second;
  pending_acks_.pop_front();
  if (sent > 0) {
    stats_->ack_latency.Record(now_us - sent);
    stats_->acks++;
  }
}

Status ClientSession::OnAwareness(std::span<const uint8_t> update, int64_t now_us) {
  Result<protocol::AwarenessChanges> changes = peers_aw_.ApplyUpdate(update, now_us / 1000);
  if (!changes.ok()) return changes.status();
  auto count = [&](const std::vector<uint64_t>& clients) {
    for (uint64_t client : clients) {
      if (client == doc_.client_id()) continue;
      const std::string* state = peers_aw_.StateOf(client);
      if (state == nullptr) continue;
      std::optional<int64_t> sent = PresenceSentMicros(*state);
      if (!sent || *sent < config_.measure_from_us) continue;
      stats_->aw_latency.Record(now_us - *sent);
      stats_->aw_received++;
      progress_->aw_received.fetch_add(1, std::memory_order_relaxed);
    }
  };
  count(changes->added);
  count(changes->updated);
  return Status::Ok();
}

ClientSession::Bytes ClientSession::MakeStroke(int64_t now_us, bool measured) {
  const crdt::Clock clock = doc_.store().GetState(doc_.client_id());
  const std::vector<uint8_t> update = PushStroke(doc_, config_.user, ++strokes_, now_us, rng_);
  pending_acks_.emplace_back(clock, measured ? now_us : 0);
  if (measured) {
    stats_->doc_sent++;
    stats_->doc_expected += config_.peers;
    progress_->doc_expected.fetch_add(config_.peers, std::memory_order_relaxed);
  }
  if (config_.protocol == WireProtocol::kHocuspocus) return hp::Update(config_.document, update);
  return yws::Update(update);
}

ClientSession::Bytes ClientSession::MakePresence(int64_t now_us, bool measured) {
  std::uniform_int_distribution<int> step(-40, 40);
  cursor_x_ = std::clamp(cursor_x_ + step(rng_), 0, 1999);
  cursor_y_ = std::clamp(cursor_y_ + step(rng_), 0, 1999);
  ++aw_clock_;
  aw_state_ = PresenceJson(config_.user, cursor_x_, cursor_y_, measured ? now_us : 0);
  if (measured) {
    stats_->aw_sent++;
    stats_->aw_expected += config_.peers;
    progress_->aw_expected.fetch_add(config_.peers, std::memory_order_relaxed);
  }
  return AwarenessMessage();
}

std::string ClientSession::StrokesJson() const {
  const crdt::AbstractType* root = nullptr;
  for (const auto& [name, type] : doc_.share()) {
    if (name == kStrokesRoot) root = type.get();
  }
  return root == nullptr ? "[]" : crdt::StringifyJson(root->ToJson());
}

}  // namespace symphony::bench
