// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as Kafka's batch CRC. Uses the SSE4.2
// crc32 instruction when the CPU has it, a slicing-by-8 table otherwise; both give equal results.
#pragma once

#include <cstdint>

#include "core/storage/bytes.h"

namespace ksim::storage {

// crc32c(data) == crc32c_extend(0, data); extend lets a CRC be computed over pieces.
std::uint32_t crc32c_extend(std::uint32_t crc, ByteView data);
inline std::uint32_t crc32c(ByteView data) { return crc32c_extend(0, data); }

// The two implementations behind crc32c_extend, exposed so tests can check they agree.
namespace detail {
std::uint32_t crc32c_portable(std::uint32_t crc, ByteView data);  // slicing-by-8 tables
bool crc32c_hardware_available();                                 // x86 with SSE4.2
std::uint32_t crc32c_hardware(std::uint32_t crc, ByteView data);  // only if available
}  // namespace detail

}  // namespace ksim::storage
