#include "server/room.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "crdt/item.h"
#include "crdt/lib0/any.h"
#include "crdt/types/abstract_type.h"
#include "protocol/hocuspocus.h"
#include "protocol/y_websocket.h"
#include "server/room_registry.h"
#include "server/storage_worker.h"
#include "util/log.h"

namespace symphony::server {

namespace asio = boost::asio;
namespace yws = protocol::y_websocket;
namespace hp = protocol::hocuspocus;
using Clock = std::chrono::steady_clock;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// Updates waiting for a durable log may not grow past this; senders past it are closed (they
// resend on reconnect) instead of the server growing while storage is down.
constexpr size_t kMaxUnsavedBytes = size_t{64} << 20;
constexpr int kMaxRetryMs = 5000;

SharedBytes Share(std::vector<uint8_t> bytes) {
  return std::make_shared<const Bytes>(std::move(bytes));
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Queues `message` to the peer's connection and counts it by type in the metrics.
void SendTo(const Peer& peer, SharedBytes message, MessageKind kind) {
  Metrics().CountOut(kind, message->size());
  peer.conn->Send(std::move(message));
}

}  // namespace

Room::Room(std::string name, asio::any_io_executor loop, RoomContext& ctx)
    : name_(std::move(name)),
      loop_(loop),
      ctx_(ctx),
      stats_(std::make_shared<RoomStats>(name_)),
      retry_timer_(loop),
      unload_timer_(loop),
      awareness_timer_(loop),
      load_timer_(loop) {}

Room::~Room() = default;

// ---------------------------------------------------------------------------------- loading

void Room::StartLoad() {
  load_started_ = Clock::now();
  auto self = shared_from_this();
  ctx_.storage.Read([self](storage::Storage& s) {
    Result<storage::LoadedRoom> r = s.Load(self->name_);
    asio::post(self->loop_, [self, r = std::move(r)]() mutable { self->OnLoaded(std::move(r)); });
  });
  load_timer_.expires_after(std::chrono::milliseconds(ctx_.options.load_timeout_ms));
  load_timer_.async_wait([self](boost::system::error_code ec) {
    if (ec || self->state_ != State::kLoading) return;
    log::Warn("room load is slow: closing waiting connections", {{"room", self->name_}});
    for (auto& p : self->peers_) {
      self->ClosePeer(*p, close_code::kTryAgain, "room is still loading; try again",
                      CloseReason::kLoadFailed);
    }
  });
}

void Room::OnLoaded(Result<storage::LoadedRoom> result) {
  load_timer_.cancel();
  if (state_ != State::kLoading) return;
  if (!result.ok()) {
    Metrics().CountStorageError(StorageOp::kLoad);
    FailLoad(result.status());
    return;
  }
  storage::LoadedRoom& loaded = result.value();
  BusyTimer busy(*stats_);
  doc_ = std::make_unique<crdt::Doc>(crdt::DocOptions{.gc = true});
  if (!loaded.snapshot.empty()) {
    Status st = doc_->ApplyUpdate(
        {reinterpret_cast<const uint8_t*>(loaded.snapshot.data()), loaded.snapshot.size()});
    if (!st.ok()) {
      FailLoad(Status(StatusCode::kCorrupt, "snapshot does not decode: " + st.ToString()));
      return;
    }
  }
  for (const storage::LogRecord& rec : loaded.log) {
    Status st =
        doc_->ApplyUpdate({reinterpret_cast<const uint8_t*>(rec.update.data()), rec.update.size()});
    if (!st.ok()) {
      // Validated before it was stored, so this is damage the checksum missed; it was never
      // applied in memory either, so skipping it matches what every client saw.
      log::Error("stored update does not decode; skipped",
                 {{"room", name_}, {"seq", rec.seq}, {"error", st.ToString()}});
      Metrics().CountStorageError(StorageOp::kLoad);
    }
    log_bytes_ += rec.update.size();
  }
  doc_->OnUpdate([this](std::span<const uint8_t> u, crdt::Transaction&) {
    emitted_.assign(u.begin(), u.end());
    captured_ = true;
    full_state_yws_.reset();
  });
  if (loaded.log.empty() && !loaded.snapshot.empty() && !peers_.empty()) {
    // The snapshot is an encoding of exactly this state: the joiners' step 2 as it is.
    full_state_yws_ = Share(yws::SyncStep2(
        {reinterpret_cast<const uint8_t*>(loaded.snapshot.data()), loaded.snapshot.size()}));
  }
  exists_ = loaded.exists;
  last_seq_ = durable_seq_ = std::max<uint64_t>(
      loaded.meta.last_seq, loaded.log.empty() ? loaded.snapshot_seq : loaded.log.back().seq);
  log_records_ = loaded.log.size();
  snapshot_bytes_ = loaded.snapshot.size();
  peak_connections_ =
      std::max(peak_connections_, static_cast<uint32_t>(loaded.meta.peak_connections));
  stats_->created_ms = loaded.exists ? loaded.meta.created_ms : NowMs();
  stats_->last_active_ms = loaded.exists ? loaded.meta.last_active_ms : NowMs();
  stats_->total_connections = loaded.meta.total_connections + new_connections_;
  stats_->peak_connections = peak_connections_;
  stats_->snapshot_bytes = snapshot_bytes_;
  stats_->log_bytes = log_bytes_;
  stats_->log_records = log_records_;
  stats_->doc_bytes = snapshot_bytes_ + log_bytes_;
  stats_->exists = exists_;
  UpdateMemoryEstimate();
  stats_->loaded = true;
  Metrics().document_bytes.Add(static_cast<int64_t>(snapshot_bytes_ + log_bytes_));
  Metrics().room_load_seconds.Observe(Seconds(Clock::now() - load_started_));
  state_ = State::kReady;
  log::Debug("room loaded", {{"room", name_},
                             {"snapshot_bytes", snapshot_bytes_},
                             {"log_records", log_records_},
                             {"ms", Seconds(Clock::now() - load_started_) * 1000}});
  auto deferred = std::move(deferred_);
  for (auto& f : deferred) f();
  if (peers_.empty()) ScheduleUnload();
}

void Room::FailLoad(const Status& status) {
  state_ = State::kFailed;
  load_error_ = status;
  log::Error("room load failed", {{"room", name_}, {"error", status.ToString()}});
  for (auto& p : peers_) {
    p->left = true;
    ClosePeer(*p, close_code::kInternal, "room could not be loaded: " + status.ToString(),
              CloseReason::kLoadFailed);
  }
  peers_.clear();
  stats_->connections = 0;
  auto deferred = std::move(deferred_);
  for (auto& f : deferred) f();  // API callers see state() == kFailed
  ctx_.registry.Remove(shared_from_this());
}

void Room::Defer(std::function<void()> f) { deferred_.push_back(std::move(f)); }

void Room::WhenReady(std::function<void()> f) {
  if (state_ == State::kLoading) {
    Defer(std::move(f));
    return;
  }
  f();
}

// ---------------------------------------------------------------------------------- peers

void Room::Join(std::shared_ptr<Peer> peer) {
  if (state_ == State::kFailed || state_ == State::kGone) {
    ClosePeer(*peer, close_code::kTryAgain, "room is unavailable; try again",
              CloseReason::kLoadFailed);
    return;
  }
  if (state_ == State::kDeleting) {
    ClosePeer(*peer, close_code::kTryAgain, "room is being deleted; try again",
              CloseReason::kRoomDeleted);
    return;
  }
  if (peers_.size() >= ctx_.options.max_connections_per_room) {
    ClosePeer(
        *peer, close_code::kTryAgain,
        "room is full (" + std::to_string(ctx_.options.max_connections_per_room) + " connections)",
        CloseReason::kRoomFull);
    return;
  }
  unload_timer_.cancel();
  peers_.push_back(peer);
  new_connections_++;
  stats_->connections = static_cast<uint32_t>(peers_.size());
  stats_->total_connections++;
  stats_->last_active_ms = NowMs();
  if (peers_.size() > peak_connections_) {
    peak_connections_ = static_cast<uint32_t>(peers_.size());
    stats_->peak_connections = peak_connections_;
  }
  if (state_ == State::kLoading) {
    Defer([self = shared_from_this(), peer] {
      if (!peer->left && self->state_ == State::kReady) self->Handshake(peer);
    });
    return;
  }
  Handshake(peer);
}

void Room::Handshake(const std::shared_ptr<Peer>& peer) {
  peer->joined = true;
  if (peer->protocol == WsConnection::Protocol::kYws) {
    const std::vector<uint8_t> sv = doc_->EncodeStateVector();
    SendTo(*peer, Share(yws::SyncStep1(sv)), MessageKind::kSyncStep1);
    if (awareness_.size() > 0) {
      SendTo(*peer, Share(yws::AwarenessUpdate(awareness_.EncodeAll())), MessageKind::kAwareness);
    }
  } else if (awareness_.size() > 0) {
    SendTo(*peer, Share(hp::AwarenessUpdate(peer->doc_name, awareness_.EncodeAll())),
           MessageKind::kAwareness);
  }
}

void Room::Leave(const std::shared_ptr<Peer>& peer) {
  if (peer->left) return;
  peer->left = true;
  auto it = std::find(peers_.begin(), peers_.end(), peer);
  if (it == peers_.end()) return;
  peers_.erase(it);
  stats_->connections = static_cast<uint32_t>(peers_.size());
  stats_->last_active_ms = NowMs();
  if (!peer->awareness_clients.empty()) {
    protocol::AwarenessChanges ch = awareness_.Remove(peer->awareness_clients, NowMs());
    BroadcastAwareness(ch);
  }
  if (peers_.empty() && state_ == State::kReady) {
    WriteMeta();
    ScheduleUnload();
  }
}

void Room::ClosePeer(Peer& peer, uint16_t code, std::string reason, CloseReason metric) {
  if (peer.protocol == WsConnection::Protocol::kHocuspocus && code != close_code::kGoingAway) {
    // Hocuspocus: refuse this document only; the socket may carry others.
    SendTo(peer, Share(hp::Close(peer.doc_name, reason)), MessageKind::kClose);
    if (code == close_code::kProtocolError || code == close_code::kTooBig ||
        code == close_code::kPolicy) {
      peer.conn->Close(code, std::move(reason), metric);
    }
    return;
  }
  peer.conn->Close(code, std::move(reason), metric, code == close_code::kGoingAway);
}

// ---------------------------------------------------------------------------------- messages

void Room::OnSync(const std::shared_ptr<Peer>& peer, SharedBytes message,
                  protocol::SyncMessage sync, bool hocuspocus_reply) {
  if (state_ == State::kLoading) {
    Defer([self = shared_from_this(), peer, message, sync, hocuspocus_reply] {
      self->OnSync(peer, message, sync, hocuspocus_reply);
    });
    return;
  }
  if (state_ != State::kReady || peer->left) return;
  BusyTimer busy(*stats_);
  const bool hocuspocus = peer->protocol == WsConnection::Protocol::kHocuspocus;
  switch (sync.type) {
    case protocol::SyncMessageType::kStep1: {
      Metrics().CountIn(MessageKind::kSyncStep1, message->size());
      Result<crdt::StateVector> sv = crdt::DecodeStateVector(sync.payload);
      if (!sv.ok()) {
        ClosePeer(*peer, close_code::kProtocolError,
                  "malformed sync step 1: " + sv.status().ToString(), CloseReason::kProtocolError);
        return;
      }
      if (!hocuspocus && sv.value().empty()) {
        // A new client: the whole document, encoded once for every joiner.
        if (!full_state_yws_) full_state_yws_ = Share(yws::SyncStep2(doc_->EncodeStateAsUpdate()));
        SendTo(*peer, full_state_yws_, MessageKind::kSyncStep2);
        return;
      }
      std::vector<uint8_t> update = doc_->EncodeStateAsUpdate(sv.value());
      if (hocuspocus) {
        SendTo(*peer, Share(hp::SyncStep2(peer->doc_name, update)), MessageKind::kSyncStep2);
        if (!hocuspocus_reply) {
          // Hocuspocus answers a client's step 1 with step 2 and then its own step 1, both as
          // plain Sync messages (providers 3 and 4 do not know the SyncReply type).
          SendTo(*peer, Share(hp::SyncStep1(peer->doc_name, doc_->EncodeStateVector())),
                 MessageKind::kSyncStep1);
        }
      } else {
        SendTo(*peer, Share(yws::SyncStep2(update)), MessageKind::kSyncStep2);
      }
      return;
    }
    case protocol::SyncMessageType::kStep2:
    case protocol::SyncMessageType::kUpdate: {
      Metrics().CountIn(sync.type == protocol::SyncMessageType::kStep2 ? MessageKind::kSyncStep2
                                                                       : MessageKind::kSyncUpdate,
                        message->size());
      if (peer->read_only) {
        log::Info("update from a read-only connection dropped",
                  {{"room", name_}, {"conn", peer->conn->id()}});
        if (hocuspocus) {
          SendTo(*peer, Share(hp::SyncStatus(peer->doc_name, false)), MessageKind::kSyncStatus);
        }
        return;
      }
      Enqueue(peer, sync.payload, nullptr);
      return;
    }
  }
}

void Room::OnAwareness(const std::shared_ptr<Peer>& peer, SharedBytes message,
                       std::span<const uint8_t> update, uint64_t offset) {
  if (state_ == State::kLoading) {
    Defer([self = shared_from_this(), peer, message, update, offset] {
      self->OnAwareness(peer, message, update, offset);
    });
    return;
  }
  if (state_ != State::kReady || peer->left) return;
  BusyTimer busy(*stats_);
  Metrics().CountIn(MessageKind::kAwareness, message->size());
  Result<std::vector<protocol::AwarenessEntry>> entries =
      protocol::DecodeAwarenessUpdate(update, ctx_.limits, offset);
  if (!entries.ok()) {
    ClosePeer(*peer, close_code::kProtocolError,
              "malformed awareness update: " + entries.status().ToString(),
              CloseReason::kProtocolError);
    return;
  }
  if (!peer->user_id.empty() || !peer->user_name.empty()) StampIdentity(*peer, entries.value());
  protocol::AwarenessChanges ch = awareness_.Apply(entries.value(), NowMs());
  // The connection controls the clients it announces (y-websocket server semantics).
  for (uint64_t c : ch.added) peer->awareness_clients.push_back(c);
  for (uint64_t c : ch.updated) {
    if (std::find(peer->awareness_clients.begin(), peer->awareness_clients.end(), c) ==
        peer->awareness_clients.end()) {
      peer->awareness_clients.push_back(c);
    }
  }
  for (uint64_t c : ch.removed) {
    std::erase(peer->awareness_clients, c);
  }
  if (peer->awareness_clients.size() > ctx_.options.max_awareness_clients) {
    ClosePeer(*peer, close_code::kPolicy, "connection announces too many awareness clients",
              CloseReason::kProtocolError);
  }
  BroadcastAwareness(ch);
  if (!awareness_timer_running_ && awareness_.size() > 0) TickAwareness();
}

void Room::StampIdentity(const Peer& peer, std::vector<protocol::AwarenessEntry>& entries) {
  for (protocol::AwarenessEntry& e : entries) {
    if (protocol::IsNullState(e.state_json)) continue;
    nlohmann::json state = nlohmann::json::parse(e.state_json, nullptr, false);
    if (!state.is_object()) continue;
    nlohmann::json& user = state["user"];
    if (!user.is_object()) user = nlohmann::json::object();
    user["id"] = peer.user_id;
    user["name"] = peer.user_name;
    e.state_json = state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

void Room::OnQueryAwareness(const std::shared_ptr<Peer>& peer) {
  if (state_ == State::kLoading) {
    Defer([self = shared_from_this(), peer] { self->OnQueryAwareness(peer); });
    return;
  }
  if (state_ != State::kReady || peer->left) return;
  Metrics().CountIn(MessageKind::kQueryAwareness, 1);
  const std::vector<uint8_t> all = awareness_.EncodeAll();
  if (peer->protocol == WsConnection::Protocol::kYws) {
    SendTo(*peer, Share(yws::AwarenessUpdate(all)), MessageKind::kAwareness);
  } else {
    SendTo(*peer, Share(hp::AwarenessUpdate(peer->doc_name, all)), MessageKind::kAwareness);
  }
}

void Room::OnStateless(const std::shared_ptr<Peer>& peer, const std::string& payload) {
  if (state_ == State::kLoading) {
    Defer([self = shared_from_this(), peer, payload] { self->OnStateless(peer, payload); });
    return;
  }
  if (state_ != State::kReady || peer->left) return;
  SharedBytes msg;
  for (const auto& p : peers_) {
    if (p == peer || p->protocol != WsConnection::Protocol::kHocuspocus) continue;
    if (!msg || p->doc_name != peer->doc_name) msg = Share(hp::Stateless(p->doc_name, payload));
    SendTo(*p, msg, MessageKind::kStateless);
  }
}

void Room::BroadcastAwareness(const protocol::AwarenessChanges& ch) {
  if (ch.empty()) return;
  std::vector<uint64_t> changed;
  changed.reserve(ch.added.size() + ch.updated.size() + ch.removed.size());
  changed.insert(changed.end(), ch.added.begin(), ch.added.end());
  changed.insert(changed.end(), ch.updated.begin(), ch.updated.end());
  changed.insert(changed.end(), ch.removed.begin(), ch.removed.end());
  const std::vector<uint8_t> update = awareness_.Encode(changed);
  SharedBytes yws_msg, hp_msg;
  for (const auto& p : peers_) {
    if (!p->joined) continue;
    if (p->protocol == WsConnection::Protocol::kYws) {
      if (!yws_msg) yws_msg = Share(yws::AwarenessUpdate(update));
      SendTo(*p, yws_msg, MessageKind::kAwareness);
    } else {
      if (!hp_msg || p->doc_name != name_) hp_msg = Share(hp::AwarenessUpdate(p->doc_name, update));
      SendTo(*p, hp_msg, MessageKind::kAwareness);
    }
  }
}

void Room::TickAwareness() {
  awareness_timer_running_ = true;
  const uint32_t timeout = ctx_.options.awareness_timeout_ms;
  awareness_timer_.expires_after(std::chrono::milliseconds(std::max<uint32_t>(timeout / 10, 50)));
  awareness_timer_.async_wait([self = shared_from_this(), timeout](boost::system::error_code ec) {
    self->awareness_timer_running_ = false;
    if (ec || self->state_ != State::kReady) return;
    protocol::AwarenessChanges ch = self->awareness_.RemoveOutdated(NowMs(), timeout);
    for (uint64_t c : ch.removed) {
      for (auto& p : self->peers_) std::erase(p->awareness_clients, c);
    }
    self->BroadcastAwareness(ch);
    if (self->awareness_.size() > 0) self->TickAwareness();
  });
}

// ---------------------------------------------------------------------------------- the log

void Room::ApplyFromApi(SharedBytes update, Done done) {
  WhenReady([self = shared_from_this(), update, done = std::move(done)]() mutable {
    if (self->state_ != State::kReady) {
      done(self->load_error_.ok() ? Status(StatusCode::kBusy, "room is unavailable")
                                  : self->load_error_);
      return;
    }
    self->Enqueue(nullptr, *update, std::move(done));
  });
}

void Room::Enqueue(const std::shared_ptr<Peer>& peer, std::span<const uint8_t> update, Done done) {
  auto refuse = [&](uint16_t code, std::string reason, CloseReason metric, StatusCode sc) {
    if (peer) ClosePeer(*peer, code, reason, metric);
    if (done) done(Status(sc, reason));
  };
  if (stats_->doc_bytes + queued_bytes_ + update.size() > ctx_.options.max_doc_bytes) {
    refuse(close_code::kTooBig,
           "document would exceed " + std::to_string(ctx_.options.max_doc_bytes) + " bytes",
           CloseReason::kTooBig, StatusCode::kLimit);
    return;
  }
  if (queued_bytes_ + update.size() > kMaxUnsavedBytes) {
    refuse(close_code::kInternal, "storage is not keeping up; reconnect later",
           CloseReason::kStorageError, StatusCode::kBusy);
    return;
  }
  const auto start = Clock::now();
  Status valid = doc_->ValidateUpdate(update);
  if (!valid.ok()) {
    Metrics().integrate_seconds.Observe(Seconds(Clock::now() - start));
    refuse(close_code::kProtocolError, "malformed update: " + valid.ToString(),
           CloseReason::kProtocolError, valid.code());
    return;
  }
  Entry e;
  e.seq = ++last_seq_;
  e.update.assign(reinterpret_cast<const char*>(update.data()), update.size());
  e.origin = peer;
  e.done = std::move(done);
  e.received = start;
  queued_bytes_ += update.size();
  queued_.push_back(std::move(e));
  stats_->last_active_ms = NowMs();
  if (in_flight_.empty()) SubmitBatch();
}

void Room::SubmitBatch() {
  if (queued_.empty() || !in_flight_.empty()) return;
  in_flight_ = std::move(queued_);
  queued_.clear();
  std::vector<storage::AppendRecord> records;
  records.reserve(in_flight_.size());
  for (const Entry& e : in_flight_) records.push_back({name_, e.seq, e.update});
  auto self = shared_from_this();
  ctx_.storage.Append(std::move(records), [self](Status st) {
    asio::post(self->loop_,
               [self, st = std::move(st)]() mutable { self->OnCommitted(std::move(st)); });
  });
}

void Room::OnCommitted(Status status) {
  if (!status.ok()) {
    retry_ms_ = std::min(kMaxRetryMs, retry_ms_ == 0 ? 50 : retry_ms_ * 2);
    log::Error("storage append failed; will retry", {{"room", name_},
                                                     {"records", in_flight_.size()},
                                                     {"retry_ms", retry_ms_},
                                                     {"error", status.ToString()}});
    retry_timer_.expires_after(std::chrono::milliseconds(retry_ms_));
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->state_ == State::kGone) return;
      // Put the batch back in front of anything queued since, and resubmit it as it was.
      std::deque<Entry> batch = std::move(self->in_flight_);
      self->in_flight_.clear();
      for (auto& e : self->queued_) batch.push_back(std::move(e));
      self->queued_ = std::move(batch);
      self->SubmitBatch();
    });
    return;
  }
  retry_ms_ = 0;
  BusyTimer busy(*stats_);
  const auto durable_at = Clock::now();
  for (Entry& e : in_flight_) {
    Metrics().durable_seconds.Observe(Seconds(durable_at - e.received));
    queued_bytes_ -= e.update.size();
    log_bytes_ += e.update.size();
    log_records_++;
    durable_seq_ = e.seq;
    ApplyDurable(e);
  }
  in_flight_.clear();
  if (!exists_) {
    exists_ = true;
    stats_->exists = true;
  }
  Metrics().document_bytes.Add(static_cast<int64_t>(snapshot_bytes_ + log_bytes_) -
                               static_cast<int64_t>(stats_->doc_bytes.load()));
  stats_->log_bytes = log_bytes_;
  stats_->log_records = log_records_;
  stats_->doc_bytes = snapshot_bytes_ + log_bytes_;
  UpdateMemoryEstimate();
  SubmitBatch();
  if (log_bytes_ > ctx_.options.compact_log_bytes ||
      log_records_ > ctx_.options.compact_log_records) {
    MaybeCompact(nullptr);
  }
  RunIdleWaiters();
}

