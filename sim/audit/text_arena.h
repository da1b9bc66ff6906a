// TextArena: where the ledger keeps every record's key and value bytes. Append-only chunks of
// 1 MiB (a longer text gets a chunk of its own), so keeping ten million small values costs their
// bytes plus one or two length bytes each, no allocation per value, and no copying as it grows.
// A text is addressed by a 64-bit position: chunk index in the high 32 bits, offset in the low.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace ksim::sim::audit {

class TextArena {
 public:
  using Position = std::uint64_t;

  // Stores an optional key and a value together; returns where.
  Position add(const std::string_view* key, std::string_view value);
  // What add() stored at `position` (`has_key` false for a null key).
  struct Entry {
    bool has_key = false;
    std::string_view key;
    std::string_view value;
  };
  Entry get(Position position) const;

  std::size_t bytes_reserved() const { return reserved_; }
  std::size_t bytes_used() const { return used_; }

 private:
  static constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
  struct Chunk {
    std::unique_ptr<char[]> bytes;
    std::size_t capacity = 0;
    std::size_t used = 0;
  };
  char* reserve(std::size_t bytes, Position& position);

  std::vector<Chunk> chunks_;
  std::size_t reserved_ = 0;
  std::size_t used_ = 0;
};

}  // namespace ksim::sim::audit
