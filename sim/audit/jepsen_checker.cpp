#include "sim/audit/jepsen_checker.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace ksim::sim::audit {

namespace {

constexpr std::uint32_t kNoRow = RecordLedger::kNoRow;

// One (offset, value) a send or a read established for a partition.
struct Version {
  std::uint32_t partition = 0;
  std::int64_t offset = 0;
  ValueIdentity value = 0;
  friend bool operator==(const Version&, const Version&) = default;
};

// Where a value sits in its partition's version order.
struct ValuePlace {
  std::uint32_t partition = 0;
  ValueIdentity value = 0;
  std::uint32_t first_index = 0;
  std::uint32_t last_index = 0;
  std::size_t first_version = 0;  // into versions sorted by (partition, value, offset)
  std::uint32_t offsets = 0;
  bool read = false;
};

// The version orders of every partition.
class VersionOrders {
 public:
  VersionOrders(const RecordLedger& ledger, std::vector<Version> versions)
      : partition_begin_(ledger.partition_count() + 1, 0) {
    std::sort(versions.begin(), versions.end(), [](const Version& a, const Version& b) {
      return std::tie(a.partition, a.offset, a.value) < std::tie(b.partition, b.offset, b.value);
    });
    versions.erase(std::unique(versions.begin(), versions.end()), versions.end());
    by_offset_ = versions;
    // Dense indices: one per distinct (partition, offset).
    for (std::size_t i = 0; i < by_offset_.size(); ++i) {
      const Version& v = by_offset_[i];
      if (i > 0 && by_offset_[i - 1].partition == v.partition &&
          by_offset_[i - 1].offset == v.offset) {
        continue;
      }
      offsets_.push_back(v.offset);
      offset_partition_.push_back(v.partition);
      first_version_at_.push_back(i);
    }
    // partition_begin_[p]: the first dense index of p (indices are grouped by partition).
    for (const std::uint32_t p : offset_partition_) ++partition_begin_[p + 1];
    for (std::size_t p = 1; p < partition_begin_.size(); ++p) {
      partition_begin_[p] += partition_begin_[p - 1];
    }
    // Values: sorted by (partition, value, offset).
    by_value_ = std::move(versions);
    std::sort(by_value_.begin(), by_value_.end(), [](const Version& a, const Version& b) {
      return std::tie(a.partition, a.value, a.offset) < std::tie(b.partition, b.value, b.offset);
    });
    for (std::size_t i = 0; i < by_value_.size(); ++i) {
      const Version& v = by_value_[i];
      const std::uint32_t index = index_of(v.partition, v.offset);
      if (places_.empty() || places_.back().partition != v.partition ||
          places_.back().value != v.value) {
        places_.push_back({v.partition, v.value, index, index, i, 1, false});
      } else {
        ValuePlace& place = places_.back();
        place.first_index = std::min(place.first_index, index);
        place.last_index = std::max(place.last_index, index);
        if (by_value_[i - 1].offset != v.offset) ++place.offsets;
      }
    }
  }

  // The dense index of an offset known in the partition's order.
  std::uint32_t index_of(std::uint32_t partition, std::int64_t offset) const {
    const auto begin = offsets_.begin() + static_cast<std::ptrdiff_t>(partition_begin_[partition]);
    const auto end = offsets_.begin() + static_cast<std::ptrdiff_t>(end_of(partition));
    const auto it = std::lower_bound(begin, end, offset);
    return static_cast<std::uint32_t>(it - begin);
  }
  std::int64_t offset_at(std::uint32_t partition, std::uint32_t index) const {
    return offsets_[partition_begin_[partition] + index];
  }
  // The values at one dense index (more than one: inconsistent-offsets).
  std::vector<ValueIdentity> values_at(std::uint32_t partition, std::uint32_t index) const {
    std::vector<ValueIdentity> values;
    const std::size_t dense = partition_begin_[partition] + index;
    for (std::size_t i = first_version_at_[dense];
         i < by_offset_.size() && by_offset_[i].partition == partition &&
         by_offset_[i].offset == offsets_[dense];
         ++i) {
      values.push_back(by_offset_[i].value);
    }
    return values;
  }
  std::size_t size(std::uint32_t partition) const {
    return end_of(partition) - partition_begin_[partition];
  }
  ValuePlace* place(std::uint32_t partition, ValueIdentity value) {
    const auto it = std::lower_bound(
        places_.begin(), places_.end(), std::pair{partition, value},
        [](const ValuePlace& p, const std::pair<std::uint32_t, ValueIdentity>& key) {
          return std::tie(p.partition, p.value) < std::tie(key.first, key.second);
        });
    if (it == places_.end() || it->partition != partition || it->value != value) return nullptr;
    return &*it;
  }
  std::vector<ValuePlace>& places() { return places_; }
  // The offsets of a value, in order.
  std::vector<std::int64_t> offsets_of(const ValuePlace& place) const {
    std::vector<std::int64_t> out;
    for (std::size_t i = place.first_version; i < by_value_.size() &&
                                              by_value_[i].partition == place.partition &&
                                              by_value_[i].value == place.value;
         ++i) {
      if (out.empty() || out.back() != by_value_[i].offset) out.push_back(by_value_[i].offset);
    }
    return out;
  }
  std::size_t partitions() const { return partition_begin_.size() - 1; }

