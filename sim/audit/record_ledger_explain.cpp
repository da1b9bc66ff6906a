// RecordLedger's queries: the story of a record or of an offset, the summary per acks setting,
// and the lists of lost and duplicated records. Every line is a fact the events established.
#include <algorithm>
#include <cstdio>
#include <utility>

#include "sim/audit/record_ledger.h"
#include "sim/audit/record_ledger_internal.h"

namespace ksim::sim::audit {

namespace {

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(byte));
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string at(std::int64_t us) { return SimTime::from_us(us).to_string(); }

std::string acks_name(std::int16_t acks) { return acks == -1 ? "all" : std::to_string(acks); }

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

std::string RecordLedger::describe_value(std::uint32_t partition, ValueIdentity value) const {
  const std::uint32_t r = find_row(partition, value);
  if (r == kNoRow) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "#%016llx", static_cast<unsigned long long>(value));
    return hex;
  }
  return quoted(text_.get(row(r).text).value);
}

void RecordLedger::explain(std::string& out, std::uint32_t index) const {
  const Row& r = row(index);
  const TextArena::Entry text = text_.get(r.text);
  out += "record " + std::to_string(index) + ": value " + quoted(text.value);
  if (text.has_key) out += " (key " + quoted(text.key) + ")";
  out += " sent by " + std::string(names_.name(r.producer));
  if (r.partition != kNoRow) out += " to " + partition_name(r.partition);
  out += " at " + at(r.sent_at) + " with acks=" + acks_name(r.acks) + "\n";

  // Where leaders wrote it.
  if (r.offset >= 0) {
    out += "  written at offset " + std::to_string(r.offset);
    if (r.written_by >= 0) {
      out += " by broker " + std::to_string(r.written_by) + " in epoch " +
             std::to_string(r.leader_epoch) + "\n";
    } else {
      out += " in epoch " + std::to_string(r.leader_epoch) +
             " (a follower's copy; the leader's write was not reported)\n";
    }
  }
  if ((r.flags & Row::kExtraWrites) != 0) {
    for (const ExtraWrite& write : extra_writes_) {
      if (write.row != index) continue;
      out += "  written again at offset " + std::to_string(write.offset) + " by broker " +
             std::to_string(write.broker) + " in epoch " + std::to_string(write.leader_epoch) +
             " at " + write.at.to_string();
      out += write.offset != r.offset ? " (duplicate)\n" : "\n";
    }
  }
  if ((r.flags & Row::kWritten) == 0) out += "  never written by any broker\n";

  // What the client was told.
  const std::string attempts =
      r.attempts > 1 ? " after " + std::to_string(r.attempts) + " attempts" : "";
  const std::string_view detail = names_.name(r.outcome_detail);
  switch (r.outcome) {
    case SendOutcome::pending:
      out += "  no outcome yet\n";
      break;
    case SendOutcome::acknowledged:
      out += "  acknowledged at " + at(r.completed_at) + " at offset " +
             std::to_string(r.acknowledged_offset) + attempts + "\n";
      break;
    case SendOutcome::failed:
      out += "  failed at " + at(r.completed_at) + attempts + ": " +
             std::string(detail.empty() ? "no error given" : detail) + "\n";
      break;
    case SendOutcome::indeterminate:
      out += "  indeterminate at " + at(r.completed_at) + attempts + ": " +
             std::string(detail.empty() ? "no reason given" : detail) + "\n";
      break;
    case SendOutcome::sent_unknown:
      out += "  counted as sent at " + at(r.completed_at) + " (acks=0: never answered)\n";
      break;
  }

  // Committed or not, and where it is now.
  const RecordFate fate = fate_of(r);
  if (r.committed_at >= 0) {
    out += "  committed at " + at(r.committed_at) + "\n";
  } else if (fate == RecordFate::destroyed && r.destroyed_by != 0) {
    const Removal& removal = removals_[r.destroyed_by - 1];
    out += removal.high_watermark >= 0
               ? "  never committed (broker " + std::to_string(removal.broker) +
                     "'s high watermark was " + std::to_string(removal.high_watermark) + ")\n"
               : "  never committed\n";
  } else if (fate == RecordFate::survives) {
    const PartitionState& state = partitions_[r.partition];
    out += state.high_watermark >= 0
               ? "  not committed yet (high watermark " + std::to_string(state.high_watermark) +
                     ")\n"
               : "  not committed yet (no high watermark reported)\n";
  }
  if (fate == RecordFate::survives) {
    std::vector<std::pair<std::int32_t, std::int64_t>> copies;  // (broker, offset)
    for (const ReplicaLog& log : partitions_[r.partition].replicas) {
      for (std::size_t i = 0; i < log.rows.size(); ++i) {
        if (log.rows[i] == index) {
          copies.emplace_back(log.broker, log.base + static_cast<std::int64_t>(i));
        }
      }
    }
    std::sort(copies.begin(), copies.end());
    const bool one_offset = std::all_of(copies.begin(), copies.end(), [&](const auto& copy) {
      return copy.second == copies.front().second;
    });
    out += "  held by ";
    if (one_offset) {
      out += copies.size() == 1 ? "broker " : "brokers ";
      for (std::size_t i = 0; i < copies.size(); ++i) {
        out += (i == 0 ? "" : ", ") + std::to_string(copies[i].first);
      }
      out += " at offset " + std::to_string(copies.front().second) + "\n";
    } else {
      for (std::size_t i = 0; i < copies.size(); ++i) {
        out += (i == 0 ? "" : ", ") + std::string("broker ") + std::to_string(copies[i].first) +
               " at offset " + std::to_string(copies[i].second);
      }
      out += "\n";
    }
  } else if (fate == RecordFate::destroyed && r.destroyed_by != 0) {
    const Removal& removal = removals_[r.destroyed_by - 1];
    switch (removal.kind) {
      case RemovalKind::truncated: out += "  truncated from broker "; break;
      case RemovalKind::lost: out += "  lost from broker "; break;
      case RemovalKind::overwritten: out += "  overwritten on broker "; break;
    }
    out += std::to_string(removal.broker) + " at " + removal.at.to_string();
    const std::string_view reason = names_.name(removal.reason);
    out += reason.empty() ? "\n" : " (" + std::string(reason) + ")\n";
  }

  // Who read it.
  if (r.reads > 0) {
    out += "  consumed by " + std::string(names_.name(r.first_consumer)) + " at " +
           at(r.first_consumed_at);
    out += r.reads > 1 ? " (" + std::to_string(r.reads) + " reads)\n" : "\n";
  } else {
    out += "  never consumed\n";
  }

  // The verdict, when it is gone or never arrived.
  const Loss loss = loss_of(r);
  if (loss != Loss::none) {
    out += "  " + std::string(to_string(loss)) + "\n";
  } else if (fate != RecordFate::survives) {
    switch (r.outcome) {
      case SendOutcome::failed: out += "  not lost: its send failed\n"; break;
      case SendOutcome::indeterminate: out += "  not lost: its send was indeterminate\n"; break;
      case SendOutcome::pending: out += "  not lost: its send has not completed\n"; break;
      case SendOutcome::acknowledged:
      case SendOutcome::sent_unknown:
        out += "  not judged: no broker of its partition is audited\n";
        break;
    }
  }
}

