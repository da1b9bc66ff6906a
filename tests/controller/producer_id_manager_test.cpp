// /latest_producer_id_block byte for byte, and producer ids handed out block by block as
// Kafka's ZkProducerIdManager claims them (the conditional write played by the test).
#include <catch2/catch.hpp>

#include <limits>

#include "core/controller/producer_id_manager.h"
#include "core/controller/zk_kafka_znodes.h"

using namespace ksim::controller;
using ksim::protocol::Error;
using ksim::protocol::InitProducerIdRequest;

TEST_CASE("the producer id block znode as Kafka writes it", "[producer-id]") {
  const ProducerIdsBlock block{2, 1000, 1000};
  const std::string json = encode_producer_id_block(block);
  CHECK(json == R"({"version":1,"broker":2,"block_start":"1000","block_end":"1999"})");
  CHECK(decode_producer_id_block(json) == block);
  CHECK(decode_producer_id_block(R"({"block_end":"999","broker":0,"block_start":"0"})") ==
        ProducerIdsBlock{0, 0, 1000});
  CHECK(block.last_producer_id() == 1999);
  CHECK(block.next_block_first_id() == 2000);
}

TEST_CASE("a producer id block that is not one is refused with the znode named", "[producer-id]") {
  CHECK_THROWS_AS(decode_producer_id_block("not json"), ZkDataError);
  CHECK_THROWS_AS(decode_producer_id_block(R"({"broker":0,"block_start":0,"block_end":"9"})"),
                  ZkDataError);  // numbers where Kafka writes strings
  CHECK_THROWS_AS(decode_producer_id_block(R"({"broker":0,"block_start":"x","block_end":"9"})"),
                  ZkDataError);
  CHECK_THROWS_AS(decode_producer_id_block(R"({"broker":0,"block_start":"10","block_end":"9"})"),
                  ZkDataError);
  try {
    decode_producer_id_block(R"({"broker":0,"block_start":"1"})");
    FAIL("no error");
  } catch (const ZkDataError& e) {
    CHECK_THAT(e.what(), Catch::Contains("/latest_producer_id_block"));
    CHECK_THAT(e.what(), Catch::Contains("block_end"));
  }
}

TEST_CASE("ids come from the claimed block; the next block follows the one in the znode",
          "[producer-id]") {
  ProducerIdManager broker1(1);
  ProducerIdManager broker2(2);
  CHECK(broker1.needs_block());
  CHECK_FALSE(broker1.allocate());
  CHECK_FALSE(handle_init_producer_id({}, broker1));  // waits for a block

  // The znode is created empty at startup: the first block is 0..999.
  std::string znode;
  const ProducerIdBlockRequest first = broker1.block_request(znode);
  CHECK(first.block == ProducerIdsBlock{1, 0, 1000});
  CHECK(first.json == R"({"version":1,"broker":1,"block_start":"0","block_end":"999"})");
  znode = first.json;
  broker1.on_block_claimed(first.block);
  CHECK_FALSE(broker1.needs_block());

  // Broker 2 claims the block after it.
  const ProducerIdBlockRequest second = broker2.block_request(znode);
  CHECK(second.json == R"({"version":1,"broker":2,"block_start":"1000","block_end":"1999"})");
  znode = second.json;
  broker2.on_block_claimed(second.block);

  const auto response = handle_init_producer_id({}, broker1);
  REQUIRE(response);
  CHECK(response->error_code == Error::NONE);
  CHECK(response->producer_id == 0);
  CHECK(response->producer_epoch == 0);
  // KIP-360 bumps are the producer's own business when it is not transactional: a request
  // naming its id and epoch still gets a new id with epoch 0.
  InitProducerIdRequest bump;
  bump.producer_id = 0;
  bump.producer_epoch = 4;
  const auto again = handle_init_producer_id(bump, broker1);
  REQUIRE(again);
  CHECK(again->producer_id == 1);
  CHECK(again->producer_epoch == 0);
  CHECK(handle_init_producer_id({}, broker2)->producer_id == 1000);

  for (std::int64_t id = 2; id < 1000; ++id) CHECK(broker1.allocate() == id);
  CHECK(broker1.needs_block());
  CHECK_FALSE(broker1.allocate());
  // Broker 1's next block comes after broker 2's.
  const ProducerIdBlockRequest third = broker1.block_request(znode);
  CHECK(third.block == ProducerIdsBlock{1, 2000, 1000});
  broker1.on_block_claimed(third.block);
  CHECK(broker1.allocate() == 2000);
  CHECK(broker1.next_producer_id() == 2001);
}

TEST_CASE("no block fits after one ending near INT64_MAX", "[producer-id]") {
  ProducerIdManager broker(0);
  const std::int64_t last = std::numeric_limits<std::int64_t>::max() - 999;
  const std::string znode = encode_producer_id_block({3, last - 999, 1000});
  CHECK_THROWS_AS(broker.block_request(znode), ProducerIdsExhaustedError);
  const std::string fits = encode_producer_id_block({3, last - 1000, 1000});
  CHECK(broker.block_request(fits).block.last_producer_id() ==
        std::numeric_limits<std::int64_t>::max());
}
