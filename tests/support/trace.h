// Loads the editing traces of ../shared/traces (gzipped JSON) for tests and benchmarks.
//
// Sequential traces: txns of patches [pos, delete count, inserted text], applied in order like
// Array.splice. Concurrent traces also name the agent of each txn and the txns it was typed on.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "crdt/lib0/any.h"
#include "util/status.h"

namespace symphony::testing {

struct TracePatch {
  uint64_t pos = 0;
  uint64_t del = 0;
  std::string ins;  // UTF-8
};

struct TraceTxn {
  int agent = 0;
  std::vector<size_t> parents;
  std::vector<TracePatch> patches;
};

struct Trace {
  std::string start_content;
  std::string end_content;
  int num_agents = 1;
  std::vector<TraceTxn> txns;
  size_t NumPatches() const {
    size_t n = 0;
    for (const auto& t : txns) n += t.patches.size();
    return n;
  }
};

inline Result<std::string> Gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Status(StatusCode::kNotFound, "cannot open " + path);
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, n);
  const bool bad = n < 0;
  gzclose(f);
  if (bad) return Status(StatusCode::kIo, "gzip error in " + path);
  return out;
}

inline Result<Trace> LoadTrace(const std::string& path) {
  Result<std::string> text = Gunzip(path);
  if (!text.ok()) return text.status();
  Result<crdt::Any> json = crdt::ParseJson(*text);
  if (!json.ok()) return json.status();
  const crdt::Any& root = *json;
  Trace t;
  auto str = [](const crdt::Any* v) { return v && v->type() == crdt::Any::Type::kString ? v->as_string() : std::string(); };
  t.start_content = str(root.Get("startContent"));
  t.end_content = str(root.Get("endContent"));
  if (const crdt::Any* n = root.Get("numAgents")) t.num_agents = static_cast<int>(n->as_number());
  const crdt::Any* txns = root.Get("txns");
  if (!txns || txns->type() != crdt::Any::Type::kArray) {
    return Status(StatusCode::kInvalid, "trace without txns: " + path);
  }
  t.txns.reserve(txns->as_array().size());
  for (const crdt::Any& tx : txns->as_array()) {
    TraceTxn out;
    if (const crdt::Any* a = tx.Get("agent")) out.agent = static_cast<int>(a->as_number());
    if (const crdt::Any* ps = tx.Get("parents")) {
      for (const crdt::Any& p : ps->as_array()) out.parents.push_back(static_cast<size_t>(p.as_number()));
    }
    if (const crdt::Any* ps = tx.Get("patches")) {
      for (const crdt::Any& p : ps->as_array()) {
        const auto& a = p.as_array();
        out.patches.push_back(TracePatch{static_cast<uint64_t>(a[0].as_number()),
                                         static_cast<uint64_t>(a[1].as_number()),
                                         a[2].as_string()});
      }
    }
    t.txns.push_back(std::move(out));
  }
  return t;
}

}  // namespace symphony::testing
