// Room: one shared document, the connections editing it, and its durable log.
//
// A room lives on one event loop and every method below must be called on it (no locks). Its
// lifecycle (doc/server.md): created on first join → loading (joiners and their messages wait)
// → ready → empty for room_grace_ms → snapshot → unloaded. A failed load closes the waiting
// connections with an error and removes the room; it never serves an empty document.
//
// Durability (doc/storage_format.md): an incoming update is validated, appended to the log and
// made durable first; only then is it applied to the document and broadcast (to everyone on
// y-websocket, the sender included, which is the sender's acknowledgement; to the other
// connections on Hocuspocus, with a SyncStatus to the sender). So the in-memory document never
// holds anything that is not durable, and whatever a client receives (an update, a sync step 2,
// an HTTP state) survives kill -9. One append per room is in flight at a time; updates that
// arrive meanwhile form the room's next batch, and the StorageWorker merges every room's batch
// into one commit. A storage error keeps the updates queued and retries with backoff: nothing
// acknowledged is lost and nothing unacknowledged is shown.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "crdt/doc.h"
#include "protocol/awareness.h"
#include "protocol/limits.h"
#include "protocol/sync.h"
#include "server/room_stats.h"
#include "server/ws_connection.h"

namespace symphony::server {

class RoomRegistry;
class StorageWorker;

// One connection's membership of one room (a Hocuspocus socket has one per document).
struct Peer {
  std::shared_ptr<WsConnection> conn;
  WsConnection::Protocol protocol = WsConnection::Protocol::kYws;
  std::string doc_name;  // Hocuspocus: the document name used on the wire
  bool read_only = false;
  // From the client's token (empty without auth): put into its awareness states as
  // "user": {"id", "name"} so others see who it is, whatever the client claims.
  std::string user_id;
  std::string user_name;
  // Room-loop state:
  std::vector<uint64_t> awareness_clients;  // awareness client ids this connection controls
  bool joined = false;
  bool left = false;
  std::weak_ptr<class Room> room;  // set and read on the room's loop
};

// Shared by every room of a server.
struct RoomContext {
  const ServerOptions& options;
  protocol::Limits limits;
  StorageWorker& storage;
  RoomRegistry& registry;
};

class Room : public std::enable_shared_from_this<Room> {
 public:
  enum class State : uint8_t { kLoading, kReady, kFailed, kDeleting, kGone };
  using Done = std::function<void(Status)>;

  Room(std::string name, boost::asio::any_io_executor loop, RoomContext& ctx);
  ~Room();

  const std::string& name() const { return name_; }
  boost::asio::any_io_executor executor() const { return loop_; }
  State state() const { return state_; }
  const std::shared_ptr<RoomStats>& stats() const { return stats_; }

  // Starts loading from storage (called once by the registry).
  void StartLoad();

  // A connection joins: once loaded, y-websocket peers get sync step 1 and the current
  // awareness; Hocuspocus peers get the awareness (they start the sync themselves).
  void Join(std::shared_ptr<Peer> peer);
  // The connection left (closed, or Hocuspocus CLOSE): its awareness states are removed for
  // everyone at once.
  void Leave(const std::shared_ptr<Peer>& peer);

  // A sync message from `peer`; `message` keeps `sync.payload` alive.
  void OnSync(const std::shared_ptr<Peer>& peer, SharedBytes message, protocol::SyncMessage sync,
              bool hocuspocus_reply);
  void OnAwareness(const std::shared_ptr<Peer>& peer, SharedBytes message,
                   std::span<const uint8_t> update, uint64_t offset);
  void OnQueryAwareness(const std::shared_ptr<Peer>& peer);
  // Hocuspocus stateless message: relayed to the document's other Hocuspocus connections.
  void OnStateless(const std::shared_ptr<Peer>& peer, const std::string& payload);

