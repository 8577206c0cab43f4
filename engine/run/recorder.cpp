#include "geosim/run/recorder.hpp"

namespace geosim {

void Recorder::on_start(const World& world) {
  const Scenario& sc = world.scenario();
  record_ = RunRecord{};
  record_.powers = sc.num_powers();
  record_.targets = sc.num_targets();
  record_.groups = sc.num_groups();
  record_.institutions = static_cast<int>(sc.institutions.size());
  // Reserve every row up front: recording allocates nothing per tick.
  const std::size_t rows = static_cast<std::size_t>(sc.ticks) + 1;
  const std::size_t P = record_.powers, T = record_.targets, G = record_.groups;
  record_.budget.reserve(rows * P * kChannels);
  for (auto* v : {&record_.allocation, &record_.stock, &record_.influence}) v->reserve(rows * kChannels * P * T);
  for (auto* v : {&record_.autonomy_stock, &record_.autonomy_share}) v->reserve(rows * kChannels * T);
  for (auto* v : {&record_.alignment, &record_.attitude_mean, &record_.negative_share, &record_.positive_share})
    v->reserve(rows * P * T);
  record_.alignment_self.reserve(rows * T);
  for (auto* v : {&record_.group_attitude_mean, &record_.group_negative_share, &record_.group_positive_share})
    v->reserve(rows * G * P * T);
  record_.campaigns_new.reserve(rows * P * T);
  record_.campaigns_active.reserve(rows * P * T);
  record_.membership.reserve(rows * record_.institutions * T);
  append(world.state());
}

void Recorder::on_step(const World& world) { append(world.state()); }

namespace {
// Appends a (rows x cols) Eigen array row-major: [row][col].
template <typename Array, typename Out>
void append_rows(const Array& a, std::vector<Out>& out) {
  for (Eigen::Index r = 0; r < a.rows(); ++r)
    for (Eigen::Index c = 0; c < a.cols(); ++c) out.push_back(static_cast<Out>(a(r, c)));
}
}  // namespace

void Recorder::append(const WorldState& s) {
  ++record_.rows;
  append_rows(s.budget, record_.budget);
  for (int c = 0; c < kChannels; ++c) {
    append_rows(s.allocation[c], record_.allocation);
    append_rows(s.stock[c], record_.stock);
    append_rows(s.influence[c], record_.influence);
  }
  append_rows(s.autonomy, record_.autonomy_stock);
  append_rows(s.autonomy_share, record_.autonomy_share);
  append_rows(s.alignment.topRows(record_.powers), record_.alignment);
  append_rows(s.alignment.bottomRows(1), record_.alignment_self);
  append_rows(s.attitude_mean, record_.attitude_mean);
  append_rows(s.negative_share, record_.negative_share);
  append_rows(s.positive_share, record_.positive_share);
  for (int g = 0; g < record_.groups; ++g) {
    append_rows(s.group_mean[g], record_.group_attitude_mean);
    append_rows(s.group_negative[g], record_.group_negative_share);
    append_rows(s.group_positive[g], record_.group_positive_share);
  }
  append_rows(s.campaigns_new, record_.campaigns_new);
  append_rows(s.campaigns_active, record_.campaigns_active);
  for (const auto& members : s.member)
    for (char m : members) record_.membership.push_back(static_cast<std::int8_t>(m));
}

}  // namespace geosim
