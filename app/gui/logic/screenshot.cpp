// PNG writing and reading with stb (screenshot.h). The one translation unit of ksim that
// compiles stb_image_write's and stb_image's implementations.
#include "app/gui/logic/screenshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wuseless-cast"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

namespace ksim::gui {

void flip_rows(Screenshot& shot) {
  if (shot.width <= 0 || shot.height <= 1) return;
  const std::size_t row = static_cast<std::size_t>(shot.width) * 4;
  for (std::size_t top = 0, bottom = static_cast<std::size_t>(shot.height) - 1; top < bottom;
       ++top, --bottom) {
    std::swap_ranges(shot.rgba.begin() + static_cast<std::ptrdiff_t>(top * row),
                     shot.rgba.begin() + static_cast<std::ptrdiff_t>((top + 1) * row),
                     shot.rgba.begin() + static_cast<std::ptrdiff_t>(bottom * row));
  }
}

void write_png(const Screenshot& shot, const std::string& path) {
  const std::size_t expected = static_cast<std::size_t>(std::max(shot.width, 0)) *
                               static_cast<std::size_t>(std::max(shot.height, 0)) * 4;
  if (shot.width <= 0 || shot.height <= 0 || shot.rgba.size() != expected) {
    throw std::runtime_error(fmt::format("{}: no image to write ({}x{})", path, shot.width,
                                         shot.height));
  }
  if (stbi_write_png(path.c_str(), shot.width, shot.height, 4, shot.rgba.data(),
                     shot.width * 4) == 0) {
    throw std::runtime_error(fmt::format("{}: cannot write the PNG", path));
  }
}

Screenshot read_png(const std::string& path) {
  int channels = 0;
  Screenshot shot;
  unsigned char* pixels = stbi_load(path.c_str(), &shot.width, &shot.height, &channels, 4);
  if (pixels == nullptr) {
    throw std::runtime_error(fmt::format("{}: cannot read the PNG ({})", path,
                                         stbi_failure_reason()));
  }
  shot.rgba.assign(pixels, pixels + static_cast<std::size_t>(shot.width) *
                                        static_cast<std::size_t>(shot.height) * 4);
  stbi_image_free(pixels);
  return shot;
}

std::size_t distinct_colours(const Screenshot& shot, std::size_t cap) {
  std::unordered_set<std::uint32_t> colours;
  for (std::size_t i = 0; i + 3 < shot.rgba.size() && colours.size() < cap; i += 4) {
    colours.insert(static_cast<std::uint32_t>(shot.rgba[i]) << 16 |
                   static_cast<std::uint32_t>(shot.rgba[i + 1]) << 8 | shot.rgba[i + 2]);
  }
  return colours.size();
}

}  // namespace ksim::gui
