# Runs the interop test (see README.md): the writer, then the kafkajs check. Invoked by CTest as
# cmake -DWRITER=... -DINTEROP_DIR=... -DOUTPUT_DIR=... -P run_interop.cmake
# Node and kafkajs are looked for here, at test time, so installing them needs no reconfigure.
foreach(var WRITER INTEROP_DIR OUTPUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_interop.cmake: ${var} is not set")
  endif()
endforeach()

find_program(NODE NAMES node nodejs)
if(NOT NODE)
  message(FATAL_ERROR "interop: node is not installed, so kafkajs cannot check our segments. "
                      "Run cmake/setup-debian.sh (it installs nodejs, npm and kafkajs).")
endif()
if(NOT EXISTS "${INTEROP_DIR}/node_modules/kafkajs/package.json")
  message(FATAL_ERROR "interop: kafkajs is not installed in ${INTEROP_DIR}/node_modules. "
                      "Run cmake/setup-debian.sh, or `npm ci` in tests/interop.")
endif()

file(REMOVE_RECURSE "${OUTPUT_DIR}")
file(MAKE_DIRECTORY "${OUTPUT_DIR}")

execute_process(COMMAND "${WRITER}" "${OUTPUT_DIR}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "interop: ${WRITER} failed (${result})")
endif()

execute_process(COMMAND "${NODE}" "${INTEROP_DIR}/check_segments.js" "${OUTPUT_DIR}"
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "interop: kafkajs does not read our segments as ksim does (${result}); "
                      "the files are in ${OUTPUT_DIR}")
endif()
