#include "storage/load_rules.h"

#include <gtest/gtest.h>

#include "storage/checksum.h"

namespace symphony::storage {
namespace {

StoredLogRecord Record(std::string_view room, uint64_t seq, std::string update) {
  uint32_t checksum = LogRecordChecksum(room, seq, update);
  return StoredLogRecord{seq, std::move(update), checksum};
}

StoredSnapshot Snapshot(std::string_view room, uint64_t covers, std::string bytes) {
  uint32_t checksum = SnapshotChecksum(room, covers, bytes);
  return StoredSnapshot{covers, std::move(bytes), checksum};
}

RoomMeta Meta(uint64_t last_seq) { return RoomMeta{.room = "r", .last_seq = last_seq}; }

void ExpectCorrupt(const Result<LoadedRoom>& loaded, const std::string& needle) {
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(loaded.status().message().find(needle), std::string::npos) << loaded.status().message();
}

TEST(AssembleRoomTest, SnapshotThenContiguousLog) {
  auto loaded = AssembleRoom(Meta(4), Snapshot("r", 2, "snap"),
                             {Record("r", 3, "three"), Record("r", 4, "")});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->exists);
  EXPECT_EQ(loaded->meta.room, "r");
  EXPECT_EQ(loaded->snapshot, "snap");
  EXPECT_EQ(loaded->snapshot_seq, 2u);
  ASSERT_EQ(loaded->log.size(), 2u);
  EXPECT_EQ(loaded->log[0].seq, 3u);
  EXPECT_EQ(loaded->log[0].update, "three");
  EXPECT_EQ(loaded->log[1].seq, 4u);
}

TEST(AssembleRoomTest, EmptyRoomsAndSnapshotOnly) {
  auto empty = AssembleRoom(Meta(0), std::nullopt, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->exists);
  EXPECT_TRUE(empty->snapshot.empty());
  auto snap = AssembleRoom(Meta(5), Snapshot("r", 5, ""), {});
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->snapshot_seq, 5u);
}

TEST(AssembleRoomTest, ChecksumFailures) {
  StoredLogRecord bad = Record("r", 2, "two");
  bad.update[0] = 'T';
  ExpectCorrupt(AssembleRoom(Meta(2), std::nullopt, {Record("r", 1, "one"), bad}),
                "room 'r': log record seq 2: checksum mismatch");
  StoredSnapshot snap = Snapshot("r", 1, "snap");
  snap.checksum ^= 1;
  ExpectCorrupt(AssembleRoom(Meta(1), snap, {}), "snapshot covering seq 1: checksum mismatch");
  // A record moved to another room or seq fails its checksum.
  ExpectCorrupt(AssembleRoom(Meta(1), std::nullopt, {Record("other", 1, "x")}), "seq 1: checksum");
  StoredLogRecord moved = Record("r", 1, "x");
  moved.seq = 2;
  ExpectCorrupt(AssembleRoom(Meta(2), Snapshot("r", 1, ""), {moved}), "seq 2: checksum");
}

TEST(AssembleRoomTest, SeqFailures) {
  ExpectCorrupt(AssembleRoom(Meta(3), std::nullopt, {Record("r", 1, ""), Record("r", 3, "")}),
                "log record seq 2 missing (next stored is seq 3)");
  ExpectCorrupt(AssembleRoom(Meta(3), Snapshot("r", 1, ""), {Record("r", 3, "")}),
                "log record seq 2 missing");
  ExpectCorrupt(
      AssembleRoom(Meta(3), Snapshot("r", 2, ""), {Record("r", 2, ""), Record("r", 3, "")}),
      "log record seq 2 out of order or covered by the snapshot");
  ExpectCorrupt(AssembleRoom(Meta(2), std::nullopt, {Record("r", 1, ""), Record("r", 1, "")}),
                "log record seq 1 out of order");
  ExpectCorrupt(AssembleRoom(Meta(4), std::nullopt, {Record("r", 1, ""), Record("r", 2, "")}),
                "log records seq 3..4 missing (log ends at seq 2)");
  ExpectCorrupt(AssembleRoom(Meta(4), Snapshot("r", 2, ""), {}), "seq 3..4 missing");
  ExpectCorrupt(AssembleRoom(Meta(1), std::nullopt, {Record("r", 1, ""), Record("r", 2, "")}),
                "log record seq 2 beyond last_seq 1");
  ExpectCorrupt(AssembleRoom(Meta(1), Snapshot("r", 2, ""), {}), "beyond last_seq 1");
  ExpectCorrupt(AssembleRoom(Meta(~uint64_t{0}), std::nullopt, {}), "out of range");
}

}  // namespace
}  // namespace symphony::storage
