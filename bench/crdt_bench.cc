// CRDT engine benchmark on the automerge-paper trace (the "B4" of the public crdt-benchmarks).
//
//   build/crdt_bench [--traces DIR] [--states DIR] [--json]
//
// Measures, for the 259,778 single-edit transactions of the trace:
//   local   perform the edits through the C++ Text API (one transaction each)
//   remote  apply the updates those transactions emitted to a fresh document
//   encode  encodeStateAsUpdate of the final document
//   decode  apply that state to a fresh document
//   memory  heap held by the decoded document (malloc statistics)
//   b4x100  the trace applied 100 times (each pass at the front of the previous ones, as in
//           crdt-benchmarks): load its encoded state into a fresh document. The state is the one
//           bench/yjs_bench.mjs wrote (build/bench/b4x100.state), so both engines load the same
//           bytes; without it this figure is skipped.
// Every result is checked against the trace's endContent. Figures go to bench/RESULTS.md via
// bench/run.sh, next to Yjs's from bench/yjs_bench.mjs.
#include <malloc.h>

#include <time.h>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "crdt/doc.h"
#include "crdt/transaction.h"
#include "crdt/types/text.h"
#include "support/trace.h"

using namespace symphony;
namespace {

// Times are this thread's CPU time, so that other work on the machine (a parallel build) does
// not count; on an idle machine it equals wall time for this single-threaded work.
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
  }
};

double Ms(double a, double b) { return b - a; }

size_t HeapInUse() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

void Fail(const char* what) {
  std::fprintf(stderr, "crdt_bench: %s\n", what);
  std::exit(1);
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::vector<uint8_t> out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    uint8_t buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
    std::fclose(f);
  }
  return out;
}

