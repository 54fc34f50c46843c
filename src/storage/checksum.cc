#include "storage/checksum.h"

#include <array>

namespace symphony::storage {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // CRC-32C, bit-reversed

// kTables[0] is the classic byte-at-a-time table; kTables[k][b] is the CRC of byte b followed
// by k zero bytes, which lets the main loop fold 8 input bytes per step.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? kPolynomial : 0);
    t[0][b] = crc;
  }
  for (size_t k = 1; k < t.size(); ++k) {
    for (uint32_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFF];
  }
  return t;
}

constexpr Tables kTables = MakeTables();

uint32_t LoadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void StoreLe64(uint64_t v, uint8_t* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

// domain byte, u64 LE room length, room, u64 LE seq, then the payload.
uint32_t RecordChecksum(char domain, std::string_view room, uint64_t seq,
                        std::string_view payload) {
  uint8_t header[9];
  header[0] = static_cast<uint8_t>(domain);
  StoreLe64(room.size(), header + 1);
  uint32_t crc = Crc32cExtend(0, header, sizeof(header));
  crc = Crc32cExtend(crc, room.data(), room.size());
  uint8_t seq_bytes[8];
  StoreLe64(seq, seq_bytes);
  crc = Crc32cExtend(crc, seq_bytes, sizeof(seq_bytes));
  return Crc32cExtend(crc, payload.data(), payload.size());
}

}  // namespace

uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint32_t c = ~crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint32_t lo = c ^ LoadLe32(p);
    uint32_t hi = LoadLe32(p + 4);
    c = kTables[7][lo & 0xFF] ^ kTables[6][(lo >> 8) & 0xFF] ^ kTables[5][(lo >> 16) & 0xFF] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xFF] ^ kTables[2][(hi >> 8) & 0xFF] ^
        kTables[1][(hi >> 16) & 0xFF] ^ kTables[0][hi >> 24];
  }
  for (; n > 0; --n, ++p) c = (c >> 8) ^ kTables[0][(c ^ *p) & 0xFF];
  return ~c;
}

uint32_t LogRecordChecksum(std::string_view room, uint64_t seq, std::string_view update) {
  return RecordChecksum('L', room, seq, update);
}

uint32_t SnapshotChecksum(std::string_view room, uint64_t covers_seq, std::string_view snapshot) {
  return RecordChecksum('S', room, covers_seq, snapshot);
}

}  // namespace symphony::storage
