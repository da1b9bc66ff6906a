// Screenshots: the framebuffer's pixels (RGBA), written as PNG with stb, and the checks the GUI
// smoke tests make on them (a blank or single-colour image is a failed render).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ksim::gui {

struct Screenshot {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;  // top row first, 4 bytes a pixel
};

// Reverses the row order (OpenGL reads bottom row first).
void flip_rows(Screenshot& shot);
// Writes a PNG; throws std::runtime_error naming the path when it cannot.
void write_png(const Screenshot& shot, const std::string& path);
// Reads a PNG (as RGBA); throws std::runtime_error naming the path when it cannot.
Screenshot read_png(const std::string& path);
// How many different RGB colours the image has (stops counting at `cap`).
std::size_t distinct_colours(const Screenshot& shot, std::size_t cap = 1u << 20);

}  // namespace ksim::gui
