// ReplicaObserver: told synchronously of what changes a replica's content, for whoever keeps an
// account of records (the simulation's audit). Nothing in replication depends on it; a broker
// without an observer pays nothing.
#pragma once

#include "core/storage/bytes.h"
#include "core/storage/log.h"

namespace ksim::replication {

class Partition;

class ReplicaObserver {
 public:
  virtual ~ReplicaObserver() = default;
  // Batches appended to the partition's log, as written (offsets and epochs assigned): by the
  // leader from a produce request, or by a follower from a fetch.
  virtual void records_appended(const Partition& partition, bool as_leader,
                                storage::ByteView batches, const storage::LogAppendInfo& info) = 0;
  // The leader's high watermark moved up.
  virtual void high_watermark_advanced(const Partition& partition) = 0;
};

}  // namespace ksim::replication
