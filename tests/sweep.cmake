# Sweeps and batches from the command line (docs/sweeps.md): bad sweep files
# exit 2 naming file:line:col, -j identity, repeating a run alone, xarray,
# kill-and-resume with SIGKILL, failing runs and corrupt journal records, and
# (with GEOSIM_MPI) a 3-rank sweep equal to -j 1. Included from tests/CMakeLists.txt; the sweeps are small (CI: 2 cores).
set(_sweep_data ${CMAKE_CURRENT_SOURCE_DIR}/data)
set(_sweep_py ${CMAKE_CURRENT_SOURCE_DIR}/sweep)
set(_sweep_work ${CMAKE_CURRENT_BINARY_DIR}/sweep_work)
file(MAKE_DIRECTORY ${_sweep_work})

# Exit code and stderr, checked by the script mode of cli.cmake.
function(geosim_sweep_cli_test name rc stderr_texts)
  list(JOIN ARGN "|" args)
  add_test(NAME sweep.cli.${name}
           COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:geosim>|${args}" -DEXPECT_RC=${rc}
                   "-DEXPECT_STDERR=${stderr_texts}" -P ${CMAKE_CURRENT_SOURCE_DIR}/cli.cmake)
  set_tests_properties(sweep.cli.${name} PROPERTIES LABELS "cli;sweep" TIMEOUT 60)
endfunction()

geosim_sweep_cli_test(help 0 "" sweep --help)
geosim_sweep_cli_test(batch_help 0 "" batch --help)
geosim_sweep_cli_test(no_file 2 "geosim: |sweep needs a SWEEP.yaml" sweep)
# validate and --dry-run on sweep files: what would run, nothing written.
foreach(case IN ITEMS "validate_sweep|valid: lhs design over 2 parameters|validate|${_sweep_data}/sweeps/tiny_lhs.yaml"
                      "dry_run|time: about|sweep|${_sweep_data}/sweeps/tiny_lhs.yaml|--dry-run|-o|${_sweep_work}/dry_run.h5")
  string(REPLACE "|" ";" parts "${case}")
  list(POP_FRONT parts name stdout_text)
  list(JOIN parts "|" args)
  add_test(NAME sweep.cli.${name}
           COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:geosim>|${args}" -DEXPECT_RC=0
                   "-DEXPECT_STDOUT=${stdout_text}|memory: about|results file: at most about"
                   -DEXPECT_NO_FILE=${_sweep_work}/dry_run.h5 -P ${CMAKE_CURRENT_SOURCE_DIR}/cli.cmake)
  set_tests_properties(sweep.cli.${name} PROPERTIES LABELS "cli;sweep" TIMEOUT 60)
endforeach()
geosim_sweep_cli_test(validate_bad_sweep 2 "geosim: |missing_path.yaml:4:3: |unknown channel 'sfot'"
                      validate ${_sweep_data}/sweeps/bad/missing_path.yaml)
geosim_sweep_cli_test(analyse_help 0 "" analyse --help)
geosim_sweep_cli_test(analyse_no_file 2 "geosim: |analyse needs a SWEEP.h5" analyse)
geosim_sweep_cli_test(analyse_missing 2 "geosim: |no_such.h5: no such file" analyse ${_sweep_work}/no_such.h5
                      -o ${_sweep_work}/never.sensitivity.h5)
geosim_sweep_cli_test(analyse_not_results 2 "geosim: |is not the results file of a geosim sweep"
                      analyse ${_sweep_data}/minimal.yaml -o ${_sweep_work}/never.sensitivity.h5)
geosim_sweep_cli_test(analyse_bad_confidence 2 "geosim: |--confidence: expected a number in (0, 1)"
                      analyse ${_sweep_data}/minimal.yaml --confidence 1.5)
geosim_sweep_cli_test(compare_help 0 "" compare --help)
geosim_sweep_cli_test(compare_no_file 2 "geosim: |compare needs a SWEEP.h5" compare)
geosim_sweep_cli_test(compare_not_results 2 "geosim: |is not the results file of a geosim sweep"
                      compare ${_sweep_data}/minimal.yaml -o ${_sweep_work}/never.compare.h5)
geosim_sweep_cli_test(compare_bad_coverage 2 "geosim: |--coverage: expected a number in (0, 1)"
                      compare ${_sweep_data}/minimal.yaml --coverage 0)
geosim_sweep_cli_test(batch_needs_output 2 "geosim: |-o OUT.h5" batch ${_sweep_data}/minimal.yaml)
geosim_sweep_cli_test(bad_jobs 2 "geosim: |-j" sweep ${_sweep_data}/sweeps/tiny_lhs.yaml -j 0
                      -o ${_sweep_work}/never.h5)
geosim_sweep_cli_test(output_directory_missing 2 "geosim: |does not exist"
                      sweep ${_sweep_data}/sweeps/tiny_lhs.yaml -o ${_sweep_work}/no/such/dir/out.h5)

