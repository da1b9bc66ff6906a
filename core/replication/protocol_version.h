// The replication protocol versions the sandbox can run, to replay Kafka's historic bugs next to
// their fixes. One switch per cluster; each predicate below names one behaviour that changed and
// says in which Kafka version.
//
//   v0_10  before KIP-101: a replica becoming follower truncates to its own (possibly stale) HW
//   v0_11  KIP-101: OffsetsForLeaderEpoch; the leader answers the start of the next epoch
//   v2_0   KIP-279: the leader answers (largest epoch <= asked, its end); multi-round truncation
//   v3_7   today: fencing by current leader epoch (KIP-320), truncation on fetch with diverging
//          epochs (2.7), the new leader's epoch in its cache at election (2.1), ISR joins need the
//          leader epoch's start offset (2.1), HW frozen below min ISR (3.7)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ksim::replication {

enum class ProtocolVersion { v0_10, v0_11, v2_0, v3_7 };

inline constexpr ProtocolVersion default_protocol_version = ProtocolVersion::v3_7;

// "0.10", "0.11", "2.0", "3.7".
std::string_view protocol_version_name(ProtocolVersion version);
// Accepts the names above; nullopt for anything else.
std::optional<ProtocolVersion> parse_protocol_version(std::string_view name);

// Before 0.11: on becoming follower, truncate to the local high watermark.
constexpr bool truncates_to_high_watermark(ProtocolVersion v) {
  return v == ProtocolVersion::v0_10;
}
// 0.11 and 2.0: a new follower asks OffsetsForLeaderEpoch before fetching.
constexpr bool uses_offsets_for_leader_epoch(ProtocolVersion v) {
  return v == ProtocolVersion::v0_11 || v == ProtocolVersion::v2_0;
}
// 2.0+ (KIP-279): the OffsetsForLeaderEpoch answer names the largest epoch <= the one asked.
constexpr bool answers_with_largest_epoch_at_or_below(ProtocolVersion v) {
  return v == ProtocolVersion::v2_0 || v == ProtocolVersion::v3_7;
}
// 2.1+ (KAFKA-7415): a new leader writes (its epoch, its LEO) into its epoch cache at election.
constexpr bool assigns_epoch_start_offset_on_election(ProtocolVersion v) {
  return v == ProtocolVersion::v3_7;
}
// 2.1+ (KAFKA-7128): a follower joins the ISR only once its LEO reaches the start offset of the
// leader's current epoch.
constexpr bool requires_leader_epoch_start_offset_for_isr(ProtocolVersion v) {
  return v == ProtocolVersion::v3_7;
}
// 2.3+ (KIP-320): followers send their current leader epoch; the leader fences mismatches.
constexpr bool sends_current_leader_epoch(ProtocolVersion v) {
  return v == ProtocolVersion::v3_7;
}
// 2.7+ (KIP-595's fetch changes): fetch carries lastFetchedEpoch; truncation on fetch.
constexpr bool truncates_on_fetch(ProtocolVersion v) {
  return v == ProtocolVersion::v3_7;
}
// 3.7+ (KAFKA-15583): the HW does not move while the ISR is below min(min.insync.replicas, RF).
constexpr bool freezes_high_watermark_below_min_isr(ProtocolVersion v) {
  return v == ProtocolVersion::v3_7;
}
// 2.1+ (KAFKA-7164): a follower restarts its fetcher (and truncation) on every leader epoch
// change, not only when the leader changes.
constexpr bool restarts_fetcher_on_every_epoch_change(ProtocolVersion v) {
  return v == ProtocolVersion::v3_7;
}

}  // namespace ksim::replication
