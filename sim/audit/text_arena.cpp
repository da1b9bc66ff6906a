#include "sim/audit/text_arena.h"

#include <cstring>

#include "sim/kernel/assert.h"

namespace ksim::sim::audit {

namespace {

// Unsigned LEB128, as Kafka's varints without the zigzag.
std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* put_varint(char* out, std::uint64_t v) {
  while (v >= 0x80) {
    *out++ = static_cast<char>(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  *out++ = static_cast<char>(static_cast<std::uint8_t>(v));
  return out;
}

const char* get_varint(const char* in, std::uint64_t& v) {
  v = 0;
  unsigned shift = 0;
  for (;;) {
    const auto byte = static_cast<std::uint8_t>(*in++);
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return in;
    shift += 7;
  }
}

}  // namespace

char* TextArena::reserve(std::size_t bytes, Position& position) {
  if (chunks_.empty() || chunks_.back().capacity - chunks_.back().used < bytes) {
    Chunk chunk;
    chunk.capacity = bytes > kChunkBytes ? bytes : kChunkBytes;
    chunk.bytes = std::make_unique_for_overwrite<char[]>(chunk.capacity);
    reserved_ += chunk.capacity;
    chunks_.push_back(std::move(chunk));
    KSIM_SIM_ASSERT(chunks_.size() <= 0xffffffffu, "TextArena: more than 2^32 chunks");
  }
  Chunk& chunk = chunks_.back();
  position = (static_cast<Position>(chunks_.size() - 1) << 32) | chunk.used;
  char* out = chunk.bytes.get() + chunk.used;
  chunk.used += bytes;
  used_ += bytes;
  return out;
}

TextArena::Position TextArena::add(const std::string_view* key, std::string_view value) {
  // Layout: varint(key length + 1, or 0 for a null key), key, varint(value length), value.
  const std::uint64_t key_tag = key == nullptr ? 0 : key->size() + 1;
  const std::size_t key_size = key == nullptr ? 0 : key->size();
  const std::size_t bytes =
      varint_size(key_tag) + key_size + varint_size(value.size()) + value.size();
  KSIM_SIM_ASSERT(bytes < (std::uint64_t{1} << 32), "TextArena: a key and value over 4 GiB");
  Position position = 0;
  char* out = reserve(bytes, position);
  out = put_varint(out, key_tag);
  if (key_size > 0) std::memcpy(out, key->data(), key_size);
  out += key_size;
  out = put_varint(out, value.size());
  if (!value.empty()) std::memcpy(out, value.data(), value.size());
  return position;
}

TextArena::Entry TextArena::get(Position position) const {
  const std::size_t chunk_index = static_cast<std::size_t>(position >> 32);
  const std::size_t offset = static_cast<std::size_t>(position & 0xffffffffu);
  KSIM_SIM_ASSERT(chunk_index < chunks_.size() && offset < chunks_[chunk_index].used,
                  "TextArena: no text at that position");
  const char* in = chunks_[chunk_index].bytes.get() + offset;
  Entry entry;
  std::uint64_t key_tag = 0;
  in = get_varint(in, key_tag);
  if (key_tag > 0) {
    entry.has_key = true;
    entry.key = std::string_view(in, static_cast<std::size_t>(key_tag - 1));
    in += key_tag - 1;
  }
  std::uint64_t value_size = 0;
  in = get_varint(in, value_size);
  entry.value = std::string_view(in, static_cast<std::size_t>(value_size));
  return entry;
}

}  // namespace ksim::sim::audit
