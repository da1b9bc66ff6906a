// AuditModel: what the Audit panel draws: the loss summary per acks setting (the table `ksim run`
// prints at its end) and the list of lost and duplicated records, each with its explanation and
// the simulated time of the event that destroyed it, so that a click seeks the timeline there.
//
// The audit's summary and lists are scans of every record (O(records) each): update() redoes
// them when the cluster did something (a broker event) or `refresh_interval` of simulated time
// passed, not every frame.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/audit/record_ledger.h"
#include "sim/cluster/kafka_cluster.h"
#include "sim/kernel/sim_time.h"

namespace ksim::gui::model {

struct AuditSummaryRow {
  std::string acks;  // "0", "1", "all"
  std::uint64_t sent = 0;
  std::uint64_t acknowledged = 0;  // acks=0: counted as sent
  std::uint64_t lost = 0;          // lost after acknowledgement (or after being counted as sent)
  std::uint64_t lost_after_commit = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t indeterminate = 0;
  std::uint64_t failed = 0;
  std::uint64_t pending = 0;
  std::uint64_t committed = 0;
  std::uint64_t consumed = 0;
};

enum class AuditProblem : std::uint8_t { lost, duplicated };

struct AuditRecordRow {
  AuditProblem problem = AuditProblem::lost;
  sim::audit::RecordId record = 0;
  std::string value;
  std::string partition;  // "t-0" ("" if never known)
  std::int16_t acks = -1;
  std::int64_t offset = -1;  // acknowledged at (else where a leader first wrote it)
  std::string loss;          // "lost after acknowledgement", ... ("" for a duplicate)
  std::string explanation;   // the audit's story of the record (why_record)
  // Lost: when and where the last copy went (none if it was never written).
  std::optional<sim::SimTime> destroyed_at;
  std::int32_t destroyed_on_broker = -1;
  std::string destroyed_how;  // "truncated from offset 5 on broker 0: <reason>"
  // Where a click seeks: the destroying event (lost), the answer after the retries (duplicated).
  std::optional<sim::SimTime> seek_time;
};

class AuditModel {
 public:
  explicit AuditModel(sim::SimDuration refresh_interval = sim::SimDuration::from_s(1))
      : refresh_interval_(refresh_interval) {}

  // Re-reads the audit when something may have changed (see the file comment); true if it did.
  bool update(sim::cluster::KafkaCluster& cluster);
  // Re-reads the audit now.
  void refresh(sim::cluster::KafkaCluster& cluster);

  bool available() const { return available_; }  // the cluster keeps an audit
  const std::vector<AuditSummaryRow>& summary() const { return summary_; }
  // The lost records, then the duplicated ones, each in record order.
  const std::vector<AuditRecordRow>& records() const { return records_; }
  std::size_t lost_count() const { return lost_count_; }

  // A click on records()[index]: the simulated time the timeline should seek to.
  std::optional<sim::SimTime> click(std::size_t index) const;

 private:
  sim::SimDuration refresh_interval_;
  bool available_ = false;
  std::vector<AuditSummaryRow> summary_;
  std::vector<AuditRecordRow> records_;
  std::size_t lost_count_ = 0;
  bool refreshed_ = false;
  std::size_t events_seen_ = 0;
  sim::SimTime refreshed_at_;
};

}  // namespace ksim::gui::model
