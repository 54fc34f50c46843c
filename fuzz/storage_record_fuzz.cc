// Fuzzes the validation of stored rows (src/storage/load_rules.h): what Load does with whatever
// a damaged database hands back.
//
// The input describes a room's rows: a flags byte (bit 0: a snapshot exists; bit 1: checksums
// are computed, not read from the input, so that valid rooms are common; bit 2: last_seq is
// read as 8 bytes instead of 1), the room name, last_seq, the snapshot, then log records until
// the input ends, each as a seq step, a length, the bytes and (unless computed) a checksum.
//
// Invariants:
//  - AssembleRoom accepts exactly the rooms a plain, independent statement of the rules
//    accepts (checksums match, covers_seq <= last_seq, the log is snapshot_seq+1..last_seq).
//  - An accepted room hands back every byte unchanged; a refused one is kCorrupt naming the room.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/checksum.h"
#include "storage/load_rules.h"
#include "storage/write_rules.h"

namespace {

namespace st = symphony::storage;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
  }
}

// Reads the input front to back; past the end, every read gives zeros.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }
  uint8_t Byte() { return done() ? 0 : data_[pos_++]; }
  uint64_t Le(int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{Byte()} << (8 * i);
    return v;
  }
  std::string Bytes(size_t n) {
    std::string s;
    while (n-- > 0 && !done()) s += static_cast<char>(Byte());
    return s;
  }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

// The rules of load_rules.h, stated plainly.
bool Valid(const st::RoomMeta& meta, const std::optional<st::StoredSnapshot>& snapshot,
           const std::vector<st::StoredLogRecord>& log) {
  if (meta.last_seq > st::kMaxStoredValue) return false;
  uint64_t snapshot_seq = 0;
  if (snapshot) {
    if (snapshot->checksum !=
            st::SnapshotChecksum(meta.room, snapshot->covers_seq, snapshot->bytes) ||
        snapshot->covers_seq > meta.last_seq) {
      return false;
    }
    snapshot_seq = snapshot->covers_seq;
  }
  if (log.size() != meta.last_seq - snapshot_seq) return false;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].seq != snapshot_seq + 1 + i) return false;
    if (log[i].checksum != st::LogRecordChecksum(meta.room, log[i].seq, log[i].update)) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(std::span<const uint8_t>(data, size));
  uint8_t flags = in.Byte();
  bool computed = flags & 2;
  st::RoomMeta meta;
  meta.room = in.Bytes(in.Byte() % 9);
  meta.last_seq = (flags & 4) ? in.Le(8) : in.Byte();

  std::optional<st::StoredSnapshot> snapshot;
  if (flags & 1) {
    st::StoredSnapshot s;
    s.covers_seq = in.Byte();
    s.bytes = in.Bytes(in.Byte() % 32);
    s.checksum = computed ? st::SnapshotChecksum(meta.room, s.covers_seq, s.bytes)
                          : static_cast<uint32_t>(in.Le(4));
    snapshot = std::move(s);
  }
  std::vector<st::StoredLogRecord> log;
  uint64_t seq = snapshot ? snapshot->covers_seq : 0;
  while (!in.done()) {
    st::StoredLogRecord r;
    static constexpr int kSteps[8] = {1, 1, 1, 1, 0, 2, 3, -1};  // mostly contiguous
    seq += static_cast<uint64_t>(kSteps[in.Byte() % 8]);
    r.seq = seq;
    r.update = in.Bytes(in.Byte() % 16);
    r.checksum = computed ? st::LogRecordChecksum(meta.room, r.seq, r.update)
                          : static_cast<uint32_t>(in.Le(4));
    if (computed && in.Byte() == 0xFF) r.checksum ^= 1;  // occasional damage
    log.push_back(std::move(r));
  }

  bool expect_ok = Valid(meta, snapshot, log);
  auto loaded = st::AssembleRoom(meta, snapshot, log);
  Check(loaded.ok() == expect_ok, "AssembleRoom agrees with the plain rules");
  if (!loaded.ok()) {
    Check(loaded.status().code() == symphony::StatusCode::kCorrupt, "refusal is kCorrupt");
    Check(loaded.status().message().rfind("room " + st::QuoteRoom(meta.room) + ": ", 0) == 0,
          "refusal names the room");
    return 0;
  }
  Check(loaded->exists && loaded->meta.room == meta.room, "meta kept");
  Check(loaded->snapshot_seq == (snapshot ? snapshot->covers_seq : 0), "snapshot seq kept");
  Check(loaded->snapshot == (snapshot ? snapshot->bytes : std::string()), "snapshot bytes kept");
  Check(loaded->log.size() == log.size(), "every record kept");
  for (size_t i = 0; i < log.size(); ++i) {
    Check(loaded->log[i].seq == log[i].seq && loaded->log[i].update == log[i].update,
          "record kept");
  }
  return 0;
}
