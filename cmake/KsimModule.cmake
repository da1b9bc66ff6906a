# ksim_module(<target> DIRECTORY <dir> [DEPENDS <targets>...])
# A library made of every .cpp below <dir> (found with CONFIGURE_DEPENDS, so new files are
# picked up by the next build). Headers are included as "core/storage/x.h" from the source root.
# A module with no sources yet is an INTERFACE library, so the layering can be declared early.
function(ksim_module target)
  cmake_parse_arguments(ARG "" "DIRECTORY" "DEPENDS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${ARG_DIRECTORY}/*.cpp")
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} PUBLIC ${ARG_DEPENDS} PRIVATE ksim_options)
    # Options that change the ABI or instrumentation must reach every consumer too.
    target_link_libraries(${target} PUBLIC ksim_sanitizers)
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} INTERFACE ${ARG_DEPENDS})
  endif()
endfunction()
