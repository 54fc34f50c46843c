#include "storage/checksum.h"

#include <gtest/gtest.h>

#include <string>

namespace symphony::storage {
namespace {

TEST(Crc32cTest, KnownVectors) {
  // RFC 3720 (iSCSI) appendix B.4 and the usual check value.
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending += static_cast<char>(i);
    descending += static_cast<char>(31 - i);
  }
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(descending), 0x113FDB5Cu);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>(i * 31 + 7);
  uint32_t whole = Crc32c(data);
  for (size_t split : {0, 1, 3, 7, 8, 9, 500, 999, 1000}) {
    uint32_t crc = Crc32cExtend(0, data.data(), split);
    crc = Crc32cExtend(crc, data.data() + split, data.size() - split);
    EXPECT_EQ(crc, whole) << "split at " << split;
  }
}

TEST(Crc32cTest, EveryBitFlipChangesIt) {
  std::string data = "a Yjs update, more or less";
  uint32_t base = Crc32c(data);
  for (size_t i = 0; i < data.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = data;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      EXPECT_NE(Crc32c(flipped), base);
    }
  }
}

TEST(RecordChecksumTest, StoredLayoutIsFixed) {
  // Values of the layout in doc/storage_format.md, computed independently (a bitwise CRC-32C in
  // Python). Changing them changes every stored checksum: that needs a schema version bump.
  EXPECT_EQ(LogRecordChecksum("doc", 1, "abc"), 0xA5D68BEEu);
  EXPECT_EQ(SnapshotChecksum("doc", 1, "abc"), 0x0D107433u);
}

TEST(RecordChecksumTest, CoversRoomSeqAndKind) {
  uint32_t c = LogRecordChecksum("room", 5, "bytes");
  EXPECT_EQ(c, LogRecordChecksum("room", 5, "bytes"));
  EXPECT_NE(c, LogRecordChecksum("room2", 5, "bytes"));
  EXPECT_NE(c, LogRecordChecksum("room", 6, "bytes"));
  EXPECT_NE(c, LogRecordChecksum("room", 5, "bytez"));
  EXPECT_NE(c, SnapshotChecksum("room", 5, "bytes"));
  // Moving a byte between the room name and the payload changes the checksum.
  EXPECT_NE(LogRecordChecksum("ab", 1, "c"), LogRecordChecksum("a", 1, "bc"));
}

}  // namespace
}  // namespace symphony::storage
