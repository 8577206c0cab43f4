# geosim-bench stays runnable: a small run writes the JSON the README
# describes, and a bad count is a usage error (exit 2). Timings are never
# asserted (the machine is shared); only that the figures exist and are sane.
if(NOT TARGET geosim-bench)
  return()
endif()
add_test(NAME bench.smoke_json
  COMMAND geosim-bench --max-citizens 1e4 --repetitions 1 --ticks 1
          --json ${CMAKE_CURRENT_BINARY_DIR}/bench_smoke.json)
set_tests_properties(bench.smoke_json PROPERTIES
  FIXTURES_SETUP geosim_bench_json LABELS bench TIMEOUT 300 RUN_SERIAL TRUE)
add_test(NAME bench.json_has_every_size
  COMMAND ${GEOSIM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/python/check_bench_json.py
          ${CMAKE_CURRENT_BINARY_DIR}/bench_smoke.json 1000 10000)
set_tests_properties(bench.json_has_every_size PROPERTIES
  FIXTURES_REQUIRED geosim_bench_json LABELS bench)
add_test(NAME bench.bad_count
  COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:geosim-bench>|--max-citizens|lots" -DEXPECT_RC=2
          "-DEXPECT_STDERR=geosim-bench: --max-citizens expects a positive count, got 'lots'"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cli.cmake)
set_tests_properties(bench.bad_count PROPERTIES LABELS bench)
add_test(NAME bench.unwritable_json
  COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:geosim-bench>|--json|/nonexistent_dir/bench.json" -DEXPECT_RC=2
          "-DEXPECT_STDERR=geosim-bench: --json: cannot write /nonexistent_dir/bench.json"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cli.cmake)
set_tests_properties(bench.unwritable_json PROPERTIES LABELS bench)
# The calibration bench runs the shipped baseline calibration (a reduced budget:
# one generation and the predictive check) and prints its figures.
add_test(NAME bench.calibration_smoke
  COMMAND ${PROJECT_SOURCE_DIR}/bench/calibration_bench.sh $<TARGET_FILE:geosim> 2000)
set_tests_properties(bench.calibration_smoke PROPERTIES LABELS bench TIMEOUT 600
  PASS_REGULAR_EXPRESSION "simulations/s \\(-j 2\\)")
