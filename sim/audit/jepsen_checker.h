// JepsenChecker: the anomalies of Jepsen's Kafka workload (jepsen.tests.kafka) over the client
// histories a RecordLedger holds: the sends with what each client was told, and every read with
// its consumer and poll. It looks only at what clients saw, never at the brokers' logs: the
// ledger's own verdicts (lost, destroyed) come from the replicas; these come from the outside.
//
// As in Jepsen, each partition gets a *version order*: the offsets known from acknowledged sends
// and from reads, sorted, each with the value(s) seen there; an offset's *index* is its rank in
// that order (gaps in offsets are ignored). The anomalies:
//   lost-write            acknowledged, and some read of its partition reached a value at a
//                         higher index, but no read ever returned this one
//   unseen                acknowledged, and never read by the end of the history
//   duplicate             one value at more than one offset of a partition
//   inconsistent-offsets  one offset with different values (sends and reads disagree)
//   nonmonotonic-poll     a consumer's poll of a partition starts at or before the index where
//                         its previous poll of that partition ended
//   poll-skip             ... starts more than one index after it: it skipped offsets that exist
//   aborted-read          ksim has no transactions: a read of a value whose send definitely
//                         failed (the client was told so; error 20 wrote it anyway)
// Indeterminate sends (timed out, disconnected) are never lost-write nor unseen. A change of a
// consumer's assignment forgets where it was in the partitions it no longer holds.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/audit/record_ledger.h"

namespace ksim::sim::audit {

struct AnomalyCases {
  std::uint64_t count = 0;
  std::vector<std::string> examples;  // the first few, one line each
};

struct JepsenReport {
  static constexpr std::array<std::string_view, 7> kAnomalies = {
      "lost-write",        "unseen",    "duplicate",   "inconsistent-offsets",
      "nonmonotonic-poll", "poll-skip", "aborted-read"};
  std::array<AnomalyCases, 7> anomalies;

  // By Jepsen's name; throws std::invalid_argument for an unknown name.
  const AnomalyCases& operator[](std::string_view name) const;
  AnomalyCases& operator[](std::string_view name);
  std::uint64_t count(std::string_view name) const { return (*this)[name].count; }
  // No anomaly at all but `unseen` (a history may end before its consumers caught up).
  bool valid() const;
  // Every anomaly with its count, and the examples under those that happened.
  std::string text() const;
};

class JepsenChecker {
 public:
  struct Options {
    std::size_t max_examples = 8;  // per anomaly
  };
  JepsenChecker() = default;
  explicit JepsenChecker(Options options) : options_(options) {}

  JepsenReport check(const RecordLedger& ledger) const;

 private:
  Options options_;
};

}  // namespace ksim::sim::audit