// Applies the trace as local edits, one transaction per trace txn.
void ApplyLocal(crdt::Doc& doc, const testing::Trace& t, bool collect,
                std::vector<std::vector<uint8_t>>* updates) {
  crdt::Text text = doc.GetText("text");
  int handle = 0;
  if (collect) {
    handle = doc.OnUpdate([&](std::span<const uint8_t> u, crdt::Transaction&) {
      updates->emplace_back(u.begin(), u.end());
    });
  }
  for (const auto& tx : t.txns) {
    doc.Transact([&](crdt::Transaction& tr) {
      for (const auto& patch : tx.patches) {
        if (patch.del) text.Delete(tr, patch.pos, patch.del);
        if (!patch.ins.empty()) text.Insert(tr, patch.pos, patch.ins);
      }
    });
  }
  if (collect) doc.OffUpdate(handle);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = SYMPHONY_TRACES_DIR;
  std::string states = "build/bench";
  bool json = false;
  std::string profile;  // "local" / "remote": run only that phase, 5 times (for a profiler)
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (std::strcmp(argv[i], "--traces") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::strcmp(argv[i], "--states") == 0 && i + 1 < argc) {
      states = argv[++i];
    } else if (std::strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
      profile = argv[++i];
    } else if (std::strcmp(argv[i], "--only-b4x100") == 0) {
      // For profiling the load alone.
      std::vector<uint8_t> big = ReadFile(states + "/b4x100.state");
      crdt::Doc d(crdt::DocOptions{.client_id = 4});
      auto a = Clock::now();
      if (big.empty() || !d.ApplyUpdate(big).ok()) Fail("b4x100 load failed");
      std::printf("b4x100 load %.2f ms\n", Ms(a, Clock::now()));
      return 0;
    } else {
      Fail("usage: crdt_bench [--traces DIR] [--states DIR] [--json] [--only-b4x100]");
    }
  }
  Result<testing::Trace> trace = testing::LoadTrace(dir + "/automerge-paper.json.gz");
  if (!trace.ok()) Fail(trace.status().ToString().c_str());
  const testing::Trace& t = *trace;

  // local
  if (profile == "local") {
    for (int i = 0; i < 5; i++) {
      crdt::Doc d(crdt::DocOptions{.client_id = 1});
      ApplyLocal(d, t, false, nullptr);
    }
    return 0;
  }
  std::vector<std::vector<uint8_t>> updates;
  updates.reserve(t.txns.size());
  crdt::Doc local_doc(crdt::DocOptions{.client_id = 1});
  auto t0 = Clock::now();
  ApplyLocal(local_doc, t, false, nullptr);
  auto t1 = Clock::now();
  if (local_doc.GetText("text").ToString() != t.end_content) Fail("local edits: wrong text");
  const double local_ms = Ms(t0, t1);

  // the updates, collected in a separate run so that collecting does not count as local time
  crdt::Doc source(crdt::DocOptions{.client_id = 1});
  ApplyLocal(source, t, true, &updates);

  if (profile == "remote") {
    for (int i = 0; i < 5; i++) {
      crdt::Doc d(crdt::DocOptions{.client_id = 2});
      for (const auto& u : updates) (void)d.ApplyUpdate(u);
    }
    return 0;
  }
  // remote
  crdt::Doc remote(crdt::DocOptions{.client_id = 2});
  t0 = Clock::now();
  for (const auto& u : updates) {
    if (!remote.ApplyUpdate(u).ok()) Fail("remote apply failed");
  }
  t1 = Clock::now();
  const double remote_ms = Ms(t0, t1);
  if (remote.GetText("text").ToString() != t.end_content) Fail("remote apply: wrong text");

  // encode
  t0 = Clock::now();
  std::vector<uint8_t> state = remote.EncodeStateAsUpdate();
  t1 = Clock::now();
  const double encode_ms = Ms(t0, t1);

  // decode + memory
  const size_t heap_before = HeapInUse();
  auto* decoded = new crdt::Doc(crdt::DocOptions{.client_id = 3});
  t0 = Clock::now();
  if (!decoded->ApplyUpdate(state).ok()) Fail("decode failed");
  t1 = Clock::now();
  const double decode_ms = Ms(t0, t1);
  const size_t doc_bytes = HeapInUse() - heap_before;
  if (decoded->GetText("text").ToString() != t.end_content) Fail("decode: wrong text");
  delete decoded;

  // b4x100
  std::vector<uint8_t> big_state = ReadFile(states + "/b4x100.state");
  double b4x100_ms = -1;
  if (!big_state.empty()) {
    crdt::Doc big_loaded(crdt::DocOptions{.client_id = 4});
    t0 = Clock::now();
    if (!big_loaded.ApplyUpdate(big_state).ok()) Fail("b4x100 load failed");
    t1 = Clock::now();
    b4x100_ms = Ms(t0, t1);
    if (big_loaded.GetText("text").Length() != 100 * t.end_content.size()) {
      Fail("b4x100: wrong length");
    }
  }

  if (json) {
    std::printf(
        "{\"engine\":\"symphony\",\"edits\":%zu,\"local_ms\":%.2f,\"remote_ms\":%.2f,"
        "\"encode_ms\":%.3f,\"decode_ms\":%.3f,\"doc_bytes\":%zu,\"state_bytes\":%zu,"
        "\"b4x100_state_bytes\":%zu,\"b4x100_load_ms\":%.2f}\n",
        t.NumPatches(), local_ms, remote_ms, encode_ms, decode_ms, doc_bytes, state.size(),
        big_state.size(), b4x100_ms);
  } else {
    std::printf("edits             %zu\n", t.NumPatches());
    std::printf("local edits       %8.2f ms\n", local_ms);
    std::printf("remote apply      %8.2f ms (%zu updates)\n", remote_ms, updates.size());
    std::printf("encode state      %8.3f ms (%zu bytes)\n", encode_ms, state.size());
    std::printf("decode state      %8.3f ms\n", decode_ms);
    std::printf("document memory   %8.2f MB\n", doc_bytes / 1e6);
    std::printf("b4x100 load       %8.2f ms (%zu bytes)\n", b4x100_ms, big_state.size());
  }
  return 0;
}
