# Command-line behaviour of `geosim`: exit codes and error messages.
#
# This file has two roles:
#  - included from tests/CMakeLists.txt, it registers CTest tests named cli.*;
#  - run as `cmake -DCMD=a|b|c -DEXPECT_RC=N [-DEXPECT_STDERR=x|y] -P cli.cmake`,
#    it runs CMD and checks that the exit code is exactly EXPECT_RC and that
#    stderr contains every `|`-separated string of EXPECT_STDERR (stdout: of
#    EXPECT_STDOUT; and, with -DEXPECT_NO_FILE=path, that the run left no file
#    there). (WILL_FAIL is
#    not used: it would accept any non-zero code, a crash included.)
#
# Every file in tests/data/bad/ starts with `# expect: ERROR LOCATION KEY`
# (LOCATION = file[:line], KEY = dotted key or `-`); `geosim validate FILE` must
# exit 2 and print `geosim: ...LOCATION:...: KEY: ...` on stderr.

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  # ------------------------------------------------------------ checker ----
  string(REPLACE "|" ";" command "${CMD}")
  if(DEFINED EXPECT_NO_FILE)
    file(REMOVE ${EXPECT_NO_FILE})
  endif()
  execute_process(COMMAND ${command}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(problems "")
  if(NOT rc STREQUAL "${EXPECT_RC}")
    string(APPEND problems "exit code ${rc}, expected ${EXPECT_RC}\n")
  endif()
  # Every `|`-separated text of EXPECTED must occur in TEXT, else a problem naming STREAM.
  macro(check_contains stream text expected)
    if(NOT "${expected}" STREQUAL "")
      string(REPLACE "|" ";" wanted "${expected}")
      foreach(piece IN LISTS wanted)
        string(FIND "${text}" "${piece}" at)
        if(at EQUAL -1)
          string(APPEND problems "${stream} lacks '${piece}'\n")
        endif()
      endforeach()
    endif()
  endmacro()
  check_contains(stderr "${err}" "${EXPECT_STDERR}")
  check_contains(stdout "${out}" "${EXPECT_STDOUT}")
  if(DEFINED EXPECT_NO_FILE AND EXISTS ${EXPECT_NO_FILE})
    string(APPEND problems "${EXPECT_NO_FILE} was written\n")
  endif()
  if(problems)
    message(FATAL_ERROR "${CMD}\n${problems}--- stdout:\n${out}--- stderr:\n${err}")
  endif()
  return()
endif()

# ------------------------------------------------------------ registration ----
set(_cli_check ${CMAKE_COMMAND} -P ${CMAKE_CURRENT_LIST_FILE})
set(_cli_data ${CMAKE_CURRENT_LIST_DIR}/data)

# geosim_cli_test(NAME RC "STDERR1|STDERR2" ARG...)
function(geosim_cli_test name rc stderr_texts)
  list(JOIN ARGN "|" args)
  add_test(NAME cli.${name}
           COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:geosim>|${args}" -DEXPECT_RC=${rc}
                   "-DEXPECT_STDERR=${stderr_texts}" -P ${CMAKE_CURRENT_FUNCTION_LIST_FILE})
  set_tests_properties(cli.${name} PROPERTIES LABELS cli TIMEOUT 60)
endfunction()

geosim_cli_test(help 0 "" --help)
geosim_cli_test(version 0 "" --version)
geosim_cli_test(schema_help 0 "" schema --help)
geosim_cli_test(schema_unknown_option 2 "geosim: command line: --jsonschema: unknown option of schema"
                schema --jsonschema)
geosim_cli_test(validate_minimal 0 "" validate ${_cli_data}/minimal.yaml)
geosim_cli_test(validate_extends 0 "" validate ${_cli_data}/extends/no_sanctions.yaml)
geosim_cli_test(validate_set_ok 0 "" validate ${_cli_data}/minimal.yaml
                --set powers.CHN.budget.soft=2.5)
geosim_cli_test(validate_set_bad 2 "geosim: --set: powers.CHN.budget.soft: expected a number >= 0"
                validate ${_cli_data}/minimal.yaml --set powers.CHN.budget.soft=-1)
geosim_cli_test(validate_set_syntax 2 "geosim: --set: |PATH=VALUE"
                validate ${_cli_data}/minimal.yaml --set powers.CHN.budget.soft)
# A mistyped entry name in a --set path is refused, never created with defaults;
# given whole, an entry is added.
geosim_cli_test(validate_set_typo_power 2
                "geosim: --set: powers.CNH.budget.soft: there is no 'CNH' in powers (did you mean 'CHN'?)"
                validate ${_cli_data}/minimal.yaml --set powers.CNH.budget.soft=0.3)
geosim_cli_test(validate_set_whole_power 0 "" validate ${_cli_data}/minimal.yaml
                "--set=powers.CNH={budget: {soft: 0.3}}")
geosim_cli_test(validate_set_typo_event 2
                "geosim: --set: events.sanctions_on_rusia.date: there is no 'sanctions_on_rusia' in events (did you mean 'sanctions_on_russia'?)"
                validate ${CMAKE_CURRENT_LIST_DIR}/../scenarios/central_asia_2013.yaml
                --set events.sanctions_on_rusia.date=2022-04)
geosim_cli_test(validate_missing_file 2 "geosim: |no_such_scenario.yaml: no such file"
                validate ${_cli_data}/no_such_scenario.yaml)
geosim_cli_test(validate_directory 2 "geosim: |is a directory" validate ${_cli_data})
# Only regular files are read: a device never ends, a FIFO never opens without a writer.
geosim_cli_test(validate_device 2 "geosim: /dev/zero: is not a regular file" validate /dev/zero)
set(_cli_fifo ${CMAKE_CURRENT_BINARY_DIR}/cli_scenario.fifo)
if(NOT EXISTS ${_cli_fifo})
  execute_process(COMMAND mkfifo ${_cli_fifo})
endif()
geosim_cli_test(validate_fifo 2 "geosim: ${_cli_fifo}: is not a regular file" validate ${_cli_fifo})
geosim_cli_test(sweep_fifo 2 "geosim: ${_cli_fifo}: is not a regular file" sweep ${_cli_fifo}
                -o ${CMAKE_CURRENT_BINARY_DIR}/cli_never_written.h5)
geosim_cli_test(run_bad_input 2 "geosim: |negative_budget.yaml:9:|: powers.CHN.budget.soft: "
                run ${_cli_data}/bad/negative_budget.yaml -o ${CMAKE_CURRENT_BINARY_DIR}/cli_never_written.h5)

# The stderr a bad fixture must produce, from its `# expect: ERROR LOCATION KEY`
# first line (shared with tests/sweep.cmake).
function(geosim_expected_stderr file out_var)
  file(STRINGS ${file} header LIMIT_COUNT 1 REGEX "^# expect: ")
  if(NOT header MATCHES "^# expect: ([A-Za-z]+) ([^ ]+) ([^ ]+)$")
    message(FATAL_ERROR "${file}: the first line must be '# expect: ERROR LOCATION KEY'")
  endif()
  set(expected "geosim: |${CMAKE_MATCH_2}:")
  if(NOT CMAKE_MATCH_3 STREQUAL "-")
    string(APPEND expected "|: ${CMAKE_MATCH_3}: ")
  endif()
  set(${out_var} "${expected}" PARENT_SCOPE)
endfunction()

file(GLOB _cli_bad_files CONFIGURE_DEPENDS ${_cli_data}/bad/*.yaml)
foreach(file IN LISTS _cli_bad_files)
  get_filename_component(stem ${file} NAME_WE)
  geosim_expected_stderr(${file} expected)
  geosim_cli_test(bad.${stem} 2 "${expected}" validate ${file})
endforeach()

# One memory estimate for validate, run and sweep (docs/model.md section 11):
# a run that cannot fit is refused up front, naming the memory it needs, its
# largest part and the key to change. GEOSIM_MEMORY_LIMIT (64 MiB here; the
# shipped scenario needs about 35 MiB) makes the refusals the same on any machine.
function(geosim_cli_memory_test name rc stderr_texts)
  geosim_cli_test(${name} ${rc} "${stderr_texts}" ${ARGN})
  set_tests_properties(cli.${name} PROPERTIES ENVIRONMENT "GEOSIM_MEMORY_LIMIT=67108864")
endfunction()
set(_cli_memory "this run needs |but 64 MiB are available; the largest part is ")
geosim_cli_memory_test(too_many_citizens 2
                       "geosim: |targets.*.citizens: ${_cli_memory}the citizens' attitudes, |: reduce the citizens"
                       run ${_cli_data}/minimal.yaml --set targets.KAZ.citizens=2000000000
                       --set targets.KGZ.citizens=2000000000 -o ${CMAKE_CURRENT_BINARY_DIR}/cli_never_written.h5)
geosim_cli_memory_test(memory_campaign_history 2
                       "geosim: |central_asia_2013.yaml: campaigns.duration: ${_cli_memory}the campaign history, |(3 powers x 5 targets x 1000000 ticks): reduce campaigns.duration"
                       validate ${CMAKE_CURRENT_LIST_DIR}/../scenarios/central_asia_2013.yaml
                       --set campaigns.duration=1000000)
geosim_cli_memory_test(memory_campaign_history_run 2
                       "geosim: |campaigns.duration: ${_cli_memory}the campaign history, "
                       run ${CMAKE_CURRENT_LIST_DIR}/../scenarios/central_asia_2013.yaml
                       --set campaigns.duration=1000000 -o ${CMAKE_CURRENT_BINARY_DIR}/cli_never_written.h5)
geosim_cli_memory_test(memory_recorded_rows 2
                       "geosim: |central_asia_2013.yaml: time.end: ${_cli_memory}the recorded time series, |(95837 rows of |): reduce time.end or --ticks"
                       run ${CMAKE_CURRENT_LIST_DIR}/../scenarios/central_asia_2013.yaml --set time.end=9999-12
                       -o ${CMAKE_CURRENT_BINARY_DIR}/cli_never_written.h5)
geosim_cli_memory_test(memory_recorded_rows_validate 2 "geosim: |time.end: ${_cli_memory}the recorded time series, "
                       validate ${CMAKE_CURRENT_LIST_DIR}/../scenarios/central_asia_2013.yaml --set time.end=9999-12)
geosim_cli_memory_test(memory_fits 0 "" validate ${CMAKE_CURRENT_LIST_DIR}/../scenarios/central_asia_2013.yaml)
# --ticks beyond the scenario's end names --ticks and time.end.
geosim_cli_test(ticks_beyond_end 2 "geosim: --ticks: the scenario has 208 ticks|(to run longer, set time.end)"
                run ${CMAKE_CURRENT_LIST_DIR}/../scenarios/central_asia_2013.yaml --ticks 20000000
                -o ${CMAKE_CURRENT_BINARY_DIR}/cli_never_written.h5)
geosim_cli_test(citizen_index_limit 2 "geosim: |citizens" validate ${_cli_data}/minimal.yaml
                --set targets.KAZ.citizens=3000000000 --set targets.KGZ.citizens=3000000000)

# Unwritable output: refused before running, exit 2, nothing written.
geosim_cli_test(output_missing_directory 2 "geosim: |-o: directory|does not exist"
                run ${_cli_data}/minimal.yaml -o ${CMAKE_CURRENT_BINARY_DIR}/no_such_dir/run.h5)
geosim_cli_test(output_is_directory 2 "geosim: |-o: is a directory" run ${_cli_data}/minimal.yaml -o ${_cli_data})
geosim_cli_test(output_special_filesystem 2 "geosim: |-o: cannot create a file" run ${_cli_data}/minimal.yaml -o /proc/run.h5)

# Finite or refused (model.md section 11): a run that diverges stops with exit 1
# naming the variable, its indices and the tick, and writes no results; a
# parameter set known to be unstable is refused at load with exit 2.
set(_cli_scenario ${CMAKE_CURRENT_LIST_DIR}/../scenarios/central_asia_2013.yaml)
# geosim_cli_diverges(NAME "STDERR1|STDERR2" SET...): `run` of the shipped scenario with `--set SET...`.
function(geosim_cli_diverges name stderr_texts)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/cli_${name}.h5)
  set(args run ${_cli_scenario} -o ${out})
  foreach(assignment IN LISTS ARGN)
    list(APPEND args --set ${assignment})
  endforeach()
  list(JOIN args "|" args)
  add_test(NAME cli.${name}
           COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:geosim>|${args}" -DEXPECT_RC=1
                   "-DEXPECT_STDERR=${stderr_texts}" -DEXPECT_NO_FILE=${out} -P ${_cli_check_file})
  set_tests_properties(cli.${name} PROPERTIES LABELS cli TIMEOUT 120)
endfunction()
set(_cli_check_file ${CMAKE_CURRENT_LIST_FILE})
set(_cli_stopped ": the run was stopped and no results were written")
geosim_cli_diverges(non_finite_budget
                    "geosim: run failed: budget[CHN, economic] became inf at tick 0 (2013-09)${_cli_stopped}"
                    powers.CHN.budget.economic=1e308 powers.CHN.growth=0.5 time.spin_up=0)
# (USA: CHN's growth is set by an event in 2024.)
geosim_cli_diverges(non_finite_long_horizon
                    "geosim: run failed: stock[USA, KAZ, economic] became inf at tick 7446 (2634-03)${_cli_stopped}"
                    powers.USA.growth=0.1 time.end=2999-12)
geosim_cli_diverges(non_finite_opinion_sensitivity
                    "geosim: run failed: alignment[RUS, KAZ] became NaN at tick 0 (2013-09)${_cli_stopped}"
                    targets.KAZ.opinion_sensitivity=1e300 time.spin_up=0)
# The same in the baseline's spin-up: the tick and date before the start are named.
geosim_cli_diverges(non_finite_in_spin_up
                    "geosim: run failed: alignment[RUS, KAZ] became NaN at tick -72 (2007-09)${_cli_stopped}"
                    targets.KAZ.opinion_sensitivity=1e300)
geosim_cli_test(unstable_citizen_update 2
                "geosim: |central_asia_2013.yaml:|: groups.students: susceptibility 1, peer_weight 3, |make the citizen update unstable: (1 - anchoring) * (susceptibility * (exposure + peer_weight) - 1) is |, expected at most 1"
                validate ${_cli_scenario} --set groups.students.susceptibility=1
                --set groups.students.peer_weight=3)
geosim_cli_test(enormous_peer_weight 2 "geosim: |groups.students: |make the citizen update unstable"
                run ${_cli_scenario} --set groups.students.peer_weight=1e40
                -o ${CMAKE_CURRENT_BINARY_DIR}/cli_never_written.h5)
geosim_cli_test(richardson_without_equilibrium 2
                "geosim: |central_asia_2013.yaml:|: powers.RUS.richardson: the arms race of RUS and CHN on security has no equilibrium: the product of their reactions 0.15 exceeds the product of their fatigues 0"
                validate ${_cli_scenario} --set powers.CHN.policy.security=richardson
                --set powers.CHN.richardson.reaction=1)
# Enormous campaign rates: bounded, constant-time draws (the run finishes).
geosim_cli_test(enormous_campaign_rate 0 "" run ${_cli_scenario} --ticks 24 --set campaigns.threshold=0
                --set targets.KAZ.campaign_rate=1e300 -o ${CMAKE_CURRENT_BINARY_DIR}/cli_campaign_rate.h5)
geosim_cli_test(large_campaign_rate 0 "" run ${_cli_scenario} --ticks 24 --set campaigns.threshold=0
                --set targets.KAZ.campaign_rate=1e10 -o ${CMAKE_CURRENT_BINARY_DIR}/cli_campaign_rate_1e10.h5)

# geosim calibrate: help, a file that reads and lists its rows, bad input with its place.
geosim_cli_test(calibrate_help 0 "" calibrate --help)
geosim_cli_test(calibrate_without_output 2 "calibrate needs -o POSTERIOR.h5"
                calibrate ${PROJECT_SOURCE_DIR}/tests/data/calibration/cli.yaml)
geosim_cli_test(calibrate_dry_run 0 "" calibrate ${PROJECT_SOURCE_DIR}/tests/data/calibration/cli.yaml --dry-run)
geosim_cli_test(calibrate_missing_table 2
                "recovery.yaml:16:9: observations.file: cannot read the observations table"
                calibrate ${PROJECT_SOURCE_DIR}/tests/data/calibration/recovery.yaml --dry-run)
geosim_cli_test(calibrate_unknown_key 2 "bad_key.yaml:3:1: helf_out_from: unknown key"
                calibrate ${PROJECT_SOURCE_DIR}/tests/data/calibration/bad_key.yaml --dry-run)
# A whole (small) calibration through the command line, from a clean start.
add_test(NAME cli.calibrate_clean COMMAND ${CMAKE_COMMAND} -E rm -rf ${CMAKE_BINARY_DIR}/cli_calibration.h5
         ${CMAKE_BINARY_DIR}/cli_calibration.h5.runs)
set_tests_properties(cli.calibrate_clean PROPERTIES FIXTURES_SETUP cli_calibration LABELS cli)
geosim_cli_test(calibrate_runs 0 "geosim: generation 0:"
                calibrate ${PROJECT_SOURCE_DIR}/tests/data/calibration/cli.yaml -o ${CMAKE_BINARY_DIR}/cli_calibration.h5
                -j 1)
set_tests_properties(cli.calibrate_runs PROPERTIES FIXTURES_REQUIRED cli_calibration)
# Again: the file exists and is refused without --resume; with it, the finished generations are read back.
geosim_cli_test(calibrate_exists 2 "cli_calibration.h5: -o: the file exists; refusing to overwrite it"
                calibrate ${PROJECT_SOURCE_DIR}/tests/data/calibration/cli.yaml -o ${CMAKE_BINARY_DIR}/cli_calibration.h5)
set_tests_properties(cli.calibrate_exists PROPERTIES DEPENDS cli.calibrate_runs FIXTURES_REQUIRED cli_calibration)
add_test(NAME cli.calibrate_resume_recovers
  COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:geosim>|calibrate|${PROJECT_SOURCE_DIR}/tests/data/calibration/cli.yaml|-o|${CMAKE_BINARY_DIR}/cli_calibration.h5|--resume"
          -DEXPECT_RC=0 "-DEXPECT_STDOUT=200 simulations (0 rejected as not finite, 220 recovered)"
          -P ${CMAKE_CURRENT_LIST_DIR}/cli.cmake)
set_tests_properties(cli.calibrate_resume_recovers PROPERTIES LABELS cli DEPENDS cli.calibrate_exists
  FIXTURES_REQUIRED cli_calibration)
# The predictive check alone, from that posterior at the full population (no set: in cli.yaml, so the
# same population), and bad uses of its options.
add_test(NAME cli.calibrate_check_clean COMMAND ${CMAKE_COMMAND} -E rm -rf ${CMAKE_BINARY_DIR}/cli_check.h5
         ${CMAKE_BINARY_DIR}/cli_check.h5.runs)
set_tests_properties(cli.calibrate_check_clean PROPERTIES FIXTURES_SETUP cli_calibration LABELS cli)
add_test(NAME cli.calibrate_check
  COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:geosim>|calibrate|${PROJECT_SOURCE_DIR}/tests/data/calibration/cli.yaml|--check|${CMAKE_BINARY_DIR}/cli_calibration.h5|--full-population|--draws|12|-o|${CMAKE_BINARY_DIR}/cli_check.h5|-j|1"
          -DEXPECT_RC=0 "-DEXPECT_STDOUT=12 draws (0 failed)"
          -P ${CMAKE_CURRENT_LIST_DIR}/cli.cmake)
set_tests_properties(cli.calibrate_check PROPERTIES LABELS cli DEPENDS cli.calibrate_resume_recovers
  FIXTURES_REQUIRED cli_calibration)
geosim_cli_test(calibrate_check_needs_output 2 "--check needs -o CHECK.h5"
                calibrate ${PROJECT_SOURCE_DIR}/tests/data/calibration/cli.yaml --check base)
geosim_cli_test(calibrate_draws_without_check 2 "command line: --draws: applies to --check only"
                calibrate ${PROJECT_SOURCE_DIR}/tests/data/calibration/cli.yaml --draws 3 -o unused.h5)
geosim_cli_test(calibrate_check_missing_posterior 2 "no_such.h5: --check: no such posterior file"
                calibrate ${PROJECT_SOURCE_DIR}/tests/data/calibration/cli.yaml --check no_such.h5 -o unused.h5)
