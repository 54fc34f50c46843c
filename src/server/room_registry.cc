#include "server/room_registry.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "server/metrics.h"

namespace symphony::server {

namespace asio = boost::asio;

RoomRegistry::RoomRegistry(std::vector<asio::any_io_executor> loops)
    : loops_(std::move(loops)), rooms_(loops_.size()) {}

size_t RoomRegistry::LoopIndex(std::string_view name) const {
  return std::hash<std::string_view>{}(name) % loops_.size();
}

asio::any_io_executor RoomRegistry::LoopFor(std::string_view name) const {
  return loops_[LoopIndex(name)];
}

std::shared_ptr<Room> RoomRegistry::Find(const std::string& name) {
  auto& map = rooms_[LoopIndex(name)];
  auto it = map.find(name);
  return it == map.end() ? nullptr : it->second;
}

std::shared_ptr<Room> RoomRegistry::GetOrCreate(const std::string& name) {
  const size_t i = LoopIndex(name);
  auto& map = rooms_[i];
  if (auto it = map.find(name); it != map.end()) return it->second;
  if (stopping_) return nullptr;
  auto room = std::make_shared<Room>(name, loops_[i], *ctx_);
  map.emplace(name, room);
  {
    std::lock_guard lock(stats_mu_);
    stats_.emplace(room->stats().get(), room->stats());
  }
  Metrics().rooms_loaded.Set(static_cast<int64_t>(LoadedCount()));
  room->StartLoad();
  return room;
}

void RoomRegistry::WithRoom(const std::string& name, std::function<void(std::shared_ptr<Room>)> f) {
  asio::dispatch(LoopFor(name), [this, name, f = std::move(f)] { f(GetOrCreate(name)); });
}

void RoomRegistry::Remove(const std::shared_ptr<Room>& room) {
  auto& map = rooms_[LoopIndex(room->name())];
  auto it = map.find(room->name());
  if (it != map.end() && it->second == room) map.erase(it);
  {
    std::lock_guard lock(stats_mu_);
    stats_.erase(room->stats().get());
  }
  Metrics().rooms_loaded.Set(static_cast<int64_t>(LoadedCount()));
}

std::vector<std::shared_ptr<RoomStats>> RoomRegistry::LiveStats() const {
  std::lock_guard lock(stats_mu_);
  std::vector<std::shared_ptr<RoomStats>> out;
  out.reserve(stats_.size());
  for (const auto& [k, v] : stats_) out.push_back(v);
  return out;
}

size_t RoomRegistry::LoadedCount() const {
  std::lock_guard lock(stats_mu_);
  return stats_.size();
}

void RoomRegistry::ForEachLoop(std::function<void(std::vector<std::shared_ptr<Room>>)> f) {
  for (size_t i = 0; i < loops_.size(); ++i) {
    asio::post(loops_[i], [this, i, f] {
      std::vector<std::shared_ptr<Room>> rooms;
      for (auto& [name, room] : rooms_[i]) rooms.push_back(room);
      f(std::move(rooms));
    });
  }
}

}  // namespace symphony::server
