# Reading results as a user would: h5py, xarray and ncdump on a file written
# by the CLI (tests/python/check_results.py), and the plot tool
# (python3 -m geosim.plot). Included from tests/CMakeLists.txt.
set(GEOSIM_PY_DIR ${CMAKE_CURRENT_SOURCE_DIR}/python)
set(GEOSIM_PY_MINIMAL ${CMAKE_CURRENT_BINARY_DIR}/python_minimal.h5)
set(GEOSIM_PY_AGENTS ${CMAKE_CURRENT_BINARY_DIR}/python_minimal_agents.h5)
set(GEOSIM_PY_SNAPSHOTS ${CMAKE_CURRENT_BINARY_DIR}/python_minimal_snapshots.h5)

# Fixtures: the CLI runs tests/data/minimal.yaml, with and without final agents.
add_test(NAME python.setup.run_minimal
  COMMAND $<TARGET_FILE:geosim> run ${CMAKE_CURRENT_SOURCE_DIR}/data/minimal.yaml
          -o ${GEOSIM_PY_MINIMAL} --quiet)
set_tests_properties(python.setup.run_minimal PROPERTIES
  FIXTURES_SETUP geosim_python_minimal LABELS python)
add_test(NAME python.setup.run_minimal_agents
  COMMAND $<TARGET_FILE:geosim> run ${CMAKE_CURRENT_SOURCE_DIR}/data/minimal.yaml
          -o ${GEOSIM_PY_AGENTS} --ticks 6 --set output.agents=final --quiet)
set_tests_properties(python.setup.run_minimal_agents PROPERTIES
  FIXTURES_SETUP geosim_python_agents LABELS python)

# Snapshots every 4 ticks of 12 (0, 4, 8, 12), with final agents too.
add_test(NAME python.setup.run_minimal_snapshots
  COMMAND $<TARGET_FILE:geosim> run ${CMAKE_CURRENT_SOURCE_DIR}/data/minimal.yaml
          -o ${GEOSIM_PY_SNAPSHOTS} --set output.agents_every=4 --set output.agents=final --quiet)
set_tests_properties(python.setup.run_minimal_snapshots PROPERTIES
  FIXTURES_SETUP geosim_python_snapshots LABELS python)

# With migration (given by --set): its variables are written, with their NaN fill.
set(GEOSIM_PY_MIGRATION ${CMAKE_CURRENT_BINARY_DIR}/python_minimal_migration.h5)
add_test(NAME python.setup.run_minimal_migration
  COMMAND $<TARGET_FILE:geosim> run ${CMAKE_CURRENT_SOURCE_DIR}/data/minimal.yaml
          -o ${GEOSIM_PY_MIGRATION} --quiet
          --set "targets.KGZ.migration={host: RUS, share: 0.2, attitude_effect: 0.5, remittance: 0.5, leverage: 0.3}"
          --set "events={shortage: {date: 2014-03, note: n, actions: [{scale_labour_demand: {power: RUS, factor: 1.3}}]}}")
set_tests_properties(python.setup.run_minimal_migration PROPERTIES
  FIXTURES_SETUP geosim_python_migration LABELS python)

# With surveys (given by --set): the survey dimension and its two variables.
set(GEOSIM_PY_SURVEYS ${CMAKE_CURRENT_BINARY_DIR}/python_minimal_surveys.h5)
add_test(NAME python.setup.run_minimal_surveys
  COMMAND $<TARGET_FILE:geosim> run ${CMAKE_CURRENT_SOURCE_DIR}/data/minimal.yaml
          -o ${GEOSIM_PY_SURVEYS} --quiet
          --set "surveys.pew={favourable_above: 0.1, unfavourable_below: -0.1, response_sd: 0.2}"
          --set "surveys.barometer={favourable_above: 0.3, unfavourable_below: -0.3}")
set_tests_properties(python.setup.run_minimal_surveys PROPERTIES
  FIXTURES_SETUP geosim_python_surveys LABELS python)

add_test(NAME python.check_results
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_results.py ${GEOSIM_PY_MINIMAL})
set_tests_properties(python.check_results PROPERTIES
  FIXTURES_REQUIRED geosim_python_minimal LABELS python)

add_test(NAME python.check_results_agents
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_results.py --agents ${GEOSIM_PY_AGENTS})
set_tests_properties(python.check_results_agents PROPERTIES
  FIXTURES_REQUIRED geosim_python_agents LABELS python)

add_test(NAME python.check_results_snapshots
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_results.py --agents --snapshots ${GEOSIM_PY_SNAPSHOTS})
set_tests_properties(python.check_results_snapshots PROPERTIES
  FIXTURES_REQUIRED geosim_python_snapshots LABELS python)

add_test(NAME python.check_results_migration
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_results.py --migration ${GEOSIM_PY_MIGRATION})
set_tests_properties(python.check_results_migration PROPERTIES
  FIXTURES_REQUIRED geosim_python_migration LABELS python)

add_test(NAME python.check_results_surveys
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_results.py ${GEOSIM_PY_SURVEYS})
set_tests_properties(python.check_results_surveys PROPERTIES
  FIXTURES_REQUIRED geosim_python_surveys LABELS python)

