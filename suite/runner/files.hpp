// Whole-file reads and atomic writes, for every file essconf takes or writes.
#pragma once

#include <optional>
#include <string>

#include "reference/json/result.hpp"

namespace essconf::runner {

// The file's bytes, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path);

// Writes `content` to `path` atomically (a temporary file renamed over it).
// The problem names the file ("FILE: reason").
Status write_file_atomically(const std::string& path, const std::string& content);

}  // namespace essconf::runner
