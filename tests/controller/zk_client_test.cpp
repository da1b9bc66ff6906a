// ZkClient against a ZooKeeperServer through a loopback transport in the test: the handshake,
// answers in request order, watch events before the answer that fired them, reconnects that
// resume the session and send unanswered requests again, expiry learned from the server, pings,
// the read timeout and the connection timeout.
#include "core/controller/zk_client.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/controller/zk_path.h"
#include "core/controller/zk_request_processor.h"

using namespace ksim::controller::zk;

namespace {

std::string describe(const ZkTransportAction& action) {
  switch (action.kind) {
    case ZkTransportAction::Kind::open_connection: return "open";
    case ZkTransportAction::Kind::close_connection: return "close";
    case ZkTransportAction::Kind::send: break;
  }
  if (const auto* connect = std::get_if<ConnectRequest>(&action.message)) {
    return "connect session=" + java_hex(connect->session_id) +
           " timeout=" + std::to_string(connect->timeout_ms) +
           " zxid=" + java_hex(connect->last_zxid_seen);
  }
  const auto& request = std::get<Request>(action.message);
  static const char* const names[] = {"create",      "delete", "setData", "getData",     "exists",
                                      "getChildren", "multi",  "ping",    "closeSession"};
  return "send xid=" + std::to_string(request.xid) + " " + names[request.body.index()];
}

// One connection at a time between the client and the server, performed synchronously. The
// switches make the network misbehave: `reachable` false loses connects and requests, `answers`
// false loses what the server sends back (it still applies the requests).
struct Loopback {
  ZooKeeperServer server{ZooKeeperConfig{}, 0};
  ZkClient client{ZkClientConfig{}};
  std::int64_t now = 0;
  bool reachable = true;
  bool answers = true;
  bool transport = false;
  SessionId bound = 0;                 // the session the server bound to the current connection
  std::vector<std::string> log;        // states, watch events and answers, as the client saw them
  std::vector<std::string> performed;  // transport actions

  Loopback() {
    client.set_state_handler([this](SessionState state) {
      log.push_back("state " + std::string(session_state_name(state)));
    });
    client.set_watch_handler([this](const WatchedEvent& event) {
      log.push_back("watch " + std::string(event_type_name(event.type)) + " " + event.path);
    });
  }

  void run() {
    for (;;) {
      std::vector<ZkTransportAction> actions = client.take_actions();
      if (actions.empty()) return;
      for (const ZkTransportAction& action : actions) {
        performed.push_back(describe(action));
        perform(action);
      }
    }
  }

  void perform(const ZkTransportAction& action) {
    switch (action.kind) {
      case ZkTransportAction::Kind::open_connection:
        transport = true;
        bound = 0;
        if (reachable) client.on_transport_connected(now);
        return;
      case ZkTransportAction::Kind::close_connection:
        transport = false;
        bound = 0;
        return;
      case ZkTransportAction::Kind::send: break;
    }
    if (!transport || !reachable) return;  // lost on the way
    if (const auto* connect = std::get_if<ConnectRequest>(&action.message)) {
      const ConnectResponse response = process_connect(server, *connect, now);
      bound = response.expired() ? 0 : response.session_id;
      if (answers) client.on_connect_response(response, now);
      return;
    }
    const Response response =
        process_request(server, bound, std::get<Request>(action.message), now);
    deliver_events();
    if (answers) client.on_response(response, now);
  }

  void deliver_events() {
    for (const WatchedEvent& event : server.take_watch_events()) {
      if (event.session_id == bound && transport && answers)
        client.on_watch_notification({event}, now);
    }
  }

  // The connection broke under the client (a reset).
  void lose_transport() {
    transport = false;
    bound = 0;
    client.on_transport_lost(now);
    run();
  }

  // Runs the client's timers (and the server's expiry) up to `until`.
  void advance_to(std::int64_t until) {
    for (;;) {
      const std::optional<std::int64_t> deadline = client.next_deadline_ms();
      if (!deadline || *deadline > until) break;
      step(std::max(*deadline, now));
    }
    step(until);
  }
  void step(std::int64_t at) {
    now = at;
    server.expire_sessions(now);
    deliver_events();
    client.tick(now);
    run();
  }

  void start() {
    client.start_new_session(now);
    run();
  }
};

}  // namespace

