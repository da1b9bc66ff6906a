// AuditModel: see audit_model.h.
#include "app/gui/model/audit_model.h"

#include <fmt/format.h>

namespace ksim::gui::model {

namespace {

std::string acks_name(std::int16_t acks) { return acks == -1 ? "all" : std::to_string(acks); }

std::string_view removal_verb(sim::audit::RemovalKind kind) {
  switch (kind) {
    case sim::audit::RemovalKind::truncated: return "truncated";
    case sim::audit::RemovalKind::lost: return "lost";
    case sim::audit::RemovalKind::overwritten: return "overwritten";
  }
  return "removed";
}

AuditRecordRow make_row(const sim::audit::RecordLedger& ledger, sim::audit::RecordId id,
                        AuditProblem problem) {
  const sim::audit::RecordView view = ledger.record(id);
  AuditRecordRow row;
  row.problem = problem;
  row.record = id;
  row.value = std::string(view.value);
  if (!view.topic.empty()) row.partition = fmt::format("{}-{}", view.topic, view.partition);
  row.acks = view.acks;
  row.offset = view.acknowledged_offset >= 0 ? view.acknowledged_offset : view.offset;
  if (problem == AuditProblem::lost) row.loss = std::string(sim::audit::to_string(view.loss));
  row.explanation = ledger.why_record(id);
  if (view.destroyed_by) {
    const sim::audit::Removal& removal = *view.destroyed_by;
    row.destroyed_at = removal.at;
    row.destroyed_on_broker = removal.broker;
    row.destroyed_how = fmt::format("{} from offset {} on broker {}", removal_verb(removal.kind),
                                    removal.from_offset, removal.broker);
    const std::string_view reason = ledger.name(removal.reason);
    if (!reason.empty()) row.destroyed_how += fmt::format(": {}", reason);
  }
  if (problem == AuditProblem::lost) {
    row.seek_time = row.destroyed_at;
  } else {
    row.seek_time =
        view.completed_at ? view.completed_at : std::optional<sim::SimTime>(view.sent_at);
  }
  return row;
}

}  // namespace

bool AuditModel::update(sim::cluster::KafkaCluster& cluster) {
  const bool changed = !refreshed_ || cluster.events().size() != events_seen_ ||
                       cluster.now() - refreshed_at_ >= refresh_interval_;
  if (!changed) return false;
  refresh(cluster);
  return true;
}

void AuditModel::refresh(sim::cluster::KafkaCluster& cluster) {
  refreshed_ = true;
  refreshed_at_ = cluster.now();
  events_seen_ = cluster.events().size();
  summary_.clear();
  records_.clear();
  lost_count_ = 0;
  const sim::audit::RecordLedger* ledger = cluster.audit();
  available_ = ledger != nullptr;
  if (ledger == nullptr) return;
  for (const sim::audit::AcksSummary& s : ledger->summary()) {
    AuditSummaryRow row;
    row.acks = acks_name(s.acks);
    row.sent = s.sent;
    row.acknowledged = s.acks == 0 ? s.sent_unknown : s.acknowledged;
    row.lost = s.lost;
    row.lost_after_commit = s.lost_after_commit;
    row.duplicated = s.duplicated;
    row.indeterminate = s.indeterminate;
    row.failed = s.failed;
    row.pending = s.pending;
    row.committed = s.committed;
    row.consumed = s.consumed;
    summary_.push_back(row);
  }
  for (sim::audit::RecordId id : ledger->lost_records()) {
    records_.push_back(make_row(*ledger, id, AuditProblem::lost));
  }
  lost_count_ = records_.size();
  for (sim::audit::RecordId id : ledger->duplicated_records()) {
    records_.push_back(make_row(*ledger, id, AuditProblem::duplicated));
  }
}

std::optional<sim::SimTime> AuditModel::click(std::size_t index) const {
  if (index >= records_.size()) return std::nullopt;
  return records_[index].seek_time;
}

}  // namespace ksim::gui::model
