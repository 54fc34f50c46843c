// ClientSession: one virtual user's Yjs client, without I/O. It owns the user's replica (a
// crdt::Doc with the "strokes" array) and its awareness view, speaks y-websocket or Hocuspocus,
// and records what it measures into the LoadStats / Progress it was given.
//
// The handshake is what the reference providers do. y-websocket: on open send sync step 1 and
// the awareness state; answer the server's step 1 with step 2; the first step 2 received makes
// the user synced. Hocuspocus: on open send the Auth Token message, wait for Authenticated
// (PermissionDenied is fatal), then as above with the document name in front of every message.
//
// Measuring: strokes and presence states carry their send time (whiteboard.h). Integrating
// another user's stroke, or applying another user's newer presence state, records now - sent if
// sent >= measure_from_us (older content, e.g. from an earlier run in the same room, is not
// counted). Acks: a y-websocket server echoes each update to its sender (matched by our clock
// range in the echoed update); Hocuspocus answers every update and step 2 with a SyncStatus, in
// order.
//
// Not thread-safe: a session belongs to its user's event loop. The caller supplies "now"
// (NowMicros()) to every call so tests can drive time.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "bench/load_stats.h"
#include "bench/whiteboard.h"
#include "crdt/doc.h"
#include "protocol/awareness.h"
#include "util/status.h"

namespace symphony::bench {

enum class WireProtocol : uint8_t { kYws, kHocuspocus };

struct SessionConfig {
  WireProtocol protocol = WireProtocol::kYws;
  std::string document;          // the room (y-websocket) / document name (Hocuspocus)
  std::string token = "bench";   // Hocuspocus Auth Token
  uint32_t user = 0;             // the user's index: names, colours, stroke ids
  uint32_t peers = 0;            // other users in the room: receipts expected per send
  crdt::ClientId client_id = 0;  // 0: random
  uint64_t seed = 1;             // stroke shapes and cursor moves
  int64_t measure_from_us = 0;   // ignore content sent before this
  // true: apply every update to a full replica of the room's document (a Yjs client). false: a
  // receiver that decodes every update to measure it but keeps only its own strokes, so a
  // generator can drive rooms of hundreds without holding hundreds of copies (--replicas).
  bool replica = true;
};

class ClientSession {
 public:
  using Bytes = std::vector<uint8_t>;

  ClientSession(SessionConfig config, LoadStats* stats, Progress* progress);
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // The socket is open (its TCP connect began at connect_started_us): the messages to send.
  std::vector<Bytes> Start(int64_t now_us, int64_t connect_started_us);
  // Handles one message from the server, appending replies to *out. A non-OK Status is fatal
  // for this user (malformed message, permission denied): close the connection.
  Status OnMessage(std::span<const uint8_t> message, int64_t now_us, std::vector<Bytes>* out);

  // A new stroke as an update message. `measured` counts it as sent (and its receipts as
  // expected); unmeasured strokes still carry their time. Call only once synced().
  Bytes MakeStroke(int64_t now_us, bool measured);
  // A new presence state (cursor moved) as an awareness message. Unmeasured states carry t = 0.
  Bytes MakePresence(int64_t now_us, bool measured);

  bool synced() const { return synced_; }
  const SessionConfig& config() const { return config_; }
  crdt::Doc& doc() { return doc_; }
  // The replica's content, for convergence checks: JSON of the strokes array.
  std::string StrokesJson() const;

 private:
  Status OnSync(std::span<const uint8_t> payload, uint64_t offset, int64_t now_us,
                std::vector<Bytes>* out);
  Status OnAwareness(std::span<const uint8_t> update, int64_t now_us);
  Status ApplyRemoteUpdate(std::span<const uint8_t> update, int64_t now_us);
  // The receive path without a replica: one decoding pass measures the strokes and the echo.
  Status ScanRemoteUpdate(std::span<const uint8_t> update, int64_t now_us);
  void RecordStroke(int64_t sent_us);
  void AckUpTo(crdt::Clock own_end, int64_t now_us);
  void AckEcho(std::span<const uint8_t> update, int64_t now_us);
  void AckSyncStatus(int64_t now_us);
  void BeginSync(std::vector<Bytes>* out);
  Bytes AwarenessMessage() const;

  SessionConfig config_;
  LoadStats* stats_;
  Progress* progress_;
  crdt::Doc doc_;
  protocol::AwarenessState peers_aw_;
  std::mt19937_64 rng_;
  bool authenticated_ = false;
  bool synced_ = false;
  int64_t connect_started_us_ = 0;
  int64_t now_us_ = 0;  // time of the message being handled, for the array observer
  uint64_t strokes_ = 0;
  uint64_t aw_clock_ = 0;
  std::string aw_state_ = "null";
  SeenClocks seen_;  // without a replica: what was counted
  int cursor_x_ = 0, cursor_y_ = 0;
  // Strokes waiting for their ack: y-websocket (our clock, sent), Hocuspocus (sent; 0 for a
  // SyncStatus that measures nothing, e.g. the one for our step 2).
  std::deque<std::pair<crdt::Clock, int64_t>> pending_acks_;
};

}  // namespace symphony::bench
