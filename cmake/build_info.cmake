# Run at build time (not configure time) so results files name the commit
# actually built. configure_file rewrites the header only when it changes.
execute_process(COMMAND git describe --always --dirty --abbrev=12
  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE GEOSIM_GIT_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT GEOSIM_GIT_COMMIT)
  set(GEOSIM_GIT_COMMIT "unknown")
endif()
configure_file(${SOURCE_DIR}/cmake/build_info.hpp.in ${OUTPUT} @ONLY)
