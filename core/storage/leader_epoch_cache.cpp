#include "core/storage/leader_epoch_cache.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "core/storage/checkpoint_file.h"

namespace ksim::storage {

std::string format_leader_epoch_checkpoint(std::span<const EpochEntry> entries) {
  std::vector<std::string> lines;
  lines.reserve(entries.size());
  for (const EpochEntry& entry : entries) {
    if (entry.epoch < 0 || entry.start_offset < 0) {
      throw std::invalid_argument("negative leader epoch entry (" + std::to_string(entry.epoch) +
                                  ", " + std::to_string(entry.start_offset) +
                                  ") cannot be written to leader-epoch-checkpoint");
    }
    lines.push_back(std::to_string(entry.epoch) + " " + std::to_string(entry.start_offset));
  }
  return format_checkpoint_lines(leader_epoch_checkpoint_version, lines);
}

std::vector<EpochEntry> parse_leader_epoch_checkpoint(std::string_view text,
                                                      std::string_view path) {
  std::vector<EpochEntry> entries;
  for (const CheckpointLine& line :
       parse_checkpoint_lines(text, path, leader_epoch_checkpoint_version)) {
    const auto fields = split_checkpoint_fields(line.text);
    if (fields.size() != 2) throw_malformed_checkpoint_line(path, line, "expected 'epoch offset'");
    const auto epoch = parse_int32(fields[0]);
    if (!epoch || *epoch < 0) {
      throw_malformed_checkpoint_line(
          path, line, "epoch '" + std::string(fields[0]) + "' is not a non-negative integer");
    }
    const auto start_offset = parse_int64(fields[1]);
    if (!start_offset || *start_offset < 0) {
      throw_malformed_checkpoint_line(
          path, line, "offset '" + std::string(fields[1]) + "' is not a non-negative integer");
    }
    entries.push_back({*epoch, *start_offset});
  }
  return entries;
}

std::vector<EpochEntry> read_leader_epoch_checkpoint(FileSystem& fs, std::string_view path) {
  const auto text = detail::read_text_file_if_exists(fs, path);
  if (!text) return {};
  return parse_leader_epoch_checkpoint(*text, path);
}

void write_leader_epoch_checkpoint(FileSystem& fs, std::string_view path,
                                   std::span<const EpochEntry> entries) {
  detail::write_text_file_atomically(fs, path, format_leader_epoch_checkpoint(entries));
}

LeaderEpochCache::LeaderEpochCache(FileSystem& fs, std::string checkpoint_path)
    : fs_(&fs), checkpoint_path_(std::move(checkpoint_path)) {
  for (const EpochEntry& entry : read_leader_epoch_checkpoint(*fs_, checkpoint_path_)) {
    apply_assign(entry);
  }
}

bool LeaderEpochCache::apply_assign(EpochEntry entry) {
  if (entry.epoch < 0 || entry.start_offset < 0) {
    throw std::invalid_argument("Received invalid partition leader epoch entry EpochEntry(epoch=" +
                                std::to_string(entry.epoch) +
                                ", startOffset=" + std::to_string(entry.start_offset) + ")");
  }
  const bool update_needed = epochs_.empty() || entry.epoch != epochs_.back().epoch ||
                             entry.start_offset < epochs_.back().start_offset;
  if (!update_needed) return false;
  // Drop the latest entries that the new one contradicts, keeping both orders strict.
  while (!epochs_.empty() && (epochs_.back().epoch >= entry.epoch ||
                              epochs_.back().start_offset >= entry.start_offset)) {
    epochs_.pop_back();
  }
  epochs_.push_back(entry);
  return true;
}

void LeaderEpochCache::assign(std::int32_t epoch, std::int64_t start_offset) {
  if (apply_assign({epoch, start_offset})) write_checkpoint();
}

std::optional<std::int32_t> LeaderEpochCache::latest_epoch() const {
  if (epochs_.empty()) return std::nullopt;
  return epochs_.back().epoch;
}

std::optional<EpochEntry> LeaderEpochCache::latest_entry() const {
  if (epochs_.empty()) return std::nullopt;
  return epochs_.back();
}

std::optional<EpochEntry> LeaderEpochCache::earliest_entry() const {
  if (epochs_.empty()) return std::nullopt;
  return epochs_.front();
}

std::optional<std::int32_t> LeaderEpochCache::epoch_for_offset(std::int64_t offset) const {
  std::optional<std::int32_t> epoch;
  for (const EpochEntry& entry : epochs_) {
    if (entry.start_offset > offset) break;
    epoch = entry.epoch;
  }
  return epoch;
}

namespace {

// The first entry whose epoch is greater than `epoch`, or end.
std::vector<EpochEntry>::const_iterator first_epoch_after(const std::vector<EpochEntry>& epochs,
                                                          std::int32_t epoch) {
  return std::upper_bound(
      epochs.begin(), epochs.end(), epoch,
      [](std::int32_t value, const EpochEntry& entry) { return value < entry.epoch; });
}

}  // namespace

EpochEndOffset LeaderEpochCache::end_offset_for(std::int32_t requested_epoch,
                                                std::int64_t log_end_offset) const {
  if (requested_epoch == undefined_epoch) return {};
  if (latest_epoch() == requested_epoch) return {requested_epoch, log_end_offset};
  const auto next = first_epoch_after(epochs_, requested_epoch);
  if (next == epochs_.end() || next == epochs_.begin()) return {};  // none after, or none <=
  return {std::prev(next)->epoch, next->start_offset};
}

EpochEndOffset LeaderEpochCache::end_offset_for_since_2_1(std::int32_t requested_epoch,
                                                          std::int64_t log_end_offset) const {
  if (requested_epoch == undefined_epoch) return {};
  if (latest_epoch() == requested_epoch) return {requested_epoch, log_end_offset};
  const auto next = first_epoch_after(epochs_, requested_epoch);
  if (next == epochs_.end()) return {};
  if (next == epochs_.begin()) return {requested_epoch, next->start_offset};
  return {std::prev(next)->epoch, next->start_offset};
}

std::int64_t LeaderEpochCache::end_offset_for_kip101(std::int32_t requested_epoch,
                                                     std::int64_t log_end_offset) const {
  if (requested_epoch == undefined_epoch) return undefined_epoch_offset;
  if (latest_epoch() == requested_epoch) return log_end_offset;
  const auto next = first_epoch_after(epochs_, requested_epoch);
  if (next == epochs_.end() || next == epochs_.begin()) return undefined_epoch_offset;
  return next->start_offset;
}

void LeaderEpochCache::truncate_from_end(std::int64_t end_offset) {
  if (end_offset < 0 || epochs_.empty() || epochs_.back().start_offset < end_offset) return;
  while (!epochs_.empty() && epochs_.back().start_offset >= end_offset) epochs_.pop_back();
  write_checkpoint();
}

void LeaderEpochCache::truncate_from_start(std::int64_t start_offset) {
  const auto first_kept =
      std::find_if(epochs_.begin(), epochs_.end(),
                   [&](const EpochEntry& entry) { return entry.start_offset > start_offset; });
  if (first_kept == epochs_.begin()) return;
  const std::int32_t epoch_at_start = std::prev(first_kept)->epoch;
  const auto kept = epochs_.erase(epochs_.begin(), first_kept);
  epochs_.insert(kept, EpochEntry{epoch_at_start, start_offset});
  write_checkpoint();
}

void LeaderEpochCache::clear() {
  epochs_.clear();
  write_checkpoint();
}

void LeaderEpochCache::write_checkpoint() {
  write_leader_epoch_checkpoint(*fs_, checkpoint_path_, epochs_);
}

}  // namespace ksim::storage
