# Sensitivity analysis from the command line (docs/sweeps.md, "geosim
# analyse"): a Saltelli sweep's indices against OpenTURNS' estimators on the
# same runs. Included from tests/CMakeLists.txt.
add_test(NAME analysis.against_openturns
  COMMAND ${GEOSIM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/analysis/check_against_openturns.py
          $<TARGET_FILE:geosim> ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/analysis_work)
set_tests_properties(analysis.against_openturns PROPERTIES LABELS "python;analysis" TIMEOUT 300)
