#include "bench/load_stats.h"

#include <algorithm>

namespace symphony::bench {

void LoadStats::Merge(const LoadStats& o) {
  doc_latency.Merge(o.doc_latency);
  aw_latency.Merge(o.aw_latency);
  ack_latency.Merge(o.ack_latency);
  connect_latency.Merge(o.connect_latency);
  doc_sent += o.doc_sent;
  aw_sent += o.aw_sent;
  doc_expected += o.doc_expected;
  aw_expected += o.aw_expected;
  doc_received += o.doc_received;
  aw_received += o.aw_received;
  acks += o.acks;
  synced += o.synced;
  connect_errors += o.connect_errors;
  protocol_errors += o.protocol_errors;
  send_overflows += o.send_overflows;
  unexpected_closes += o.unexpected_closes;
  for (const auto& [code, n] : o.close_codes) close_codes[code] += n;
  last_synced_us = std::max(last_synced_us, o.last_synced_us);
}

}  // namespace symphony::bench
