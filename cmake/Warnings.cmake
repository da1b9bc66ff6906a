# ksim_warnings: the project's warning policy as an INTERFACE target, linked by every target we
# own (never by third-party code). Warnings are errors. -Wnull-dereference is left out: with
# -O2, GCC 12 reports it from inside inlined libstdc++ string code (false positives).
add_library(ksim_warnings INTERFACE)
target_compile_options(ksim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  -Werror)

# ksim_sanitizers: ASan + UBSan when KSIM_SANITIZE is on; aborts on the first UB report.
add_library(ksim_sanitizers INTERFACE)
if(KSIM_SANITIZE)
  target_compile_options(ksim_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(ksim_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# ksim_options: what every ksim target links: warnings and (optionally) sanitizers.
add_library(ksim_options INTERFACE)
target_link_libraries(ksim_options INTERFACE ksim_warnings ksim_sanitizers)
