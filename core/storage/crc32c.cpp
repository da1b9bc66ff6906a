// CRC-32C (Castagnoli): the SSE4.2 crc32 instruction, 8 bytes at a time, when the CPU has it;
// otherwise slicing-by-8 over tables built at compile time. See crc32c.h.
#include "core/storage/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#define KSIM_CRC32C_HAVE_X86 1
#endif

namespace ksim::storage {
namespace {

constexpr std::uint32_t kReflectedPolynomial = 0x82F63B78u;

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

// tables[0][b]: the CRC of the single byte b. tables[k][b]: the CRC of b followed by k zero bytes,
// so eight table lookups advance the CRC over eight bytes at once.
constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc >> 1) ^ ((crc & 1u) ? kReflectedPolynomial : 0u);
    }
    t[0][b] = crc;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::size_t b = 0; b < 256; ++b) {
      const std::uint32_t prev = t[k - 1][b];
      t[k][b] = (prev >> 8) ^ t[0][prev & 0xFFu];
    }
  }
  return t;
}

constexpr Tables kTables = make_tables();

inline std::uint32_t load_le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}

#if KSIM_CRC32C_HAVE_X86
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::uint32_t crc,
                                                             const std::uint8_t* p, std::size_t n) {
  std::uint64_t state = ~crc;
  while (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);  // x86 is little-endian: the byte order the reflected CRC wants
    state = _mm_crc32_u64(state, word);
    p += 8;
    n -= 8;
  }
  auto state32 = static_cast<std::uint32_t>(state);
  if (n >= 4) {
    std::uint32_t word;
    std::memcpy(&word, p, 4);
    state32 = _mm_crc32_u32(state32, word);
    p += 4;
    n -= 4;
  }
  while (n > 0) {
    state32 = _mm_crc32_u8(state32, *p);
    ++p;
    --n;
  }
  return ~state32;
}

bool cpu_has_sse42() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") != 0;
  }();
  return has;
}
#endif

}  // namespace

namespace detail {

std::uint32_t crc32c_portable(std::uint32_t crc, ByteView data) {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  std::uint32_t state = ~crc;
  while (n >= 8) {
    const std::uint32_t lo = load_le32(p) ^ state;
    const std::uint32_t hi = load_le32(p + 4);
    state = kTables[7][lo & 0xFFu] ^ kTables[6][(lo >> 8) & 0xFFu] ^
            kTables[5][(lo >> 16) & 0xFFu] ^ kTables[4][lo >> 24] ^ kTables[3][hi & 0xFFu] ^
            kTables[2][(hi >> 8) & 0xFFu] ^ kTables[1][(hi >> 16) & 0xFFu] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    state = kTables[0][(state ^ *p) & 0xFFu] ^ (state >> 8);
    ++p;
    --n;
  }
  return ~state;
}

bool crc32c_hardware_available() {
#if KSIM_CRC32C_HAVE_X86
  return cpu_has_sse42();
#else
  return false;
#endif
}

std::uint32_t crc32c_hardware(std::uint32_t crc, ByteView data) {
#if KSIM_CRC32C_HAVE_X86
  return crc32c_sse42(crc, data.data(), data.size());
#else
  return crc32c_portable(crc, data);
#endif
}

}  // namespace detail

std::uint32_t crc32c_extend(std::uint32_t crc, ByteView data) {
#if KSIM_CRC32C_HAVE_X86
  if (cpu_has_sse42()) {
    return crc32c_sse42(crc, data.data(), data.size());
  }
#endif
  return detail::crc32c_portable(crc, data);
}

}  // namespace ksim::storage
