// The fixture driver against the reference service behind a real transport,
// with and without the optional feature world_representation: what it sends
// and how it reads the World back.
#include "suite/runner/fixture_driver.hpp"

#include <atomic>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "reference/server/http_server.hpp"
#include "reference/server/service.hpp"
#include "suite/selftest/model_fixtures.hpp"

namespace essconf::runner {
namespace {

// The reference service, bent as a target of another kind would be.
struct Target {
  enum class Kind { reference, v1_only, lists_but_ignores_prefer, answers_another_world };

  explicit Target(Kind k)
      : kind(k),
        service(model::World{}),
        http({"127.0.0.1", 0, 1, {}}, [this](const wire::HttpRequest& r) { return handle(r); }),
        thread([this] { http.run(false); }) {}
  ~Target() {
    http.stop();
    thread.join();
  }

  server::HttpResponse handle(const wire::HttpRequest& r) {
    if (r.method == "GET" && r.target.ends_with("/world")) gets.fetch_add(1);
    wire::HttpRequest bent = r;
    if (kind == Kind::lists_but_ignores_prefer || kind == Kind::v1_only)
      std::erase_if(bent.headers, [](const wire::Header& h) { return h.name == "Prefer"; });
    server::HttpResponse answer = service.handle(bent);
    if (kind == Kind::v1_only && r.target.ends_with("/capabilities"))
      answer.body = R"({"protocol":1,"features":["world","activities"]})";
    if (kind == Kind::answers_another_world && r.method == "PUT" && answer.status == 200)
      answer.body = model::to_json(model::World{});
    return answer;
  }

  Kind kind;
  server::Service service;
  server::HttpServer http;
  std::thread thread;
  std::atomic<int> gets{0};
};

struct Loaded {
  Status status;
  int gets;
};

Loaded load_on(Target::Kind kind) {
  Target target(kind);
  client::HttpClient client({"127.0.0.1", target.http.port(), ""});
  FixtureDriver driver(client);
  EXPECT_TRUE(driver.capabilities());
  Status s = driver.load_world(model::testing::base_world());
  return {std::move(s), target.gets.load()};
}

TEST(FixtureDriver, WithWorldRepresentationTheWorldIsReadFromThePutsAnswer) {
  const auto r = load_on(Target::Kind::reference);
  EXPECT_TRUE(r.status) << r.status.error();
  EXPECT_EQ(r.gets, 0);
}

TEST(FixtureDriver, AVersion1TargetIsReadBackWithAGet) {
  const auto r = load_on(Target::Kind::v1_only);
  EXPECT_TRUE(r.status) << r.status.error();
  EXPECT_EQ(r.gets, 1);
}

TEST(FixtureDriver, APreferenceTheTargetIgnoresFallsBackToAGet) {
  const auto r = load_on(Target::Kind::lists_but_ignores_prefer);
  EXPECT_TRUE(r.status) << r.status.error();
  EXPECT_EQ(r.gets, 1);
}

TEST(FixtureDriver, AWorldInThePutsAnswerIsCheckedLikeARead) {
  const auto r = load_on(Target::Kind::answers_another_world);
  ASSERT_FALSE(r.status);
  EXPECT_NE(r.status.error().find("did not load the World faithfully"), std::string::npos) << r.status.error();
}

}  // namespace
}  // namespace essconf::runner
