// Checksums of stored records: CRC-32C (Castagnoli, the polynomial of iSCSI, ext4 and leveldb),
// computed in software (slicing-by-8), so the stored values are the same on every machine.
//
// A record's checksum covers the room name and the seq as well as the bytes, so a record that
// is moved to another room or seq fails its check just as a flipped byte does. The exact byte
// layout is in doc/storage_format.md; changing it changes every stored checksum (a schema bump).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace symphony::storage {

// CRC-32C of data[0, n) continuing from `crc` (the CRC of the bytes before; 0 to start).
// Extend(Extend(0, a), b) == Crc32c(a + b).
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t n);

inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data.data(), data.size()); }

// Checksum of log record `seq` of `room` holding `update`.
uint32_t LogRecordChecksum(std::string_view room, uint64_t seq, std::string_view update);

// Checksum of the snapshot of `room` that covers every record with seq <= covers_seq.
uint32_t SnapshotChecksum(std::string_view room, uint64_t covers_seq, std::string_view snapshot);

}  // namespace symphony::storage
