// Stage 1 of a tick: apply the events dated at this tick (each action is a
// registered ActionType's parsed Action; engine/model/actions/).
#include "geosim/model/action.hpp"
#include "model/detail/tick.hpp"

namespace geosim::detail {

void apply_events(Tick& k) {
  const auto& events = k.scenario.events;
  bool citizens_changed = false;
  for (; k.next_event < events.size() && events[k.next_event].tick <= k.state.tick; ++k.next_event)
    for (const EventAction& a : events[k.next_event].actions) {
      a.action->apply(k.scenario, k.state);
      citizens_changed = a.action->apply_to_citizens(k.scenario, k.population) || citizens_changed;
    }
  // Stocks changed by events show in influence from this tick's update on.
  // Attitudes changed by events (shocks): the means and shares are taken
  // again, so this tick's update sees the shock in its peer term (xbar,
  // model.md section 7). A sequential pass: the same bits at any thread count.
  if (citizens_changed) {
    k.population.tally(static_cast<float>(k.scenario.negative_threshold), k.tallies);
    reduce_tallies(k);
  }
}

}  // namespace geosim::detail