void Room::ApplyDurable(Entry& e) {
  const auto start = Clock::now();
  captured_ = false;
  std::shared_ptr<Peer> origin = e.origin.lock();
  Status st =
      doc_->ApplyUpdate({reinterpret_cast<const uint8_t*>(e.update.data()), e.update.size()},
                        crdt::UpdateFormat::kV1, origin.get());
  Metrics().integrate_seconds.Observe(Seconds(Clock::now() - start));
  Metrics().updates_total.Inc();
  if (!st.ok()) {
    // Cannot happen: the same decoding accepted it before it was stored.
    log::Error("validated update failed to apply", {{"room", name_}, {"error", st.ToString()}});
    if (e.done) e.done(st);
    return;
  }
  const auto bstart = Clock::now();
  if (captured_ && !emitted_.empty()) Broadcast(emitted_, origin.get());
  if (origin && origin->protocol == WsConnection::Protocol::kHocuspocus && !origin->left) {
    SendTo(*origin, Share(hp::SyncStatus(origin->doc_name, true)), MessageKind::kSyncStatus);
  }
  Metrics().broadcast_seconds.Observe(Seconds(Clock::now() - bstart));
  if (e.done) e.done(Status::Ok());
}

void Room::Broadcast(std::span<const uint8_t> update, const Peer* origin) {
  SharedBytes yws_msg, hp_msg;
  for (const auto& p : peers_) {
    if (!p->joined) continue;
    if (p->protocol == WsConnection::Protocol::kYws) {
      // The sender too: the echo tells a y-websocket client its update is saved.
      if (!yws_msg) yws_msg = Share(yws::Update(update));
      SendTo(*p, yws_msg, MessageKind::kSyncUpdate);
    } else {
      if (p.get() == origin) continue;  // acknowledged with SyncStatus instead
      if (!hp_msg || p->doc_name != name_) hp_msg = Share(hp::Update(p->doc_name, update));
      SendTo(*p, hp_msg, MessageKind::kSyncUpdate);
    }
  }
}