  // --- HTTP API (each waits for the load; `done` runs on this loop)
  // Runs f once the room is loaded (or failed: f sees state() != kReady).
  void WhenReady(std::function<void()> f);
  // Applies an update as a client's would be (durable, then applied and broadcast).
  void ApplyFromApi(SharedBytes update, Done done);
  std::vector<uint8_t> EncodeState() const { return doc_->EncodeStateAsUpdate(); }
  std::string JsonView() const;
  // {"clients":[{"client_id":N,"state":{...}}]}: the awareness states held now.
  std::string PresenceJson() const;
  bool exists() const { return exists_; }
  const Status& load_error() const { return load_error_; }
  size_t connections() const { return peers_.size(); }
  // Closes every connection (4404), waits for the log, deletes the room from storage.
  void Delete(Done done);
  // Server shutdown: closes connections with 1001 after their queued messages, finishes the
  // log, writes a snapshot. `done` when the room holds nothing unsaved.
  void Shutdown(Done done);

 private:
  struct Entry {
    uint64_t seq = 0;
    std::string update;          // v1 update as received
    std::weak_ptr<Peer> origin;  // nullptr: the HTTP API
    Done done;                   // API callers
    std::chrono::steady_clock::time_point received;
  };

  void Defer(std::function<void()> f);
  void OnLoaded(Result<storage::LoadedRoom> result);
  void FailLoad(const Status& status);
  void Handshake(const std::shared_ptr<Peer>& peer);
  // Sets "user": {"id", "name"} from the peer's token in each non-null state it announces.
  static void StampIdentity(const Peer& peer, std::vector<protocol::AwarenessEntry>& entries);
  void Enqueue(const std::shared_ptr<Peer>& peer, std::span<const uint8_t> update, Done done);
  void SubmitBatch();
  void OnCommitted(Status status);
  void ApplyDurable(Entry& entry);
  void Broadcast(std::span<const uint8_t> update, const Peer* origin);
  void BroadcastAwareness(const protocol::AwarenessChanges& changes);
  void ClosePeer(Peer& peer, uint16_t code, std::string reason, CloseReason metric);
  // Writes a snapshot when the log holds records; `done` once nothing is being snapshotted.
  void MaybeCompact(Done done);
  void ScheduleUnload();
  void Unload();
  void TickAwareness();
  bool Idle() const { return queued_.empty() && in_flight_.empty() && !snapshotting_; }
  void RunIdleWaiters();
  void WriteMeta();
  void UpdateMemoryEstimate();

  const std::string name_;
  boost::asio::any_io_executor loop_;
  RoomContext& ctx_;
  std::shared_ptr<RoomStats> stats_;
  State state_ = State::kLoading;
  Status load_error_;
  bool exists_ = false;  // stored (or written since the load)
  std::chrono::steady_clock::time_point load_started_;

  std::unique_ptr<crdt::Doc> doc_;
  std::vector<uint8_t> emitted_;  // the update the last apply produced
  bool captured_ = false;
  // The y-websocket sync step 2 for an empty state vector (a new client): the whole document,
  // encoded once and shared by every joiner until the document changes. Right after a load with
  // no log it is the stored snapshot itself, so a cold room answers without encoding.
  SharedBytes full_state_yws_;
  protocol::AwarenessState awareness_;
  std::vector<std::shared_ptr<Peer>> peers_;

  std::vector<std::function<void()>> deferred_;      // until loaded
  std::vector<std::function<void()>> idle_waiters_;  // until nothing is unsaved

  // The log: queued_ (not yet submitted), in_flight_ (one Append at a time).
  std::deque<Entry> queued_;
  std::deque<Entry> in_flight_;
  size_t queued_bytes_ = 0;
  uint64_t last_seq_ = 0;     // highest seq assigned
  uint64_t durable_seq_ = 0;  // highest seq durable and applied
  uint64_t log_bytes_ = 0;    // log after the snapshot
  uint64_t log_records_ = 0;
  uint64_t snapshot_bytes_ = 0;
  bool snapshotting_ = false;
  int retry_ms_ = 0;

  uint64_t new_connections_ = 0;  // since the last metadata write
  uint32_t peak_connections_ = 0;

  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer unload_timer_;
  boost::asio::steady_timer awareness_timer_;
  boost::asio::steady_timer load_timer_;
  bool awareness_timer_running_ = false;
};

}  // namespace symphony::server
