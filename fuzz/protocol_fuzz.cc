// Fuzzes every protocol parser (src/protocol) and the awareness registry over the same input.
//
// Invariants:
//  - No parser crashes; every error has an offset within the input.
//  - A parsed message rebuilt with the builders gives the input back (the framing is canonical
//    once varUints are minimal, so the check only runs when the rebuilt size matches).
//  - The registry's counts stay consistent and what it encodes decodes.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "protocol/awareness.h"
#include "protocol/hocuspocus.h"
#include "protocol/sync.h"
#include "protocol/y_websocket.h"

namespace {

namespace p = symphony::protocol;
namespace hp = symphony::protocol::hocuspocus;
namespace yws = symphony::protocol::y_websocket;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
  }
}

template <class R>
void CheckError(const R& r, size_t size, const char* what) {
  if (!r.ok()) Check(r.status().has_offset() && r.status().offset() <= size, what);
}

bool Same(std::span<const uint8_t> a, const std::vector<uint8_t>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

void FuzzAwareness(std::span<const uint8_t> bytes, uint64_t base, size_t size) {
  p::Limits limits;
  limits.max_json_depth = 16;
  auto entries = p::DecodeAwarenessUpdate(bytes, limits, base);
  CheckError(entries, size, "awareness error offset");
  if (!entries.ok()) return;
  auto again = p::DecodeAwarenessUpdate(p::EncodeAwarenessUpdate(*entries), limits);
  Check(again.ok() && *again == *entries, "awareness round trip");

  p::AwarenessState state;
  int64_t now = 0;
  for (int round = 0; round < 3; ++round) {
    state.Apply(*entries, now);
    Check(state.Clients().size() == state.size(), "registry count");
    auto all =
        p::DecodeAwarenessUpdate(state.EncodeAll(), p::Limits{.max_awareness_clients = 1u << 20});
    Check(all.ok() && all->size() == state.size(), "registry encodes");
    std::vector<uint64_t> some;
    for (const auto& e : *entries) {
      if (e.clock % 2 == 0) some.push_back(e.client);
    }
    state.Remove(some, now);
    now += 20000;
    state.RemoveOutdated(now);
    Check(state.Clients().size() == state.size(), "registry count after removal");
  }
}

void FuzzYWebsocket(std::span<const uint8_t> data) {
  auto msg = yws::Parse(data);
  CheckError(msg, data.size(), "y-websocket error offset");
  if (!msg.ok()) return;
  switch (msg->type) {
    case yws::MessageType::kSync: {
      auto sync = p::DecodeSyncMessage(msg->payload, {}, msg->payload_offset);
      CheckError(sync, data.size(), "sync error offset");
      if (!sync.ok()) break;
      std::vector<uint8_t> rebuilt;
      switch (sync->type) {
        case p::SyncMessageType::kStep1:
          rebuilt = yws::SyncStep1(sync->payload);
          break;
        case p::SyncMessageType::kStep2:
          rebuilt = yws::SyncStep2(sync->payload);
          break;
        case p::SyncMessageType::kUpdate:
          rebuilt = yws::Update(sync->payload);
          break;
      }
      if (rebuilt.size() == data.size()) Check(Same(data, rebuilt), "y-websocket sync rebuild");
      break;
    }
    case yws::MessageType::kAwareness: {
      auto rebuilt = yws::AwarenessUpdate(msg->payload);
      if (rebuilt.size() == data.size()) Check(Same(data, rebuilt), "y-websocket awareness");
      FuzzAwareness(msg->payload, msg->payload_offset, data.size());
      break;
    }
    case yws::MessageType::kAuth: {
      auto reason = yws::ParsePermissionDenied(msg->payload, msg->payload_offset);
      CheckError(reason, data.size(), "y-websocket auth error offset");
      break;
    }
    case yws::MessageType::kQueryAwareness:
      break;
  }
}

void FuzzHocuspocus(std::span<const uint8_t> data) {
  auto msg = hp::Parse(data);
  CheckError(msg, data.size(), "hocuspocus error offset");
  if (!msg.ok()) return;
  Check(msg->document.size() <= p::Limits{}.max_document_name_bytes, "document name bound");
  switch (msg->type) {
    case hp::MessageType::kSync:
    case hp::MessageType::kSyncReply: {
      auto sync = p::DecodeSyncMessage(msg->payload, {}, msg->payload_offset);
      CheckError(sync, data.size(), "hocuspocus sync error offset");
      break;
    }
    case hp::MessageType::kAwareness:
      FuzzAwareness(msg->payload, msg->payload_offset, data.size());
      break;
    case hp::MessageType::kAuth: {
      auto auth = hp::ParseAuth(msg->payload, msg->payload_offset);
      CheckError(auth, data.size(), "hocuspocus auth error offset");
      if (auth.ok() && auth->text) {
        std::vector<uint8_t> rebuilt;
        switch (auth->type) {
          case hp::AuthMessageType::kToken:
            rebuilt = hp::Token(msg->document, *auth->text);
            break;
          case hp::AuthMessageType::kPermissionDenied:
            rebuilt = hp::PermissionDenied(msg->document, *auth->text);
            break;
          case hp::AuthMessageType::kAuthenticated:
            rebuilt = hp::Authenticated(msg->document, *auth->text);
            break;
        }
        if (rebuilt.size() == data.size()) Check(Same(data, rebuilt), "hocuspocus auth rebuild");
      }
      break;
    }
    case hp::MessageType::kStateless:
    case hp::MessageType::kBroadcastStateless:
    case hp::MessageType::kClose: {
      auto s = hp::ParseString(msg->payload, msg->payload_offset);
      CheckError(s, data.size(), "hocuspocus string error offset");
      break;
    }
    case hp::MessageType::kSyncStatus: {
      auto s = hp::ParseSyncStatus(msg->payload, msg->payload_offset);
      CheckError(s, data.size(), "hocuspocus sync status error offset");
      break;
    }
    case hp::MessageType::kQueryAwareness:
    case hp::MessageType::kPing:
    case hp::MessageType::kPong:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  FuzzYWebsocket(bytes);
  FuzzHocuspocus(bytes);
  FuzzAwareness(bytes, 0, size);
  auto sync = p::DecodeSyncMessage(bytes);
  CheckError(sync, size, "sync error offset");
  return 0;
}
