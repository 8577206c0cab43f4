# Documentation that is generated from, or must agree with, the program.
# docs/scenario-format.md's key tables equal the scenario schema (`geosim schema`).
add_test(NAME docs.scenario_tables_match_schema
  COMMAND ${GEOSIM_PYTHON} ${PROJECT_SOURCE_DIR}/tools/scenario_tables.py $<TARGET_FILE:geosim>
          ${PROJECT_SOURCE_DIR}/docs/scenario-format.md --check)
set_tests_properties(docs.scenario_tables_match_schema PROPERTIES LABELS docs)
# The derived rows of the observations table (ratios of its primary rows) are up to date.
add_test(NAME docs.derived_observations_up_to_date
  COMMAND ${GEOSIM_PYTHON} ${PROJECT_SOURCE_DIR}/tools/derive_observations.py
          ${PROJECT_SOURCE_DIR}/scenarios/data/observations.csv --check)
set_tests_properties(docs.derived_observations_up_to_date PROPERTIES LABELS docs)
# The baseline's calibrated values are the medians of its shipped posterior sample.
add_test(NAME docs.baseline_is_posterior_median
  COMMAND ${GEOSIM_PYTHON} ${PROJECT_SOURCE_DIR}/tests/python/check_calibrated_baseline.py
          ${PROJECT_SOURCE_DIR}/scenarios/central_asia_2013.yaml
          ${PROJECT_SOURCE_DIR}/scenarios/calibration/baseline.yaml
          ${PROJECT_SOURCE_DIR}/scenarios/calibration/baseline_posterior.csv)
set_tests_properties(docs.baseline_is_posterior_median PROPERTIES LABELS docs)
# docs/schema/*.schema.json, the JSON Schemas editors read, equal what the
# program generates from the loaders' schemas (`geosim schema [--sweep] --json-schema`).
add_test(NAME docs.json_schemas_match_loader
  COMMAND ${GEOSIM_PYTHON} ${PROJECT_SOURCE_DIR}/tools/json_schemas.py $<TARGET_FILE:geosim>
          ${PROJECT_SOURCE_DIR}/docs/schema --check)
set_tests_properties(docs.json_schemas_match_loader PROPERTIES LABELS docs)
# Every shipped scenario and sweep file is valid against them, and files the
# loaders refuse for a reason a schema can see are flagged (python3-jsonschema).
add_test(NAME docs.json_schemas_accept_shipped_files
  COMMAND ${GEOSIM_PYTHON} ${PROJECT_SOURCE_DIR}/tests/python/check_json_schema.py ${PROJECT_SOURCE_DIR})
set_tests_properties(docs.json_schemas_accept_shipped_files PROPERTIES LABELS docs)
