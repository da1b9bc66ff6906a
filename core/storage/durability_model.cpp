#include "core/storage/durability_model.h"

#include <stdexcept>

#include "core/storage/errors.h"

namespace ksim::storage {

void check_room(const DiskVolume& volume, std::uint64_t bytes, const std::string& path) {
  if (volume.capacity_bytes && (volume.used_bytes > *volume.capacity_bytes ||
                                bytes > *volume.capacity_bytes - volume.used_bytes)) {
    throw IoError(IoError::Kind::no_space, "No space left on device: " + path);
  }
}

void validate_torn_write(const TornWrite& torn, std::uint64_t unsynced_bytes,
                         const std::string& path) {
  if (torn.bytes_kept > unsynced_bytes) {
    throw std::invalid_argument("Torn write of " + path + " keeps " +
                                std::to_string(torn.bytes_kept) + " bytes but only " +
                                std::to_string(unsynced_bytes) + " are unsynced");
  }
  for (const GarbageBytes& garbage : torn.garbage) {
    if (garbage.offset_in_tail > torn.bytes_kept ||
        garbage.bytes.size() > torn.bytes_kept - garbage.offset_in_tail) {
      throw std::invalid_argument(
          "Garbage at unsynced offset " + std::to_string(garbage.offset_in_tail) + " (" +
          std::to_string(garbage.bytes.size()) + " bytes) lies outside the " +
          std::to_string(torn.bytes_kept) + " bytes kept of " + path);
    }
  }
}

}  // namespace ksim::storage
