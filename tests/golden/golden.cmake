# The golden run (tests/golden/README.md): tests/golden/golden.yaml is run by
# the CLI and every value of its results is compared with golden_expected.txt.
# Included from tests/baseline.cmake. Label `golden`.

# The numbers are the same in every build (checked: release, debug, native):
# -ffp-contract=off and the citizen kernel's runtime dispatch give identical bits.

set(_golden_dir ${CMAKE_CURRENT_LIST_DIR})
set(_golden_run ${CMAKE_CURRENT_BINARY_DIR}/golden.h5)

add_test(NAME golden.setup.run
  COMMAND $<TARGET_FILE:geosim> run ${_golden_dir}/golden.yaml -o ${_golden_run} --quiet)
set_tests_properties(golden.setup.run PROPERTIES FIXTURES_SETUP geosim_golden LABELS golden TIMEOUT 120)

add_test(NAME golden.compare
  COMMAND ${GEOSIM_PYTHON} ${_golden_dir}/golden.py compare ${_golden_run} ${_golden_dir}/golden_expected.txt)
set_tests_properties(golden.compare PROPERTIES FIXTURES_REQUIRED geosim_golden LABELS golden TIMEOUT 120)

add_test(NAME golden.selftest
  COMMAND ${GEOSIM_PYTHON} ${_golden_dir}/golden.py selftest ${_golden_run})
set_tests_properties(golden.selftest PROPERTIES FIXTURES_REQUIRED geosim_golden LABELS golden TIMEOUT 120)