TEST_CASE("the handshake creates a session with the negotiated timeout", "[zk][client]") {
  Loopback net;
  CHECK(net.client.state() == SessionState::not_started);
  net.start();
  CHECK(net.performed ==
        std::vector<std::string>{"open", "connect session=0x0 timeout=18000 zxid=0x0"});
  CHECK(net.client.state() == SessionState::connected);
  CHECK(net.client.session_id() == net.server.session_tracker().sessions().begin()->first);
  CHECK(net.client.session_id() == SessionTracker::initialize_next_session_id(1, 0));
  CHECK(net.client.negotiated_timeout_ms() == 18000);
  CHECK(net.log == std::vector<std::string>{"state connecting", "state connected"});
}

TEST_CASE("the timeout asked for is clamped by the server", "[zk][client]") {
  Loopback net;
  net.client = ZkClient(ZkClientConfig{60000, 18000});
  net.start();
  CHECK(net.client.negotiated_timeout_ms() == 40000);
}

TEST_CASE("requests queued before the handshake go out in xid order and answer in order",
          "[zk][client]") {
  Loopback net;
  net.client.create("/a", std::string("x"), CreateMode::PERSISTENT, [&](const CreateResult& r) {
    net.log.push_back("create " + std::string(code_name(r.code)) + " " + r.path);
  });
  net.client.create("/a", std::string("y"), CreateMode::PERSISTENT, [&](const CreateResult& r) {
    net.log.push_back("create " + std::string(code_name(r.code)) + " " + r.path);
  });
  net.client.get_data("/a", false, [&](const GetDataResult& r) {
    net.log.push_back("getData " + std::string(code_name(r.code)) + " " + r.data.value_or("null") +
                      " version=" + std::to_string(r.stat.version));
  });
  CHECK(net.client.pending_requests() == 3);
  net.start();
  CHECK(net.performed ==
        std::vector<std::string>{"open", "connect session=0x0 timeout=18000 zxid=0x0",
                                 "send xid=1 create", "send xid=2 create", "send xid=3 getData"});
  CHECK(net.log == std::vector<std::string>{"state connecting", "state connected", "create OK /a",
                                            "create NODEEXISTS ", "getData OK x version=0"});
  CHECK(net.client.pending_requests() == 0);
}

TEST_CASE("watch events come before the answer of the request that fired them", "[zk][client]") {
  Loopback net;
  net.start();
  net.client.create("/a", std::string("1"), CreateMode::PERSISTENT, {});
  net.client.get_data("/a", true, {});
  net.client.get_children("/", true, {});
  net.run();
  net.log.clear();
  net.client.set_data("/a", std::string("2"), 0, [&](const SetDataResult& r) {
    net.log.push_back("setData " + std::string(code_name(r.code)) +
                      " version=" + std::to_string(r.stat.version));
  });
  net.client.delete_node(
      "/a", 1, [&](Code code) { net.log.push_back("delete " + std::string(code_name(code))); });
  net.run();
  CHECK(net.log == std::vector<std::string>{"watch NodeDataChanged /a", "setData OK version=1",
                                            "watch NodeChildrenChanged /", "delete OK"});
}

TEST_CASE("another session's write reaches a watching client", "[zk][client]") {
  Loopback net;
  net.start();
  bool registered = false;
  net.client.exists("/brokers", true,
                    [&](const ExistsResult& r) { registered = !r.stat.has_value(); });
  net.run();
  CHECK(registered);
  const SessionId other = net.server.create_session(18000, 0).session_id;
  net.server.create(other, "/brokers", std::nullopt, CreateMode::PERSISTENT, 100);
  net.deliver_events();
  CHECK(net.log.back() == "watch NodeCreated /brokers");
}

TEST_CASE("a reconnect resumes the session and keeps its ephemerals", "[zk][client]") {
  Loopback net;
  net.start();
  const SessionId session = net.client.session_id();
  net.client.create("/brokers", std::nullopt, CreateMode::PERSISTENT, {});
  net.client.create("/brokers/1", std::nullopt, CreateMode::EPHEMERAL, {});
  net.run();
  const Zxid seen = net.server.last_zxid();
  net.performed.clear();
  net.log.clear();

  net.now = 1000;
  net.lose_transport();
  CHECK(net.client.state() == SessionState::connecting);
  CHECK(net.client.next_deadline_ms() == 1500);  // reconnect_backoff_ms
  CHECK(net.performed.empty());
  net.advance_to(1500);
  CHECK(net.performed ==
        std::vector<std::string>{"open", "connect session=" + java_hex(session) +
                                             " timeout=18000 zxid=" + java_hex(seen)});
  CHECK(net.client.state() == SessionState::connected);
  CHECK(net.client.session_id() == session);
  CHECK(net.log == std::vector<std::string>{"state connecting", "state connected"});
  CHECK(net.server.data_tree().node("/brokers/1") != nullptr);
  // The reconnect touched the session: it now expires a timeout after 1500.
  CHECK(net.server.session_tracker().session(session)->expiry_time_ms == 20000);
}

