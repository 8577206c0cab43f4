#pragma once
// Internal to the engine: the built-in sweep designs (one file each in this
// folder) and what they share. Adding a built-in design: a file here
// defining sweep_designs::make_NAME(), and NAME in the list below.
#include <memory>

#include "geosim/config/schema.hpp"
#include "geosim/sweep/design.hpp"

/// The built-in designs, in the order design_names() lists them.
#define GEOSIM_BUILTIN_SWEEP_DESIGNS(X) X(grid) X(random) X(lhs) X(sobol) X(saltelli) X(morris) X(table)

namespace geosim::sweep_designs {

#define GEOSIM_SWEEP_DESIGN_FACTORY(name) std::unique_ptr<SweepDesign> make_##name();
GEOSIM_BUILTIN_SWEEP_DESIGNS(GEOSIM_SWEEP_DESIGN_FACTORY)
#undef GEOSIM_SWEEP_DESIGN_FACTORY

/// `samples`: the number of points of a sampling design (random, lhs, sobol).
config::KeySpec samples_key();
/// Bytes of a sampling design's points (a UnitPoints of samples x parameters)
/// plus `per_sample` bytes of scratch per point, saturating.
std::int64_t sampled_points_bytes(const SweepSpec& spec, std::int64_t per_sample);
/// TypeError unless the sweep varies at least one parameter (sampling designs).
void require_parameters(const DesignContext& context, const std::string& design);

}  // namespace geosim::sweep_designs

namespace geosim::sweep_detail {
/// The sweep-file keys that belong to no design (spec.cpp).
config::Schema sweep_file_schema_without_designs();
}  // namespace geosim::sweep_detail
