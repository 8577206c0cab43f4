# Uncertainty you can see (tools/python/geosim/bands.py, report.py): band
# quantiles against numpy on a crossed experiment the CLI runs and on a
# synthetic sweep with a failed run, clear errors (also from a Python without
# xarray), and an HTML report of a synthetic compare file that headless
# Chromium renders with every embedded image decoded. Needs chromium
# (tools/install-deps.sh): without it the test fails, it does not skip.
# Included from tests/CMakeLists.txt.
add_test(NAME python.report
  COMMAND ${GEOSIM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/python/check_report.py
          ${CMAKE_CURRENT_BINARY_DIR}/report_work $<TARGET_FILE:geosim>
          ${CMAKE_CURRENT_SOURCE_DIR}/data/sweeps/crossed.yaml)
set_tests_properties(python.report PROPERTIES LABELS "python;report" TIMEOUT 300)
