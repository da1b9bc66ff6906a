#include "sim/world.h"

#include <algorithm>

#include "sim/kernel/assert.h"
#include "sim/process/process_context.h"

namespace ksim::sim {

namespace {

// "broker 1" -> "broker-1": a node's directory name under --data-dir.
std::string directory_name(std::string name) {
  std::replace(name.begin(), name.end(), ' ', '-');
  return name;
}

}  // namespace

// One node's view of the world, handed to each incarnation of its process.
class World::NodeContext final : public ProcessContext {
 public:
  NodeContext(World& world, NodeId node) : world_(world), node_(node) {}

  void attach(Host& host, SimDisk& disk) {
    host_ = &host;
    disk_ = &disk;
  }
  // The process is gone: its handlers go with it.
  void clear_handlers() { handlers_ = {}; }

  NodeId node() const override { return node_; }
  SimTime now() const override { return world_.sim_.now(); }
  EventHandle set_timer(SimDuration delay, std::string_view kind,
                        EventCallback&& callback) override {
    return host_->run_on_process_after(delay, world_.sim_.event_kind(kind), std::move(callback));
  }
  void cancel_timer(EventHandle timer) override { world_.sim_.cancel(timer); }
  storage::FileSystem& file_system() override { return disk_->file_system(); }
  SimTime complete_disk_io() override { return disk_->complete_pending_io(world_.sim_.now()); }

  void set_network_handlers(NodeHandlers handlers) override {
    handlers_ = std::move(handlers);
    // The network calls these inside its own events; they reach the process through the host,
    // so a paused process gets them at resume and a dead one never.
    NodeHandlers routed;
    routed.on_message = [this](Delivery& delivery) {
      host_->dispatch([this, delivery = std::move(delivery)]() mutable {
        if (handlers_.on_message) handlers_.on_message(delivery);
      });
    };
    routed.on_connected = [this](ConnectionId end, NodeId peer) {
      host_->dispatch([this, end, peer] {
        if (handlers_.on_connected) handlers_.on_connected(end, peer);
      });
    };
    routed.on_accepted = [this](ConnectionId end, NodeId peer) {
      host_->dispatch([this, end, peer] {
        if (handlers_.on_accepted) handlers_.on_accepted(end, peer);
      });
    };
    routed.on_disconnect = [this](ConnectionId end, NodeId peer, DisconnectReason reason) {
      host_->dispatch([this, end, peer, reason] {
        if (handlers_.on_disconnect) handlers_.on_disconnect(end, peer, reason);
      });
    };
    world_.network_.set_handlers(node_, std::move(routed));
  }
  NodeId resolve(std::string_view node_name) const override {
    return world_.network_.resolve(node_name);
  }
  std::string node_name(NodeId node) const override { return world_.network_.node(node).name; }
  ConnectionId connect(NodeId to) override { return world_.network_.connect(node_, to); }
  void send(ConnectionId end, Message message) override {
    world_.network_.send(end, std::move(message));
  }
  void close(ConnectionId end) override { world_.network_.close(end); }
  void exit() override { host_->exit_after_shutdown(); }

  Prng& prng(std::string_view purpose) override {
    std::string name = world_.network_.node(node_).name;
    name += '/';
    name += purpose;
    return world_.sim_.prng(name);
  }

 private:
  World& world_;
  NodeId node_;
  Host* host_ = nullptr;
  SimDisk* disk_ = nullptr;
  NodeHandlers handlers_;
};

struct World::Node {
  std::unique_ptr<SimDisk> disk;
  std::unique_ptr<NodeContext> context;
  std::unique_ptr<Host> host;
};

World::World(WorldOptions options)
    : options_(std::move(options)), sim_(options_.simulation), network_(sim_, options_.network) {
  if (options_.data_dir) sim_.header().set("world.data_dir", *options_.data_dir);
}

World::~World() = default;

NodeId World::add_broker(std::int32_t broker_id, ProcessFactory factory) {
  return add(network_.add_broker(broker_id), std::move(factory));
}

NodeId World::add_metadata(ProcessFactory factory, std::string name) {
  return add(network_.add_metadata(std::move(name)), std::move(factory));
}

NodeId World::add_client(std::string name, ProcessFactory factory) {
  return add(network_.add_client(std::move(name)), std::move(factory));
}

NodeId World::add(NodeId id, ProcessFactory factory) {
  const std::string& name = network_.node(id).name;
  auto node = std::make_unique<Node>();
  std::optional<std::string> directory;
  if (options_.data_dir) directory = *options_.data_dir + "/" + directory_name(name);
  node->disk = std::make_unique<SimDisk>(sim_, directory_name(name), options_.disk, directory);
  node->context = std::make_unique<NodeContext>(*this, id);
  HostObserver& observer = *this;
  node->host = std::make_unique<Host>(sim_, id, name, std::move(factory), observer, *node->context);
  node->context->attach(*node->host, *node->disk);
  nodes_.emplace(id, std::move(node));
  order_.push_back(id);
  return id;
}

Host& World::host(NodeId node) {
  auto it = nodes_.find(node);
  KSIM_SIM_ASSERT(it != nodes_.end(), "no such node in the world");
  return *it->second->host;
}

SimDisk& World::disk(NodeId node) {
  auto it = nodes_.find(node);
  KSIM_SIM_ASSERT(it != nodes_.end(), "no such node in the world");
  return *it->second->disk;
}

std::vector<NodeId> World::nodes() const { return order_; }

void World::start_all() {
  for (NodeId id : order_) {
    Host& h = host(id);
    if (h.state() == ProcessState::not_started) h.start();
  }
}

void World::process_stopped(NodeId node, Stop how) {
  Node& n = *nodes_.at(node);
  n.context->clear_handlers();
  switch (how) {
    case Stop::controlled:
    case Stop::killed:
      // The kernel closes the dead process's sockets (peers see a reset); the page cache stays.
      network_.set_process_up(node, false);
      n.disk->crash_process();
      break;
    case Stop::powered_off:
      network_.set_host_up(node, false);
      n.disk->power_loss();
      break;
  }
}

void World::process_starting(NodeId node) {
  if (!network_.host_up(node)) network_.set_host_up(node, true);
  if (!network_.process_up(node)) network_.set_process_up(node, true);
}

void World::process_paused(NodeId, bool) {
  // A stopped process's kernel still acknowledges packets: connections stay up, messages queue
  // in the host until the resume. Nothing changes in the network.
}

}  // namespace ksim::sim
