# Run as `cmake -DTESTS=path/to/geosim_tests -P test_names.cmake`: fails if a
# doctest test case's name holds a character that doctest_discover_tests
# cannot pass through CTest: ';' splits the name into two tests that each
# match nothing, and '[' or ']' break the generated file. Such a test would
# pass under ctest without running a single assertion.
execute_process(COMMAND ${TESTS} --list-test-cases --no-version RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TESTS} --list-test-cases failed: ${rc}")
endif()
string(REPLACE ";" "<SEMICOLON>" out "${out}")
string(REPLACE "\n" ";" lines "${out}")
set(bad "")
foreach(line IN LISTS lines)
  if(line MATCHES "<SEMICOLON>|\\[|\\]" AND NOT line MATCHES "^\\[doctest\\]")
    string(REPLACE "<SEMICOLON>" ";" line "${line}")
    string(APPEND bad "  ${line}\n")
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "test case names with ';', '[' or ']' (CTest would run them as tests that match nothing):\n${bad}")
endif()