void Room::RunIdleWaiters() {
  if (!Idle() || idle_waiters_.empty()) return;
  auto waiters = std::move(idle_waiters_);
  idle_waiters_.clear();
  for (auto& f : waiters) f();
}

// ---------------------------------------------------------------------------------- snapshots

void Room::MaybeCompact(Done done) {
  if (snapshotting_ || !doc_ || log_records_ == 0) {
    if (done) {
      if (snapshotting_) {
        idle_waiters_.push_back([self = shared_from_this(), done] { done(Status::Ok()); });
      } else {
        done(Status::Ok());
      }
    }
    return;
  }
  snapshotting_ = true;
  auto snapshot = std::make_shared<std::string>();
  {
    std::vector<uint8_t> bytes = doc_->EncodeStateAsUpdate();
    snapshot->assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  const uint64_t covers = durable_seq_;
  const uint64_t covered_bytes = log_bytes_;
  const uint64_t covered_records = log_records_;
  auto self = shared_from_this();
  ctx_.storage.Write([self, snapshot, covers, covered_bytes, covered_records,
                      done](storage::Storage& s) {
    Status st = s.WriteSnapshot(self->name_, *snapshot, covers);
    if (!st.ok()) Metrics().CountStorageError(StorageOp::kSnapshot);
    asio::post(self->loop_, [self, st, snapshot, covered_bytes, covered_records, done] {
      self->snapshotting_ = false;
      if (st.ok()) {
        Metrics().document_bytes.Add(static_cast<int64_t>(snapshot->size()) -
                                     static_cast<int64_t>(self->snapshot_bytes_ + covered_bytes));
        self->snapshot_bytes_ = snapshot->size();
        self->log_bytes_ -= covered_bytes;
        self->log_records_ -= covered_records;
        self->exists_ = true;
        self->stats_->exists = true;
        self->stats_->snapshot_bytes = self->snapshot_bytes_;
        self->stats_->log_bytes = self->log_bytes_;
        self->stats_->log_records = self->log_records_;
        self->stats_->doc_bytes = self->snapshot_bytes_ + self->log_bytes_;
        log::Debug("snapshot written", {{"room", self->name_},
                                        {"bytes", snapshot->size()},
                                        {"covers_seq", self->durable_seq_}});
      } else {
        log::Error("snapshot failed (the log still holds everything)",
                   {{"room", self->name_}, {"error", st.ToString()}});
      }
      if (done) done(st);
      self->RunIdleWaiters();
    });
  });
}

void Room::WriteMeta() {
  storage::MetaUpdate m;
  m.room = name_;
  m.last_active_ms = stats_->last_active_ms;
  m.new_connections = new_connections_;
  m.peak_connections = peak_connections_;
  new_connections_ = 0;
  if (!exists_) return;  // a room nobody wrote to leaves no trace
  ctx_.storage.Write([m](storage::Storage& s) {
    Status st = s.UpdateMeta(m);
    if (!st.ok()) {
      Metrics().CountStorageError(StorageOp::kMeta);
      log::Warn("room metadata not saved", {{"room", m.room}, {"error", st.ToString()}});
    }
  });
}

// ---------------------------------------------------------------------------------- lifecycle

void Room::ScheduleUnload() {
  unload_timer_.expires_after(std::chrono::milliseconds(exists_ ? ctx_.options.room_grace_ms : 0));
  unload_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || !self->peers_.empty() || self->state_ != State::kReady) return;
    if (!self->Idle()) {
      self->idle_waiters_.push_back([self] {
        if (self->peers_.empty()) self->ScheduleUnload();
      });
      return;
    }
    self->Unload();
  });
}

