// Replays the real editing traces of ../shared/traces through the engine: the sequential ones as
// local edits and again as the updates those edits emitted, the concurrent one with one replica
// per agent that forks and merges as the trace says. The final text must equal endContent.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "crdt/doc.h"
#include "crdt/transaction.h"
#include "crdt/types/text.h"
#include "support/trace.h"

namespace symphony::crdt {
namespace {

std::string TracePath(const std::string& name) {
  return std::string(SYMPHONY_TRACES_DIR) + "/" + name + ".json.gz";
}

void ApplyPatches(Transaction& tr, Text& text, const testing::TraceTxn& tx) {
  for (const auto& p : tx.patches) {
    if (p.del) text.Delete(tr, p.pos, p.del);
    if (!p.ins.empty()) text.Insert(tr, p.pos, p.ins);
  }
}

class SequentialTrace : public ::testing::TestWithParam<const char*> {};

TEST_P(SequentialTrace, LocalAndRemoteReplayReachEndContent) {
  Result<testing::Trace> trace = testing::LoadTrace(TracePath(GetParam()));
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  Doc local(DocOptions{.client_id = 7});
  Text text = local.GetText("text");
  std::vector<std::vector<uint8_t>> updates;
  local.OnUpdate([&](std::span<const uint8_t> u, Transaction&) { updates.emplace_back(u.begin(), u.end()); });
  if (!trace->start_content.empty()) text.Insert(0, trace->start_content);
  for (const auto& tx : trace->txns) {
    local.Transact([&](Transaction& tr) { ApplyPatches(tr, text, tx); });
  }
  EXPECT_EQ(text.ToString(), trace->end_content);

  Doc remote(DocOptions{.client_id = 8});
  for (size_t i = 0; i < updates.size(); i++) {
    Status st = remote.ApplyUpdate(updates[i]);
    ASSERT_TRUE(st.ok()) << "update " << i << ": " << st.ToString();
  }
  EXPECT_EQ(remote.GetText("text").ToString(), trace->end_content);

  // The encoded state loads into a fresh document with the same text and state vector.
  Doc loaded(DocOptions{.client_id = 9});
  ASSERT_TRUE(loaded.ApplyUpdate(remote.EncodeStateAsUpdate()).ok());
  EXPECT_EQ(loaded.GetText("text").ToString(), trace->end_content);
  EXPECT_EQ(loaded.EncodeStateVector(), local.EncodeStateVector());
  EXPECT_EQ(loaded.EncodeStateAsUpdate(), local.EncodeStateAsUpdate());
}

INSTANTIATE_TEST_SUITE_P(Traces, SequentialTrace,
                         ::testing::Values("automerge-paper", "seph-blog1", "rustcode",
                                           "sveltecomponent"));

// friendsforever: every txn was typed on the merge of its parents. Each agent has its own
// replica; before a txn we bring that replica to exactly the parents' history by applying the
// updates of the txns it lacks (in index order, which is a topological order).
TEST(ConcurrentTrace, FriendsForeverForksAndMerges) {
  Result<testing::Trace> trace = testing::LoadTrace(TracePath("friendsforever.concurrent"));
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  const auto& txns = trace->txns;
  const int agents = std::max(trace->num_agents, 1);
  std::vector<std::unique_ptr<Doc>> docs;
  std::vector<std::vector<bool>> has(agents, std::vector<bool>(txns.size(), false));
  for (int a = 0; a < agents; a++) {
    docs.push_back(std::make_unique<Doc>(DocOptions{.client_id = static_cast<ClientId>(100 + a)}));
  }
  std::vector<std::vector<uint8_t>> txn_update(txns.size());
  std::vector<size_t> stack;
  std::vector<size_t> missing;
  for (size_t i = 0; i < txns.size(); i++) {
    const int a = txns[i].agent;
    ASSERT_LT(a, agents);
    Doc& doc = *docs[a];
    // The history of the parents that this replica lacks.
    missing.clear();
    stack.assign(txns[i].parents.begin(), txns[i].parents.end());
    while (!stack.empty()) {
      size_t p = stack.back();
      stack.pop_back();
      if (has[a][p]) continue;
      has[a][p] = true;
      missing.push_back(p);
      for (size_t q : txns[p].parents) {
        if (!has[a][q]) stack.push_back(q);
      }
    }
    std::sort(missing.begin(), missing.end());
    for (size_t p : missing) {
      if (txn_update[p].empty()) continue;  // a txn without patches emits nothing
      Status st = doc.ApplyUpdate(txn_update[p]);
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
    Text text = doc.GetText("text");
    int h = doc.OnUpdate([&](std::span<const uint8_t> u, Transaction&) {
      txn_update[i].assign(u.begin(), u.end());
    });
    doc.Transact([&](Transaction& tr) { ApplyPatches(tr, text, txns[i]); });
    doc.OffUpdate(h);
    has[a][i] = true;
  }
  // Merge everything into one replica.
  Doc all(DocOptions{.client_id = 1});
  for (size_t i = 0; i < txns.size(); i++) {
    if (!txn_update[i].empty()) {
      ASSERT_TRUE(all.ApplyUpdate(txn_update[i]).ok());
    }
  }
  EXPECT_EQ(all.GetText("text").ToString(), trace->end_content);
  // And every agent's replica converges to it once synced.
  for (auto& d : docs) {
    ASSERT_TRUE(d->ApplyUpdate(all.EncodeStateAsUpdate()).ok());
    EXPECT_EQ(d->GetText("text").ToString(), trace->end_content);
  }
}

}  // namespace
}  // namespace symphony::crdt