std::string RecordLedger::why_record(RecordId id) const {
  std::string out;
  explain(out, checked_row(id, "why_record"));
  return out;
}

std::string RecordLedger::why(const storage::TopicPartition& tp, std::int64_t offset) const {
  const std::uint32_t partition = find_partition(tp);
  std::vector<std::uint32_t> written_there;
  if (partition != kNoRow) {
    for (std::uint32_t i = 0; i < row_count_; ++i) {
      const Row& r = row(i);
      if (r.partition == partition && r.offset == offset) written_there.push_back(i);
    }
    for (const ExtraWrite& write : extra_writes_) {
      if (write.offset == offset && row(write.row).partition == partition) {
        written_there.push_back(write.row);
      }
    }
    std::sort(written_there.begin(), written_there.end());
    written_there.erase(std::unique(written_there.begin(), written_there.end()),
                        written_there.end());
  }
  std::string out = "offset " + std::to_string(offset) + " of " + tp.to_string() + ": ";
  if (written_there.empty()) return out + "no record was written there\n";
  out += plural(written_there.size(), "record", "records") + " written there\n";
  for (const std::uint32_t index : written_there) explain(out, index);
  return out;
}

std::vector<AcksSummary> RecordLedger::summary() const {
  std::array<AcksSummary, 3> by_acks{};  // acks 0, 1, all
  std::array<bool, 3> used{};
  by_acks[0].acks = 0;
  by_acks[1].acks = 1;
  by_acks[2].acks = -1;
  for (std::uint32_t i = 0; i < row_count_; ++i) {
    const Row& r = row(i);
    const std::size_t slot = r.acks == -1 ? 2 : static_cast<std::size_t>(r.acks);
    used[slot] = true;
    AcksSummary& s = by_acks[slot];
    ++s.sent;
    switch (r.outcome) {
      case SendOutcome::pending: ++s.pending; break;
      case SendOutcome::acknowledged: ++s.acknowledged; break;
      case SendOutcome::failed: ++s.failed; break;
      case SendOutcome::indeterminate: ++s.indeterminate; break;
      case SendOutcome::sent_unknown: ++s.sent_unknown; break;
    }
    const Loss loss = loss_of(r);
    if (loss != Loss::none) ++s.lost;
    if (loss == Loss::lost_after_commit) ++s.lost_after_commit;
    if ((r.flags & Row::kDuplicated) != 0) ++s.duplicated;
    if (r.committed_at >= 0) ++s.committed;
    if (r.reads > 0) ++s.consumed;
  }
  std::vector<AcksSummary> out;
  for (std::size_t i = 0; i < by_acks.size(); ++i) {
    if (used[i]) out.push_back(by_acks[i]);
  }
  return out;
}

