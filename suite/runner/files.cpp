#include "suite/runner/files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace essconf::runner {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status write_file_atomically(const std::string& path, const std::string& content) {
  const std::filesystem::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Problem("", "cannot write the file", path);
    out << content;
    if (!out.flush()) return Problem("", "write failed", path);
  }
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Problem("", "cannot write the file (" + ec.message() + ")", path);
  }
  return Done{};
}

}  // namespace essconf::runner