 private:
  std::size_t end_of(std::uint32_t partition) const { return partition_begin_[partition + 1]; }

  std::vector<Version> by_offset_;
  std::vector<Version> by_value_;
  std::vector<std::int64_t> offsets_;            // dense index -> offset, partitions in order
  std::vector<std::uint32_t> offset_partition_;  // dense index -> partition
  std::vector<std::size_t> first_version_at_;    // dense index -> first entry in by_offset_
  std::vector<std::size_t> partition_begin_;     // partition -> first dense index
  std::vector<ValuePlace> places_;
};

void add_case(AnomalyCases& cases, std::size_t max_examples, const auto& describe) {
  ++cases.count;
  if (cases.examples.size() < max_examples) cases.examples.push_back(describe());
}

std::string join_offsets(const std::vector<std::int64_t>& offsets) {
  std::string out;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    out += (i == 0 ? "" : ", ") + std::to_string(offsets[i]);
  }
  return out;
}

}  // namespace

const AnomalyCases& JepsenReport::operator[](std::string_view name) const {
  for (std::size_t i = 0; i < kAnomalies.size(); ++i) {
    if (kAnomalies[i] == name) return anomalies[i];
  }
  throw std::invalid_argument("JepsenReport: no anomaly named \"" + std::string(name) + "\"");
}

AnomalyCases& JepsenReport::operator[](std::string_view name) {
  return const_cast<AnomalyCases&>(std::as_const(*this)[name]);
}

bool JepsenReport::valid() const {
  for (std::size_t i = 0; i < kAnomalies.size(); ++i) {
    if (kAnomalies[i] != "unseen" && anomalies[i].count > 0) return false;
  }
  return true;
}

std::string JepsenReport::text() const {
  std::string out;
  for (std::size_t i = 0; i < kAnomalies.size(); ++i) {
    const AnomalyCases& cases = anomalies[i];
    out += std::string(kAnomalies[i]) + ": " + std::to_string(cases.count) + "\n";
    for (const std::string& example : cases.examples) out += "  " + example + "\n";
    if (cases.count > cases.examples.size()) {
      out += "  ... and " + std::to_string(cases.count - cases.examples.size()) + " more\n";
    }
  }
  return out;
}

