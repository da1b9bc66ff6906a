// Catch2's main, compiled here only for a Catch2 without its prebuilt Catch2WithMain library
// (tests/CMakeLists.txt); Debian's catch2 package has it.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
