// Stage 1 of a tick: apply the events dated at this tick (each action is a
// registered ActionType's parsed Action; engine/model/actions/).
#include "geosim/model/action.hpp"
#include "model/detail/tick.hpp"

namespace geosim::detail {

void apply_events(Tick& k) {
  const auto& events = k.scenario.events;
  for (; k.next_event < events.size() && events[k.next_event].tick <= k.state.tick; ++k.next_event)
    for (const EventAction& a : events[k.next_event].actions) a.action->apply(k.scenario, k.state);
  // Stocks changed by events show in influence from this tick's update on.
}

}  // namespace geosim::detail
