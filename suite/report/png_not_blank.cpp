// png_not_blank FILE: exits 0 when the PNG shows something, 1 when it is
// blank (one colour nearly everywhere), 2 when it cannot be read. Used by the
// report render test on Chromium's screenshot.
#include <png.h>

#include <cstdio>
#include <unordered_map>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: png_not_blank FILE\n");
    return 2;
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, argv[1])) {
    std::fprintf(stderr, "png_not_blank: %s: %s\n", argv[1], image.message);
    return 2;
  }
  image.format = PNG_FORMAT_RGB;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) {
    std::fprintf(stderr, "png_not_blank: %s: %s\n", argv[1], image.message);
    return 2;
  }
  std::unordered_map<unsigned, std::size_t> colours;
  for (std::size_t i = 0; i + 2 < pixels.size(); i += 3)
    ++colours[(unsigned{pixels[i]} << 16) | (unsigned{pixels[i + 1]} << 8) | pixels[i + 2]];
  std::size_t most = 0;
  for (const auto& [c, n] : colours) most = n > most ? n : most;
  const std::size_t total = pixels.size() / 3;
  const double other = total == 0 ? 0 : 1.0 - static_cast<double>(most) / static_cast<double>(total);
  std::printf("%ux%u, %zu colours, %.1f%% of pixels not the background\n", image.width, image.height, colours.size(),
              100 * other);
  // Text, tables and bars: many colours (anti-aliasing) and a few percent of ink.
  return colours.size() >= 16 && other >= 0.02 ? 0 : 1;
}
