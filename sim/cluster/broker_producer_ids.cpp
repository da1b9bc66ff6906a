// KafkaBroker's InitProducerId: producer ids for idempotent producers, from blocks of 1000 the
// broker claims in /latest_producer_id_block (Kafka's ZkProducerIdManager). A block is claimed
// by a read and a conditional write; losing the race to another broker means reading again.
// ksim claims a broker's first block on the first InitProducerId it gets (Kafka claims it when
// the transaction coordinator starts), so clusters without idempotent producers never touch it.
#include <fmt/format.h>

#include "core/controller/producer_id_manager.h"
#include "core/controller/zk_kafka_paths.h"
#include "sim/cluster/broker_process.h"

namespace ksim::sim::cluster {

namespace zk = controller::zk;

void KafkaBroker::handle_init_producer_id(ConnectionId connection, std::int32_t correlation,
                                          const protocol::InitProducerIdRequest& request) {
  if (auto answer = controller::handle_init_producer_id(request, *producer_ids_)) {
    respond(connection, correlation, std::move(*answer));
    return;
  }
  awaiting_producer_ids_.push_back({connection, correlation, request});
  claim_producer_id_block();
}

void KafkaBroker::claim_producer_id_block() {
  if (claiming_producer_ids_) return;
  claiming_producer_ids_ = true;
  const std::string path(controller::ZkPaths::latest_producer_id_block);
  zk_->client().get_data(path, false, [this, path](const zk::GetDataResult& read) {
    if (read.code != zk::Code::OK) {
      answer_producer_id_requests(fmt::format("reading {} failed: {}", path, zk::code_name(read.code)));
      return;
    }
    controller::ProducerIdBlockRequest claim;
    try {
      claim = producer_ids_->block_request(read.data.value_or(""));
    } catch (const std::exception& error) {
      answer_producer_id_requests(error.what());
      return;
    }
    zk_->client().set_data(
        path, claim.json, read.stat.version,
        [this, block = claim.block](const zk::SetDataResult& written) {
          if (written.code == zk::Code::BADVERSION) {
            claiming_producer_ids_ = false;  // another broker claimed one meanwhile: again
            claim_producer_id_block();
            return;
          }
          if (written.code != zk::Code::OK) {
            answer_producer_id_requests(fmt::format("claiming a producer id block failed: {}",
                                                    zk::code_name(written.code)));
            return;
          }
          producer_ids_->on_block_claimed(block);
          record(fmt::format("claimed producer ids {}..{}", block.first_producer_id,
                             block.last_producer_id()));
          answer_producer_id_requests({});
        });
  });
}

void KafkaBroker::answer_producer_id_requests(const std::string& failure) {
  claiming_producer_ids_ = false;
  if (!failure.empty()) record("producer ids: " + failure);
  std::vector<AwaitingProducerId> waiting = std::exchange(awaiting_producer_ids_, {});
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    AwaitingProducerId& request = waiting[i];
    std::optional<protocol::InitProducerIdResponse> answer;
    if (failure.empty()) answer = controller::handle_init_producer_id(request.request, *producer_ids_);
    if (!answer && failure.empty()) {
      // The block ran out: the rest wait for the next one.
      awaiting_producer_ids_.insert(awaiting_producer_ids_.end(), waiting.begin() + static_cast<std::ptrdiff_t>(i), waiting.end());
      claim_producer_id_block();
      break;
    }
    if (!answer) {
      answer.emplace();
      answer->error_code = protocol::Error::COORDINATOR_NOT_AVAILABLE;  // retriable: try again
    }
    respond(request.connection, request.correlation_id, std::move(*answer));
  }
  pump();
}

}  // namespace ksim::sim::cluster