TEST_CASE("unanswered requests are sent again after a reconnect; a create may answer NODEEXISTS",
          "[zk][client]") {
  Loopback net;
  net.start();
  std::vector<std::string> answers;
  // The server applies the create but its answer is lost; the getData never arrives.
  net.answers = false;
  net.client.create("/a", std::string("x"), CreateMode::PERSISTENT, [&](const CreateResult& r) {
    answers.push_back("create " + std::string(code_name(r.code)));
  });
  net.run();
  net.reachable = false;
  net.client.get_data("/a", false, [&](const GetDataResult& r) {
    answers.push_back("getData " + std::string(code_name(r.code)) + " " + r.data.value_or("null"));
  });
  net.run();
  CHECK(net.client.pending_requests() == 2);
  CHECK(net.server.data_tree().node("/a") != nullptr);

  net.reachable = true;
  net.answers = true;
  net.now = 2000;
  net.lose_transport();
  net.performed.clear();
  net.advance_to(2500);
  CHECK(net.performed ==
        std::vector<std::string>{
            "open",
            "connect session=" + java_hex(net.client.session_id()) + " timeout=18000 zxid=0x0",
            "send xid=1 create", "send xid=2 getData"});
  CHECK(answers == std::vector<std::string>{"create NODEEXISTS", "getData OK x"});
  CHECK(net.client.pending_requests() == 0);
}

TEST_CASE("expiry is learned from the server on reconnect: pending requests answer SESSIONEXPIRED",
          "[zk][client]") {
  Loopback net;
  net.start();
  const SessionId session = net.client.session_id();
  net.client.create("/controller", std::string("1"), CreateMode::EPHEMERAL, {});
  net.run();

  // A cut: nothing gets through, the client keeps retrying, the server expires the session.
  net.reachable = false;
  net.now = 1000;
  net.lose_transport();
  std::vector<std::string> answers;
  net.client.create("/b", std::nullopt, CreateMode::PERSISTENT, [&](const CreateResult& r) {
    answers.push_back(std::string(code_name(r.code)));
  });
  net.client.delete_node("/controller", -1,
                         [&](Code code) { answers.push_back(std::string(code_name(code))); });
  net.advance_to(40000);
  CHECK(net.client.state() == SessionState::connecting);  // the client still believes
  CHECK(answers.empty());
  CHECK_FALSE(net.server.session_tracker().is_live(session));
  CHECK(net.server.data_tree().node("/controller") == nullptr);
  // The connection timeout retried the unanswered connect: close, then open again.
  CHECK(std::count(net.performed.begin(), net.performed.end(), "close") >= 2);

  net.reachable = true;
  net.log.clear();
  net.performed.clear();
  const std::optional<std::int64_t> retry = net.client.next_deadline_ms();
  REQUIRE(retry.has_value());
  net.advance_to(*retry);
  CHECK(net.performed ==
        std::vector<std::string>{"close", "open",
                                 "connect session=" + java_hex(session) + " timeout=18000 zxid=0x2",
                                 "close"});
  CHECK(answers == std::vector<std::string>{"SESSIONEXPIRED", "SESSIONEXPIRED"});
  CHECK(net.client.state() == SessionState::expired);
  CHECK(net.log == std::vector<std::string>{"state expired"});
  CHECK(net.client.next_deadline_ms() == std::nullopt);

  // Requests made now answer at once; a new session starts afresh.
  Code late = Code::OK;
  net.client.delete_node("/x", -1, [&](Code code) { late = code; });
  CHECK(late == Code::SESSIONEXPIRED);
  net.client.start_new_session(net.now);
  net.run();
  CHECK(net.client.state() == SessionState::connected);
  CHECK(net.client.session_id() == session + 1);
}

