#include "bench/client_session.h"

#include <gtest/gtest.h>

#include <vector>

#include "protocol/awareness.h"
#include "protocol/hocuspocus.h"
#include "protocol/sync.h"
#include "protocol/y_websocket.h"

namespace symphony::bench {
namespace {

namespace hp = protocol::hocuspocus;
namespace yws = protocol::y_websocket;
using Bytes = std::vector<uint8_t>;

constexpr int64_t kT0 = 1'700'000'000'000'000;

struct User {
  LoadStats stats;
  ClientSession session;
  User(Progress* progress, SessionConfig config) : session(std::move(config), &stats, progress) {}
};

SessionConfig Config(WireProtocol p, uint32_t user, crdt::ClientId id) {
  return SessionConfig{.protocol = p,
                       .document = "room-1",
                       .token = "tok",
                       .user = user,
                       .peers = 1,
                       .client_id = id,
                       .seed = user + 1,
                       .measure_from_us = kT0};
}

// Drives the y-websocket handshake as a server would (server doc empty).
void HandshakeYws(User& u, int64_t connect_us, int64_t now_us) {
  std::vector<Bytes> first = u.session.Start(now_us, connect_us);
  ASSERT_EQ(first.size(), 2u);
  Result<yws::Message> m = yws::Parse(first[0]);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->type, yws::MessageType::kSync);
  ASSERT_EQ(protocol::DecodeSyncMessage(m->payload)->type, protocol::SyncMessageType::kStep1);
  ASSERT_EQ(yws::Parse(first[1])->type, yws::MessageType::kAwareness);
  std::vector<Bytes> out;
  ASSERT_TRUE(
      u.session.OnMessage(yws::SyncStep1(crdt::Doc().EncodeStateVector()), now_us, &out).ok());
  ASSERT_EQ(out.size(), 1u);  // our step 2
  EXPECT_EQ(protocol::DecodeSyncMessage(yws::Parse(out[0])->payload)->type,
            protocol::SyncMessageType::kStep2);
  EXPECT_FALSE(u.session.synced());
  out.clear();
  ASSERT_TRUE(
      u.session.OnMessage(yws::SyncStep2(crdt::Doc().EncodeStateAsUpdate()), now_us, &out).ok());
  EXPECT_TRUE(u.session.synced());
}

TEST(ClientSessionTest, YwsHandshakeStrokesPresenceAndEcho) {
  Progress progress;
  User a(&progress, Config(WireProtocol::kYws, 0, 11));
  User b(&progress, Config(WireProtocol::kYws, 1, 22));
  HandshakeYws(a, kT0, kT0 + 3000);
  HandshakeYws(b, kT0, kT0 + 5000);
  EXPECT_EQ(progress.synced, 2u);
  EXPECT_EQ(a.stats.connect_latency.max(), 3000);

  // A stroke from a reaches b 700 µs later; its echo reaches a 900 µs later.
  const Bytes stroke = a.session.MakeStroke(kT0 + 10'000, true);
  EXPECT_EQ(a.stats.doc_sent, 1u);
  EXPECT_EQ(progress.doc_expected, 1u);
  std::vector<Bytes> out;
  ASSERT_TRUE(b.session.OnMessage(stroke, kT0 + 10'700, &out).ok());
  EXPECT_EQ(b.stats.doc_received, 1u);
  EXPECT_EQ(b.stats.doc_latency.max(), 700);
  ASSERT_TRUE(a.session.OnMessage(stroke, kT0 + 10'900, &out).ok());
  EXPECT_EQ(a.stats.doc_received, 0u);  // own stroke: not a receipt...
  EXPECT_EQ(a.stats.acks, 1u);          // ...but the ack
  EXPECT_EQ(a.stats.ack_latency.max(), 900);
  // A duplicate changes nothing.
  ASSERT_TRUE(b.session.OnMessage(stroke, kT0 + 20'000, &out).ok());
  EXPECT_EQ(b.stats.doc_received, 1u);
  EXPECT_TRUE(out.empty());

  // Presence from b reaches a 250 µs later, once.
  const Bytes presence = b.session.MakePresence(kT0 + 30'000, true);
  ASSERT_TRUE(a.session.OnMessage(presence, kT0 + 30'250, &out).ok());
  ASSERT_TRUE(a.session.OnMessage(presence, kT0 + 30'900, &out).ok());
  ASSERT_TRUE(b.session.OnMessage(presence, kT0 + 30'300, &out).ok());  // own echo
  EXPECT_EQ(a.stats.aw_received, 1u);
  EXPECT_EQ(a.stats.aw_latency.max(), 250);
  EXPECT_EQ(b.stats.aw_received, 0u);
  EXPECT_EQ(progress.aw_received, 1u);

  // Unmeasured presence (t = 0) and content from before the run are not counted.
  ASSERT_TRUE(
      a.session.OnMessage(b.session.MakePresence(kT0 + 40'000, false), kT0 + 40'100, &out).ok());
  ASSERT_TRUE(b.session.OnMessage(a.session.MakeStroke(kT0 - 5, true), kT0 + 40'200, &out).ok());
  EXPECT_EQ(a.stats.aw_received, 1u);
  EXPECT_EQ(b.stats.doc_received, 1u);

  // The replicas agree.
  ASSERT_TRUE(
      a.session.OnMessage(b.session.MakeStroke(kT0 + 50'000, true), kT0 + 50'100, &out).ok());
  EXPECT_EQ(a.session.StrokesJson(), b.session.StrokesJson());
  EXPECT_EQ(a.session.doc().EncodeStateVector(), b.session.doc().EncodeStateVector());

  // The server asks for awareness: the current state goes back.
  out.clear();
  ASSERT_TRUE(a.session.OnMessage(yws::QueryAwareness(), kT0 + 60'000, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(yws::Parse(out[0])->type, yws::MessageType::kAwareness);
}

TEST(ClientSessionTest, ReceiverWithoutReplicaMeasuresEachStrokeOnce) {
  Progress progress;
  User a(&progress, Config(WireProtocol::kYws, 0, 11));
  SessionConfig light = Config(WireProtocol::kYws, 1, 22);
  light.replica = false;
  User b(&progress, light);
  HandshakeYws(a, kT0, kT0 + 1000);
  HandshakeYws(b, kT0, kT0 + 1000);

  std::vector<Bytes> out;
  const Bytes s1 = a.session.MakeStroke(kT0 + 10'000, true);
  ASSERT_TRUE(b.session.OnMessage(s1, kT0 + 10'400, &out).ok());
  EXPECT_EQ(b.stats.doc_received, 1u);
  EXPECT_EQ(b.stats.doc_latency.max(), 400);
  ASSERT_TRUE(b.session.OnMessage(s1, kT0 + 11'000, &out).ok());  // a duplicate
  EXPECT_EQ(b.stats.doc_received, 1u);

  // A's whole state as one step 2 (its strokes merged): only the new stroke counts.
  (void)a.session.MakeStroke(kT0 + 12'000, true);
  ASSERT_TRUE(b.session
                  .OnMessage(yws::SyncStep2(a.session.doc().EncodeStateAsUpdate()), kT0 + 12'300,
                             &out)
                  .ok());
  EXPECT_EQ(b.stats.doc_received, 2u);
  EXPECT_EQ(b.stats.doc_latency.max(), 400);
  EXPECT_EQ(b.stats.doc_latency.count(), 2u);

  // B's own stroke coming back is its ack, not a receipt; a replica applies b's strokes.
  const Bytes own = b.session.MakeStroke(kT0 + 20'000, true);
  ASSERT_TRUE(b.session.OnMessage(own, kT0 + 20'700, &out).ok());
  EXPECT_EQ(b.stats.acks, 1u);
  EXPECT_EQ(b.stats.ack_latency.max(), 700);
  EXPECT_EQ(b.stats.doc_received, 2u);
  ASSERT_TRUE(a.session.OnMessage(own, kT0 + 20'100, &out).ok());
  EXPECT_EQ(a.stats.doc_received, 1u);
  EXPECT_NE(a.session.StrokesJson().find("u1-1"), std::string::npos);
  // ...but b keeps only its own.
  EXPECT_EQ(b.session.StrokesJson().find("u0-"), std::string::npos);

  // Bytes a replica would refuse fail here too.
  Result<yws::Message> m = yws::Parse(s1);
  ASSERT_TRUE(m.ok());
  Result<protocol::SyncMessage> sync = protocol::DecodeSyncMessage(m->payload);
  ASSERT_TRUE(sync.ok());
  const Bytes update(sync->payload.begin(), sync->payload.end() - 6);
  EXPECT_FALSE(b.session.OnMessage(yws::Update(update), kT0 + 30'000, &out).ok());
}

TEST(ClientSessionTest, YwsMalformedAndDenied) {
  Progress progress;
  User a(&progress, Config(WireProtocol::kYws, 0, 11));
  (void)a.session.Start(kT0, kT0);
  std::vector<Bytes> out;
  EXPECT_FALSE(a.session.OnMessage(Bytes{0, 2, 5, 1}, kT0, &out).ok());  // cut update
  EXPECT_FALSE(a.session.OnMessage(Bytes{9}, kT0, &out).ok());           // unknown type
  EXPECT_EQ(a.session.OnMessage(yws::PermissionDenied("no"), kT0, &out).code(),
            StatusCode::kPermission);
}

TEST(ClientSessionTest, HocuspocusAuthSyncAndSyncStatusAcks) {
  Progress progress;
  User a(&progress, Config(WireProtocol::kHocuspocus, 0, 11));
  std::vector<Bytes> first = a.session.Start(kT0, kT0);
  ASSERT_EQ(first.size(), 1u);
  Result<hp::Message> token = hp::Parse(first[0]);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->document, "room-1");
  ASSERT_EQ(token->type, hp::MessageType::kAuth);
  EXPECT_EQ(hp::ParseAuth(token->payload)->text, "tok");

  std::vector<Bytes> out;
  const Bytes empty_sv = crdt::Doc().EncodeStateVector();
  EXPECT_FALSE(a.session.OnMessage(hp::SyncStep1("room-1", empty_sv), kT0, &out).ok());
  // Messages for other documents are ignored.
  ASSERT_TRUE(a.session.OnMessage(hp::Authenticated("other", "read-write"), kT0, &out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(a.session.OnMessage(hp::Authenticated("room-1", "read-write"), kT0, &out).ok());
  ASSERT_EQ(out.size(), 2u);  // step 1 and awareness
  EXPECT_EQ(hp::Parse(out[0])->type, hp::MessageType::kSync);
  EXPECT_EQ(hp::Parse(out[1])->type, hp::MessageType::kAwareness);
  out.clear();
  // The server: step 2, then its step 1 (which we answer, and which it acknowledges).
  ASSERT_TRUE(
      a.session
          .OnMessage(hp::SyncStep2("room-1", crdt::Doc().EncodeStateAsUpdate()), kT0 + 2000, &out)
          .ok());
  EXPECT_TRUE(a.session.synced());
  ASSERT_TRUE(a.session.OnMessage(hp::SyncStep1("room-1", empty_sv), kT0 + 2000, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  const Bytes stroke = a.session.MakeStroke(kT0 + 3000, true);
  EXPECT_EQ(hp::Parse(stroke)->document, "room-1");
  ASSERT_TRUE(a.session.OnMessage(hp::SyncStatus("room-1", true), kT0 + 3100, &out).ok());
  EXPECT_EQ(a.stats.acks, 0u);  // that one was for our step 2
  ASSERT_TRUE(a.session.OnMessage(hp::SyncStatus("room-1", true), kT0 + 3400, &out).ok());
  EXPECT_EQ(a.stats.acks, 1u);
  EXPECT_EQ(a.stats.ack_latency.max(), 400);
  ASSERT_TRUE(a.session.OnMessage(hp::SyncStatus("room-1", true), kT0 + 3500, &out).ok());
  EXPECT_EQ(a.stats.acks, 1u);  // nothing pending
  EXPECT_EQ(a.session.OnMessage(hp::SyncStatus("room-1", false), kT0, &out).code(),
            StatusCode::kPermission);
}

TEST(ClientSessionTest, HocuspocusPermissionDenied) {
  Progress progress;
  User a(&progress, Config(WireProtocol::kHocuspocus, 0, 11));
  (void)a.session.Start(kT0, kT0);
  std::vector<Bytes> out;
  Status st = a.session.OnMessage(hp::PermissionDenied("room-1", "bad token"), kT0, &out);
  EXPECT_EQ(st.code(), StatusCode::kPermission);
  EXPECT_NE(st.message().find("bad token"), std::string::npos);
}

TEST(ClientSessionTest, HocuspocusRelayBetweenUsers) {
  Progress progress;
  User a(&progress, Config(WireProtocol::kHocuspocus, 0, 11));
  User b(&progress, Config(WireProtocol::kHocuspocus, 1, 22));
  std::vector<Bytes> out;
  for (User* u : {&a, &b}) {
    (void)u->session.Start(kT0, kT0);
    ASSERT_TRUE(u->session.OnMessage(hp::Authenticated("room-1", "read-write"), kT0, &out).ok());
  }
  ASSERT_TRUE(b.session.OnMessage(a.session.MakeStroke(kT0 + 100, true), kT0 + 600, &out).ok());
  ASSERT_TRUE(b.session.OnMessage(a.session.MakePresence(kT0 + 100, true), kT0 + 400, &out).ok());
  EXPECT_EQ(b.stats.doc_latency.max(), 500);
  EXPECT_EQ(b.stats.aw_latency.max(), 300);
}

}  // namespace
}  // namespace symphony::bench
