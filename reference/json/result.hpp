// One way to fail above the codec: a Result<T> is a value, or a Problem that
// says where (a JSON path such as "$.ScalingGroups[0].MinSize", or empty when
// the input is not JSON: a URL, a flag) and what is wrong.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace essconf {

struct Problem {
  Problem() = default;
  Problem(std::string at, std::string reason, std::string from = {})
      : path(std::move(at)), message(std::move(reason)), source(std::move(from)) {}

  std::string path;     // "$..." where the problem is; empty when there is no document
  std::string message;  // a reason a user can act on
  std::string source;   // the file (or flag) it was read from; empty when there is none

  // "source: path: message", leaving out the empty parts.
  std::string text() const {
    std::string out = source;
    for (const std::string* part : {&path, &message})
      if (!part->empty()) out += (out.empty() ? "" : ": ") + *part;
    return out;
  }
  // The same problem, said to be in `file`.
  Problem in(std::string file) && {
    source = std::move(file);
    return std::move(*this);
  }
  friend bool operator==(const Problem&, const Problem&) = default;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Problem problem) : v_(std::in_place_index<1>, std::move(problem)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // Asking a failed result for its value is a bug (asserted), never an exception.
  T& value() & noexcept { assert(ok()); return *std::get_if<0>(&v_); }
  const T& value() const& noexcept { assert(ok()); return *std::get_if<0>(&v_); }
  T&& value() && noexcept { assert(ok()); return std::move(*std::get_if<0>(&v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

  const Problem& problem() const noexcept { assert(!ok()); return *std::get_if<1>(&v_); }
  // The same result, its problem (if any) said to be in `file`.
  Result in(const std::string& file) && {
    if (!ok()) std::get_if<1>(&v_)->source = file;
    return std::move(*this);
  }
  // The problem as one line ("" when there is none).
  std::string error() const { return ok() ? std::string() : problem().text(); }

 private:
  std::variant<T, Problem> v_;
};

// For operations that give nothing back but can fail.
struct Done {
  friend bool operator==(Done, Done) = default;
};
using Status = Result<Done>;

}  // namespace essconf