TEST_CASE("pings go out a third of the timeout after the last send and keep the session alive",
          "[zk][client]") {
  Loopback net;
  net.start();
  const SessionId session = net.client.session_id();
  CHECK(net.client.next_deadline_ms() == 6000);
  net.performed.clear();
  net.advance_to(6000);
  CHECK(net.performed == std::vector<std::string>{"send xid=-2 ping"});
  CHECK(net.server.session_tracker().session(session)->expiry_time_ms == 26000);
  net.advance_to(60000);
  // Pings every 6 s keep it alive long past the timeout.
  CHECK(net.server.session_tracker().is_live(session));
  CHECK(net.client.state() == SessionState::connected);
  CHECK(std::count(net.performed.begin(), net.performed.end(), "send xid=-2 ping") == 10);
}

TEST_CASE("the read timeout drops a silent connection after two thirds of the timeout",
          "[zk][client]") {
  Loopback net;
  net.start();
  net.answers = false;  // the server hears the client, the client hears nothing
  net.performed.clear();
  net.advance_to(11999);
  CHECK(net.performed == std::vector<std::string>{"send xid=-2 ping"});
  CHECK(net.client.state() == SessionState::connected);
  net.advance_to(12000);
  CHECK(net.performed == std::vector<std::string>{"send xid=-2 ping", "close"});
  CHECK(net.client.state() == SessionState::connecting);
  CHECK(net.client.next_deadline_ms() == 12500);
  net.answers = true;
  net.advance_to(12500);
  CHECK(net.client.state() == SessionState::connected);
}

TEST_CASE("a connect that gets no ConnectResponse is retried after the connection timeout",
          "[zk][client]") {
  Loopback net;
  net.reachable = false;
  net.start();
  CHECK(net.performed == std::vector<std::string>{"open"});
  CHECK(net.client.next_deadline_ms() == 18000);
  net.advance_to(18000);
  CHECK(net.performed == std::vector<std::string>{"open", "close", "open"});
  CHECK(net.client.next_deadline_ms() == 36000);
}

TEST_CASE("close_session closes it on the server; the state becomes closed", "[zk][client]") {
  Loopback net;
  net.start();
  net.client.create("/e", std::nullopt, CreateMode::EPHEMERAL, {});
  net.run();
  std::optional<Code> closed;
  net.client.close_session(net.now, [&](Code code) { closed = code; });
  Code refused = Code::OK;
  net.client.exists("/", false, [&](const ExistsResult& r) { refused = r.code; });
  CHECK(refused == Code::SESSIONEXPIRED);
  net.performed.clear();
  net.log.clear();
  net.run();
  CHECK(net.performed == std::vector<std::string>{"send xid=2 closeSession", "close"});
  CHECK(closed == Code::OK);
  CHECK(net.client.state() == SessionState::closed);
  CHECK(net.log == std::vector<std::string>{"state closed"});
  CHECK(net.server.data_tree().node("/e") == nullptr);
  CHECK(net.client.next_deadline_ms() == std::nullopt);
}

TEST_CASE("close_session while disconnected gives up at once", "[zk][client]") {
  Loopback net;
  net.start();
  net.reachable = false;
  net.lose_transport();
  std::optional<Code> closed;
  net.client.close_session(net.now, [&](Code code) { closed = code; });
  CHECK(closed == Code::CONNECTIONLOSS);
  CHECK(net.client.state() == SessionState::closed);
}

TEST_CASE("a bad path throws before anything is queued", "[zk][client]") {
  Loopback net;
  net.start();
  CHECK_THROWS_AS(net.client.create("a", std::nullopt, CreateMode::PERSISTENT, {}),
                  InvalidPathError);
  CHECK_THROWS_WITH(net.client.get_data("/a/", false, {}),
                    Catch::Contains("Path must not end with / character"));
  CHECK(net.client.pending_requests() == 0);
}

TEST_CASE("wire sizes grow with paths and data", "[zk][client]") {
  const std::size_t small = wire_size(Request{1, SetDataOp{"/a", std::string(10, 'x'), -1}});
  const std::size_t large = wire_size(Request{1, SetDataOp{"/a", std::string(1000, 'x'), -1}});
  CHECK(large - small == 990);
  CHECK(wire_size(Request{-2, PingOp{}}) == 12);
  CHECK(wire_size(Response{-2, 0, Code::OK}) == 20);
  CHECK(Response{1, 0, GetDataResult{Code::NONODE, {}, {}}}.code() == Code::NONODE);
  CHECK(Response{1, 0, Code::SESSIONEXPIRED}.code() == Code::SESSIONEXPIRED);
}