std::string RecordLedger::summary_text() const {
  std::string out;
  for (const AcksSummary& s : summary()) {
    out += "acks=" + acks_name(s.acks) + ": " + std::to_string(s.sent) + " sent, ";
    if (s.acks == 0) {
      out += std::to_string(s.sent_unknown) + " counted as sent, " + std::to_string(s.lost) +
             " lost after being counted as sent";
    } else {
      out += std::to_string(s.acknowledged) + " acknowledged, " + std::to_string(s.lost) +
             " lost after acknowledgement";
      if (s.lost_after_commit > 0) {
        out += " (" + std::to_string(s.lost_after_commit) + " of them committed)";
      }
    }
    out += ", " + std::to_string(s.duplicated) + " duplicated, " +
           std::to_string(s.indeterminate) + " indeterminate, " + std::to_string(s.failed) +
           " failed";
    if (s.pending > 0) out += ", " + std::to_string(s.pending) + " pending";
    out += "; " + std::to_string(s.committed) + " committed, " + std::to_string(s.consumed) +
           " consumed\n";
  }
  if (out.empty()) out = "no record sent\n";
  return out;
}

std::vector<RecordId> RecordLedger::lost_records() const {
  std::vector<RecordId> out;
  for (std::uint32_t i = 0; i < row_count_; ++i) {
    if (loss_of(row(i)) != Loss::none) out.push_back(i);
  }
  return out;
}

std::vector<RecordId> RecordLedger::duplicated_records() const {
  std::vector<RecordId> out;
  for (std::uint32_t i = 0; i < row_count_; ++i) {
    if ((row(i).flags & Row::kDuplicated) != 0) out.push_back(i);
  }
  return out;
}

std::string RecordLedger::lost_report() const {
  const std::vector<RecordId> lost = lost_records();
  if (lost.empty()) return "no record lost\n";
  std::string out = plural(lost.size(), "record", "records") + " lost:\n";
  for (const RecordId id : lost) explain(out, static_cast<std::uint32_t>(id));
  return out;
}

std::string RecordLedger::duplicated_report() const {
  const std::vector<RecordId> duplicated = duplicated_records();
  if (duplicated.empty()) return "no record duplicated\n";
  std::string out = plural(duplicated.size(), "record", "records") + " duplicated:\n";
  for (const RecordId id : duplicated) explain(out, static_cast<std::uint32_t>(id));
  return out;
}

}  // namespace ksim::sim::audit
