#include "suite/property/concurrency.hpp"

#include <iostream>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "reference/server/http_server.hpp"
#include "reference/server/service.hpp"
#include "suite/runner/embedded_server.hpp"
#include "suite/property/properties.hpp"
#include "suite/selftest/faults.hpp"

namespace essconf::property {
namespace {

ConcurrencyOptions options_for(const client::Url& url) {
  ConcurrencyOptions o;
  o.run.target = url;
  o.run.fixture = url;
  o.rounds = 20;
  o.connections = 8;
  o.seed = 7;
  return o;
}

void print(const ConcurrencyReport& r) {
  std::cout << "  " << r.rounds_run << " rounds, " << r.failures.size() << " not linearizable, " << r.http_requests
            << " requests, " << r.seconds << " s" << (r.error.empty() ? "" : ", error: " + r.error) << "\n";
  for (const auto& f : r.failures)
    std::cout << "  round " << f.index << " (" << model::name(f.world.completion) << "): " << f.result.explanation << "\n";
}

TEST(Concurrency, ReferenceServerIsLinearizable) {
  runner::EmbeddedServer server({}, 4);
  const auto report = check_concurrency(options_for(server.address()));
  print(report);
  EXPECT_TRUE(report.error.empty()) << report.error;
  EXPECT_EQ(report.rounds_run, 20);
  EXPECT_TRUE(report.failures.empty());
  // Per round: PUT (the reference answers it with the World: world_representation),
  // 8 warm-ups, 8 calls, GET; plus capabilities once.
  EXPECT_EQ(report.http_requests, 1U + 20U * (2U + 16U));
  EXPECT_GT(report.seconds, 0);
}

TEST(Concurrency, RacyMinSizeIsCaught) {
  server::ServiceOptions service_options;
  service_options.hooks = selftest::fault_hooks(selftest::fault_set({selftest::Fault::racy_min_size}));
  runner::EmbeddedServer server(std::move(service_options), 4);
  const auto report = check_concurrency(options_for(server.address()));
  print(report);
  EXPECT_TRUE(report.error.empty()) << report.error;
  EXPECT_EQ(report.rounds_run, 20);
  ASSERT_FALSE(report.failures.empty());
  bool min_size = false;
  for (const auto& f : report.failures) {
    EXPECT_FALSE(f.result.linearizable);
    EXPECT_FALSE(f.result.explanation.empty());
    EXPECT_EQ(f.history.size(), 8U);
    min_size = min_size || f.result.explanation.find("MinSize") != std::string::npos;
  }
  EXPECT_TRUE(min_size) << "no explanation mentions MinSize";
}

TEST(Concurrency, SameSeedGivesTheSameRounds) {
  server::ServiceOptions service_options;
  service_options.hooks = selftest::fault_hooks(selftest::fault_set({selftest::Fault::racy_min_size}));
  runner::EmbeddedServer server(std::move(service_options), 4);
  auto o = options_for(server.address());
  o.rounds = 4;
  const auto a = check_concurrency(o);
  const auto b = check_concurrency(o);
  ASSERT_TRUE(a.error.empty()) << a.error;
  ASSERT_TRUE(b.error.empty()) << b.error;
  // The Worlds and requests of a round depend only on (seed, round).
  ASSERT_FALSE(a.failures.empty());
  for (const auto& fa : a.failures)
    for (const auto& fb : b.failures)
      if (fa.index == fb.index) {
        EXPECT_EQ(fa.world, fb.world);
        ASSERT_EQ(fa.history.size(), fb.history.size());
        for (std::size_t i = 0; i < fa.history.size(); ++i) EXPECT_EQ(fa.history[i].request.target, fb.history[i].request.target);
      }
}

TEST(Concurrency, UnreachableTargetIsAnError) {
  ConcurrencyOptions o;
  o.run.target = {"127.0.0.1", 1, ""};
  o.run.fixture = o.run.target;
  o.run.limits.connect_timeout = std::chrono::milliseconds(500);
  o.rounds = 2;
  const auto report = check_concurrency(o);
  print(report);
  EXPECT_FALSE(report.error.empty());
  EXPECT_NE(report.error.find("capabilities"), std::string::npos) << report.error;
  EXPECT_EQ(report.rounds_run, 0);
  EXPECT_TRUE(report.failures.empty());
}

TEST(Concurrency, ZeroConnectionsIsAnError) {
  ConcurrencyOptions o;
  o.connections = 0;
  const auto report = check_concurrency(o);
  EXPECT_FALSE(report.error.empty());
  EXPECT_EQ(report.rounds_run, 0);
}

}  // namespace
}  // namespace essconf::property

namespace essconf::property {
namespace {

// Calls that get no answer may have taken effect in any order, so a history
// of nothing but unanswered calls is trivially linearizable: the property
// says it could not judge instead of passing.
TEST(Concurrency, ATargetThatAnswersNoCallIsNotJudged) {
  runner::EmbeddedServer fixture({}, 4);  // the fixture protocol works; the API answers too late
  server::ServerOptions slow_options;
  slow_options.port = 0;
  slow_options.threads = 32;  // every sleeping call holds a thread; the next round's warm-up needs one
  server::HttpServer slow(slow_options, [](const wire::HttpRequest& r) {
    // The clients' warm-up (capabilities) is answered; RemoveInstances calls time out.
    if (!r.path().starts_with("/_conformance/")) std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return server::HttpResponse{};
  });
  std::thread slow_thread([&] { slow.run(); });
  PropertyOptions o;
  o.run.target = {"127.0.0.1", slow.port(), ""};
  o.run.fixture = fixture.address();
  o.run.limits.request_timeout = std::chrono::milliseconds(100);
  o.concurrency_rounds = 2;
  const PropertyResult r = check_concurrency_property(o);
  slow.stop();
  slow_thread.join();
  EXPECT_EQ(r.verdict, runner::VerdictKind::error) << r.summary;
  EXPECT_NE(r.summary.find("answered none of the calls"), std::string::npos) << r.summary;
}

}  // namespace
}  // namespace essconf::property