void Room::Unload() {
  auto self = shared_from_this();
  MaybeCompact([self](Status st) {
    if (!self->peers_.empty() || self->state_ != State::kReady || !self->Idle()) return;
    if (!st.ok()) {
      // Keep the room: its log is durable, so nothing is at risk; try again later.
      self->ScheduleUnload();
      return;
    }
    self->WriteMeta();
    self->state_ = State::kGone;
    self->awareness_timer_.cancel();
    self->retry_timer_.cancel();
    self->stats_->loaded = false;
    Metrics().document_bytes.Add(-static_cast<int64_t>(self->stats_->doc_bytes.load()));
    log::Debug("room unloaded", {{"room", self->name_}});
    self->ctx_.registry.Remove(self);
  });
}

void Room::Delete(Done done) {
  WhenReady([self = shared_from_this(), done = std::move(done)]() mutable {
    if (self->state_ == State::kFailed) {
      // Deleting a room that cannot be loaded is how an operator clears a corrupt one.
    } else if (self->state_ != State::kReady) {
      done(Status(StatusCode::kBusy, "room is already being deleted"));
      return;
    } else if (!self->exists_ && self->peers_.empty()) {
      done(Status(StatusCode::kNotFound, "no room named '" + self->name_ + "'"));
      return;
    }
    self->state_ = State::kDeleting;
    self->unload_timer_.cancel();
    for (auto& p : self->peers_) {
      p->left = true;
      self->ClosePeer(*p, close_code::kRoomDeleted, "room deleted", CloseReason::kRoomDeleted);
    }
    self->peers_.clear();
    self->stats_->connections = 0;
    self->queued_.clear();
    auto finish = [self, done = std::move(done)]() mutable {
      self->ctx_.storage.Write([self, done = std::move(done)](storage::Storage& s) mutable {
        Status st = s.DeleteRoom(self->name_);
        if (!st.ok()) Metrics().CountStorageError(StorageOp::kDelete);
        asio::post(self->loop_, [self, st, done = std::move(done)] {
          self->state_ = State::kGone;
          self->stats_->loaded = false;
          self->awareness_timer_.cancel();
          self->retry_timer_.cancel();
          if (self->doc_) {
            Metrics().document_bytes.Add(-static_cast<int64_t>(self->stats_->doc_bytes.load()));
          }
          self->ctx_.registry.Remove(self);
          done(st);
        });
      });
    };
    if (self->Idle()) {
      finish();
    } else {
      self->idle_waiters_.push_back(std::move(finish));
    }
  });
}