# The checker must reject what readers would mangle (phony dims, no units, raw time).
add_test(NAME python.check_results_rejects_bad_files
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/test_checker.py ${GEOSIM_PY_DIR}/check_results.py
          ${CMAKE_CURRENT_BINARY_DIR}/python_bad.h5)
set_tests_properties(python.check_results_rejects_bad_files PROPERTIES LABELS python)

# The run plot as a module (python3 -m geosim.plot) and through its old script.
add_test(NAME python.plot_run
  COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${PROJECT_SOURCE_DIR}/tools/python
          ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_plot.py geosim.plot
          ${GEOSIM_PY_MINIMAL} ${CMAKE_CURRENT_BINARY_DIR}/python_minimal.png)
set_tests_properties(python.plot_run PROPERTIES
  FIXTURES_REQUIRED geosim_python_minimal LABELS python)
add_test(NAME python.plot_run_script
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_plot.py ${PROJECT_SOURCE_DIR}/tools/plot_run.py
          ${GEOSIM_PY_MINIMAL} ${CMAKE_CURRENT_BINARY_DIR}/python_minimal_script.png)
set_tests_properties(python.plot_run_script PROPERTIES
  FIXTURES_REQUIRED geosim_python_minimal LABELS python)

# The validation report of a calibration (python3 -m geosim.validation, and
# its old script tools/validation_report.py) on a synthetic posterior it
# writes: weighted quantiles, identification and coverage counts against
# figures computed by the test. The test sets PYTHONPATH to tools/python.
add_test(NAME python.validation_report
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_validation_report.py
          geosim.validation ${CMAKE_CURRENT_BINARY_DIR}/validation_report_work)
set_tests_properties(python.validation_report PROPERTIES LABELS python TIMEOUT 120)
add_test(NAME python.validation_report_script
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_validation_report.py
          ${PROJECT_SOURCE_DIR}/tools/validation_report.py ${CMAKE_CURRENT_BINARY_DIR}/validation_report_script_work)
set_tests_properties(python.validation_report_script PROPERTIES LABELS python TIMEOUT 120)

# Ctrl-C stops a run cleanly: exit 130, no results file, no temporary file.
add_test(NAME python.interrupted_run
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_interrupt.py $<TARGET_FILE:geosim>
          ${PROJECT_SOURCE_DIR}/bench/scenarios/population_1m.yaml ${CMAKE_CURRENT_BINARY_DIR}/interrupt_work)
set_tests_properties(python.interrupted_run PROPERTIES LABELS python TIMEOUT 120)
add_test(NAME python.interrupted_run_sigterm
  COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_interrupt.py $<TARGET_FILE:geosim>
          ${PROJECT_SOURCE_DIR}/bench/scenarios/population_1m.yaml ${CMAKE_CURRENT_BINARY_DIR}/interrupt_term_work
          SIGTERM)
set_tests_properties(python.interrupted_run_sigterm PROPERTIES LABELS python TIMEOUT 120)

# Safe outputs and bounded command-line input (tests/python/check_hardening.py):
# one test per case, each failing on the code before the checks.
foreach(case own_input not_regular stale_temp sweep_signal ticks threads extends_deep names calendar)
  add_test(NAME python.hardening.${case}
    COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_hardening.py ${case} $<TARGET_FILE:geosim>
            ${CMAKE_CURRENT_SOURCE_DIR}/data/minimal.yaml ${CMAKE_CURRENT_BINARY_DIR}/hardening_work)
  set_tests_properties(python.hardening.${case} PROPERTIES LABELS python TIMEOUT 300)
endforeach()

# A full disk while writing each kind of output (tests/python/check_disk_full.py):
# exit 1 with one plain sentence, no file left, no crash. `limit` injects the
# failure through the file size limit and always runs; `tmpfs` fills a small
# tmpfs and is skipped where mounting is not permitted (not root).
# ThreadSanitizer's runtime dies of SIGBUS under a small file size limit before
# geosim runs, so the tsan build runs the tmpfs mode only.
set(_disk_full_modes limit tmpfs)
if(GEOSIM_TSAN)
  set(_disk_full_modes tmpfs)
endif()
foreach(kind run snapshots final sweep batch)
  foreach(mode IN LISTS _disk_full_modes)
    add_test(NAME python.disk_full.${mode}.${kind}
      COMMAND ${GEOSIM_PYTHON} ${GEOSIM_PY_DIR}/check_disk_full.py ${mode} ${kind} $<TARGET_FILE:geosim>
              ${CMAKE_CURRENT_SOURCE_DIR}/data/minimal.yaml ${CMAKE_CURRENT_SOURCE_DIR}/data/sweeps/tiny_lhs.yaml
              ${CMAKE_CURRENT_BINARY_DIR}/disk_full_work)
    set_tests_properties(python.disk_full.${mode}.${kind} PROPERTIES LABELS python TIMEOUT 300
                         SKIP_RETURN_CODE 77)
  endforeach()
endforeach()