JepsenReport JepsenChecker::check(const RecordLedger& ledger) const {
  JepsenReport report;
  const std::size_t max = options_.max_examples;
  const std::vector<ReadEntry>& reads = ledger.reads();

  // The version orders, from acknowledged sends and from every read.
  std::vector<Version> versions;
  versions.reserve(ledger.record_count() + reads.size());
  for (RecordId id = 0; id < ledger.record_count(); ++id) {
    const RecordLedger::SendFacts facts = ledger.send_facts(id);
    if (facts.outcome == SendOutcome::acknowledged) {
      versions.push_back({facts.partition, facts.acknowledged_offset, facts.value});
    }
  }
  for (const ReadEntry& read : reads) versions.push_back({read.partition, read.offset, read.value});
  VersionOrders orders(ledger, std::move(versions));

  const auto value_text = [&](std::uint32_t partition, ValueIdentity value) {
    return ledger.describe_value(partition, value);
  };

  // inconsistent-offsets: an index holding more than one value.
  for (std::uint32_t p = 0; p < orders.partitions(); ++p) {
    for (std::uint32_t index = 0; index < orders.size(p); ++index) {
      const std::vector<ValueIdentity> values = orders.values_at(p, index);
      if (values.size() < 2) continue;
      add_case(report["inconsistent-offsets"], max, [&] {
        std::string line = ledger.partition_name(p) + " offset " +
                           std::to_string(orders.offset_at(p, index)) + ": values ";
        std::vector<std::string> described;
        for (const ValueIdentity value : values) described.push_back(value_text(p, value));
        std::sort(described.begin(), described.end());
        for (std::size_t i = 0; i < described.size(); ++i) {
          line += (i == 0 ? "" : ", ") + described[i];
        }
        return line;
      });
    }
  }

  // duplicate: a value at more than one offset.
  for (const ValuePlace& place : orders.places()) {
    if (place.offsets < 2) continue;
    add_case(report["duplicate"], max, [&] {
      return ledger.partition_name(place.partition) + ": value " +
             value_text(place.partition, place.value) + " at offsets " +
             join_offsets(orders.offsets_of(place));
    });
  }

  // lost-write: below the highest value read, every acknowledged value should have been read.
  struct HighestRead {
    bool any = false;
    std::uint32_t index = 0;
    std::size_t read = 0;
  };
  std::vector<HighestRead> highest(orders.partitions());
  for (std::size_t i = 0; i < reads.size(); ++i) {
    ValuePlace* place = orders.place(reads[i].partition, reads[i].value);
    place->read = true;
    HighestRead& h = highest[reads[i].partition];
    if (!h.any || place->first_index > h.index) h = {true, place->first_index, i};
  }
  for (const ValuePlace& place : orders.places()) {
    const HighestRead& h = highest[place.partition];
    if (place.read || !h.any || place.last_index > h.index) continue;
    const std::uint32_t writer = ledger.find_in(place.partition, place.value);
    if (writer == kNoRow) continue;
    const RecordLedger::SendFacts facts = ledger.send_facts(writer);
    if (facts.outcome != SendOutcome::acknowledged) continue;
    add_case(report["lost-write"], max, [&] {
      const ReadEntry& top = reads[h.read];
      return ledger.partition_name(place.partition) + " offset " +
             std::to_string(facts.acknowledged_offset) + ": value " +
             value_text(place.partition, place.value) + " (record " + std::to_string(writer) +
             ") acknowledged, but " + std::string(ledger.name(top.consumer)) + " read offset " +
             std::to_string(top.offset) + " (" + value_text(top.partition, top.value) +
             ") and no read returned it";
    });
  }

  // unseen and aborted-read.
  for (RecordId id = 0; id < ledger.record_count(); ++id) {
    const RecordLedger::SendFacts facts = ledger.send_facts(id);
    if (facts.outcome != SendOutcome::acknowledged || facts.reads > 0) continue;
    add_case(report["unseen"], max, [&] {
      return ledger.partition_name(facts.partition) + " offset " +
             std::to_string(facts.acknowledged_offset) + ": value " +
             value_text(facts.partition, facts.value) + " (record " + std::to_string(id) +
             ") acknowledged, never read";
    });
  }
  for (const ReadEntry& read : reads) {
    if (read.row == kNoRow) continue;
    if (ledger.send_facts(read.row).outcome != SendOutcome::failed) continue;
    add_case(report["aborted-read"], max, [&] {
      const RecordView record = ledger.record(read.row);
      return std::string(ledger.name(read.consumer)) + " read " +
             ledger.partition_name(read.partition) + " offset " + std::to_string(read.offset) +
             ": value " + value_text(read.partition, read.value) + " (record " +
             std::to_string(read.row) + ") whose send failed (" +
             std::string(record.outcome_detail.empty() ? "no error given"
                                                       : record.outcome_detail) +
             ")";
    });
  }

  // nonmonotonic-poll and poll-skip: each consumer's consecutive polls of a partition.
  struct Position {
    std::uint32_t poll = 0;
    std::uint32_t index = 0;  // of the last read
    std::int64_t offset = 0;
  };
  std::map<std::pair<std::uint32_t, std::uint32_t>, Position> positions;  // (consumer, partition)
  const std::vector<AssignmentChange>& assignments = ledger.assignments();
  std::size_t next_assignment = 0;
  for (std::size_t i = 0; i < reads.size(); ++i) {
    while (next_assignment < assignments.size() &&
           assignments[next_assignment].before_read <= i) {
      const AssignmentChange& change = assignments[next_assignment++];
      std::erase_if(positions, [&](const auto& entry) {
        return entry.first.first == change.consumer &&
               std::find(change.partitions.begin(), change.partitions.end(),
                         entry.first.second) == change.partitions.end();
      });
    }
    const ReadEntry& read = reads[i];
    const std::uint32_t index = orders.index_of(read.partition, read.offset);
    const auto [it, first] =
        positions.try_emplace({read.consumer, read.partition}, Position{read.poll, index, read.offset});
    if (first) continue;
    Position& position = it->second;
    if (read.poll != position.poll) {
      const std::int64_t delta =
          static_cast<std::int64_t>(index) - static_cast<std::int64_t>(position.index);
      const std::string who = std::string(ledger.name(read.consumer)) + " polled " +
                              ledger.partition_name(read.partition);
      if (delta > 1) {
        add_case(report["poll-skip"], max, [&] {
          std::string line = who + " up to offset " + std::to_string(position.offset) +
                             ", then its next poll started at offset " +
                             std::to_string(read.offset) + ", skipping offset";
          line += delta > 2 ? "s " : " ";
          for (std::uint32_t skipped = position.index + 1; skipped < index; ++skipped) {
            const std::vector<ValueIdentity> values = orders.values_at(read.partition, skipped);
            line += (skipped == position.index + 1 ? "" : ", ") +
                    std::to_string(orders.offset_at(read.partition, skipped)) + " (" +
                    value_text(read.partition, values.front()) + ")";
          }
          return line;
        });
      } else if (delta < 1) {
        add_case(report["nonmonotonic-poll"], max, [&] {
          return who + " up to offset " + std::to_string(position.offset) +
                 ", then its next poll started at offset " + std::to_string(read.offset);
        });
      }
      position.poll = read.poll;
    }
    position.index = index;
    position.offset = read.offset;
  }
  return report;
}

}  // namespace ksim::sim::audit
