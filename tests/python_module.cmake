# The Python package and its compiled module (tools/python): each pytest file
# of tests/python/module is one CTest test, run by Debian's python against the
# build tree's package (${CMAKE_BINARY_DIR}/python), with the geosim binary of
# the same build to compare against. Included from tests/CMakeLists.txt.
if(GEOSIM_BUILD_PYTHON)
  file(GLOB GEOSIM_PY_MODULE_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/python/module/test_*.py)
  foreach(file IN LISTS GEOSIM_PY_MODULE_TESTS)
    get_filename_component(name ${file} NAME_WE)
    string(REGEX REPLACE "^test_" "" name ${name})
    # -p no:cacheprovider: nothing written into the source tree. The warning is
    # Debian's netCDF4 built against another numpy, not ours.
    add_test(NAME python.module.${name}
      COMMAND ${GEOSIM_PYTHON} -m pytest -p no:cacheprovider -q
              -W "ignore:numpy.ndarray size changed:RuntimeWarning" ${file})
    set_tests_properties(python.module.${name} PROPERTIES LABELS python TIMEOUT 900
      ENVIRONMENT "PYTHONPATH=${CMAKE_BINARY_DIR}/python;GEOSIM_CLI=$<TARGET_FILE:geosim>;GEOSIM_BUILD_DIR=${CMAKE_BINARY_DIR};GEOSIM_PYTHON_INSTALL_DIR=${GEOSIM_PYTHON_INSTALL_DIR};PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endif()