void Room::Shutdown(Done done) {
  WhenReady([self = shared_from_this(), done = std::move(done)]() mutable {
    for (auto& p : self->peers_) {
      self->ClosePeer(*p, close_code::kGoingAway, "server shutting down", CloseReason::kGoingAway);
    }
    if (self->state_ != State::kReady) {
      done(Status::Ok());
      return;
    }
    auto snapshot = [self, done = std::move(done)]() mutable {
      self->MaybeCompact([self, done = std::move(done)](Status st) {
        self->WriteMeta();
        done(st);
      });
    };
    if (self->Idle()) {
      snapshot();
    } else {
      self->idle_waiters_.push_back(std::move(snapshot));
    }
  });
}

void Room::UpdateMemoryEstimate() {
  size_t structs = 0;
  const crdt::StructStore& store = doc_->store();
  for (crdt::ClientId c : store.client_order()) {
    if (const auto* list = store.Get(c)) structs += list->size();
  }
  // Each struct is an Item plus its list slot; content is about what it takes encoded.
  stats_->mem_bytes = structs * (sizeof(crdt::Item) + 2 * sizeof(void*)) + stats_->doc_bytes +
                      (full_state_yws_ ? full_state_yws_->size() : 0);
}

std::string Room::PresenceJson() const {
  std::string out = "{\"clients\":[";
  bool first = true;
  for (uint64_t c : awareness_.Clients()) {
    const std::string* state = awareness_.StateOf(c);
    if (state == nullptr) continue;
    if (!first) out += ',';
    first = false;
    out += "{\"client_id\":" + std::to_string(c) + ",\"state\":" + *state + "}";
  }
  out += "]}";
  return out;
}

std::string Room::JsonView() const {
  crdt::Any out = crdt::Any::MakeObject();
  for (const auto& [root, type] : doc_->share()) out.Set(root, type->ToJson());
  return crdt::StringifyJson(out);
}

}  // namespace symphony::server
