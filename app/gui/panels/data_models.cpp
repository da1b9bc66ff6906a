// The data panels' shared per-frame step: their models (app/gui/model) follow one run, so a
// rewind (a new run generation) makes new ones; each is then updated once per frame.
#include "app/gui/panels/panels.h"

namespace ksim::gui {

void update_data_models(GuiState& state) {
  DataPanelsView& data = state.data;
  GuiSession& session = *state.session;
  if (data.generation != session.run_generation() || !data.events) {
    data.generation = session.run_generation();
    data.partition.reset();
    data.truncation_frames = 0;
    data.events = std::make_unique<model::EventLogModel>();
    data.metrics = std::make_unique<model::MetricsModel>();
    data.audit = std::make_unique<model::AuditModel>();
    // The tree's expansion and selection are the user's, not the run's: kept across rewinds.
    if (!data.zookeeper) data.zookeeper = std::make_unique<model::ZooKeeperTreeModel>();
  }
  // The event log and the metrics follow the run whether shown or not (the log is incremental,
  // the metrics sample once a simulated second and would miss history); the audit's rescans and
  // the strips only while their panel is shown.
  const auto shown = [&](std::size_t index) {
    return state.only_panel.empty() ? data.open[index] : state.only_panel == panel_names[5 + index];
  };
  sim::cluster::KafkaCluster& cluster = session.runner().cluster();
  data.events->update(cluster, &session.runner().transcript());
  data.metrics->update(cluster);
  if (shown(4)) data.audit->update(cluster);
  if (data.partition && shown(0)) {
    data.partition->update(cluster);
    if (!data.partition->truncations().empty()) {
      data.last_truncation = data.partition->truncations().back();
      data.truncation_frames = 45;
    } else if (data.truncation_frames > 0) {
      --data.truncation_frames;
    }
  }
}

}  // namespace ksim::gui
