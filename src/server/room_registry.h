// RoomRegistry: which rooms are loaded, and on which event loop each lives.
//
// A room's loop is fixed by its name (a hash over the loops), so every connection and API call
// for a room meets it on the same thread. Each loop's map of rooms is touched only on that
// loop; the table of live statistics (read by the HTTP API from any thread) has its own mutex.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/room.h"
#include "server/room_stats.h"

namespace symphony::server {

class RoomRegistry {
 public:
  explicit RoomRegistry(std::vector<boost::asio::any_io_executor> loops);

  void set_context(RoomContext* ctx) { ctx_ = ctx; }

  // The loop that owns `name`.
  boost::asio::any_io_executor LoopFor(std::string_view name) const;
  size_t LoopIndex(std::string_view name) const;

  // On LoopFor(name): the room, created and loading if needed. nullptr when the server is
  // shutting down.
  std::shared_ptr<Room> GetOrCreate(const std::string& name);
  // On LoopFor(name): the room if loaded.
  std::shared_ptr<Room> Find(const std::string& name);
  // Runs f(room) on the room's loop from any thread; room is nullptr during shutdown.
  void WithRoom(const std::string& name, std::function<void(std::shared_ptr<Room>)> f);
  // On the room's loop: forget it (unloaded, deleted or failed).
  void Remove(const std::shared_ptr<Room>& room);

  // Any thread: statistics of every loaded room.
  std::vector<std::shared_ptr<RoomStats>> LiveStats() const;
  size_t LoadedCount() const;

  // Stops creating rooms; on each loop, calls f(rooms of that loop).
  void StopCreating() { stopping_ = true; }
  void ForEachLoop(std::function<void(std::vector<std::shared_ptr<Room>>)> f);

 private:
  std::vector<boost::asio::any_io_executor> loops_;
  std::vector<std::unordered_map<std::string, std::shared_ptr<Room>>> rooms_;  // per loop
  RoomContext* ctx_ = nullptr;
  std::atomic<bool> stopping_{false};
  mutable std::mutex stats_mu_;
  std::unordered_map<const RoomStats*, std::shared_ptr<RoomStats>> stats_;
};

}  // namespace symphony::server