# A plan of 10^18 runs is refused before it is made, naming replicates (not run out of memory).
geosim_sweep_cli_test(too_many_runs 2
                      "geosim: |too_many_runs.yaml: replicates: this sweep's plan needs more than 8 EiB but |the largest part is the sweep's plan"
                      sweep ${_sweep_data}/sweeps/too_many_runs.yaml -o ${_sweep_work}/never.h5)

# Every file in tests/data/sweeps/bad/ starts with `# expect: ERROR LOCATION KEY`.
file(GLOB _sweep_bad CONFIGURE_DEPENDS ${_sweep_data}/sweeps/bad/*.yaml)
foreach(file IN LISTS _sweep_bad)
  get_filename_component(stem ${file} NAME_WE)
  geosim_expected_stderr(${file} expected)  # tests/cli.cmake
  geosim_sweep_cli_test(bad.${stem} 2 "${expected}" sweep ${file} -o ${_sweep_work}/never_written.h5)
endforeach()

# -j identity, xarray, repeat a run alone, refusal of foreign files, batch.
add_test(NAME sweep.end_to_end
  COMMAND ${GEOSIM_PYTHON} ${_sweep_py}/check_sweep.py $<TARGET_FILE:geosim>
          ${_sweep_data}/sweeps/tiny_lhs.yaml ${_sweep_data}/extends/with_events.yaml
          ${_sweep_data}/extends/no_sanctions.yaml ${_sweep_work}/end_to_end)
set_tests_properties(sweep.end_to_end PROPERTIES LABELS "python;sweep" TIMEOUT 300)

# SIGKILL at several moments, then --resume: the same datasets as uninterrupted.
add_test(NAME sweep.kill_resume
  COMMAND ${GEOSIM_PYTHON} ${_sweep_py}/kill_resume.py $<TARGET_FILE:geosim>
          ${_sweep_data}/sweeps/kill_resume.yaml ${_sweep_work}/kill_resume)
set_tests_properties(sweep.kill_resume PROPERTIES LABELS "python;sweep" TIMEOUT 600 RUN_SERIAL TRUE)

# Runs that fail are recorded and the sweep goes on (-j 1 = -j 3, --fail-fast,
# resume with a failure in the journal); a corrupt journal record costs only its run.
add_test(NAME sweep.failures
  COMMAND ${GEOSIM_PYTHON} ${_sweep_py}/check_failures.py $<TARGET_FILE:geosim>
          ${_sweep_data}/sweeps/with_failures.yaml ${_sweep_work}/failures)
set_tests_properties(sweep.failures PROPERTIES LABELS "python;sweep" TIMEOUT 600 RUN_SERIAL TRUE)

# tools/plot_sweep.py (python3 -m geosim.plot_sweep) draws a metric against a
# parameter with the replicate spread.
add_test(NAME sweep.plot
  COMMAND ${GEOSIM_PYTHON} ${_sweep_py}/check_plot_sweep.py ${PROJECT_SOURCE_DIR}/tools/plot_sweep.py
          $<TARGET_FILE:geosim> ${_sweep_data}/sweeps/tiny_lhs.yaml ${_sweep_work}/plot)
set_tests_properties(sweep.plot PROPERTIES LABELS "python;sweep" TIMEOUT 300)

if(GEOSIM_WITH_MPI)
  # A 3-rank sweep (dynamic load balancing, rank 0 writes) equals -j 1, also
  # with failing runs.
  find_program(GEOSIM_MPIRUN NAMES mpirun mpiexec REQUIRED)
  add_test(NAME sweep.mpi
    COMMAND ${GEOSIM_PYTHON} ${_sweep_py}/check_mpi.py ${GEOSIM_MPIRUN} $<TARGET_FILE:geosim>
            ${_sweep_data}/sweeps/kill_resume.yaml ${_sweep_data}/sweeps/with_failures.yaml ${_sweep_work}/mpi)
  set_tests_properties(sweep.mpi PROPERTIES LABELS "mpi;sweep" TIMEOUT 600 RUN_SERIAL TRUE)
endif()

# geosim.sweeps.tidy (tools/python) unstacks a crossed experiment's runs.
add_test(NAME sweep.tidy
  COMMAND ${GEOSIM_PYTHON} ${_sweep_py}/check_tidy.py $<TARGET_FILE:geosim>
          ${_sweep_data}/sweeps/crossed.yaml ${_sweep_work}/tidy)
set_tests_properties(sweep.tidy PROPERTIES LABELS "python;sweep" TIMEOUT 300)

# Every shipped sweep file is valid against the scenarios it names (the
# posterior ensemble's table included).
file(GLOB _shipped_sweeps CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/sweeps/*.yaml)
foreach(sweep IN LISTS _shipped_sweeps)
  get_filename_component(name ${sweep} NAME_WE)
  add_test(NAME sweep.shipped.${name} COMMAND $<TARGET_FILE:geosim> validate ${sweep})
  set_tests_properties(sweep.shipped.${name} PROPERTIES LABELS sweep)
endforeach()
