// A property goes on past its first counterexample: each distinct failing
// clause is recorded with its own shrunk counterexample. And a request the
// target leaves unanswered while it answers others is the target's fail.
#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "suite/runner/embedded_server.hpp"
#include "suite/property/properties.hpp"
#include "suite/property/rc_result.hpp"
#include "suite/selftest/faults.hpp"

namespace essconf::property {
namespace {

server::ServiceOptions with_faults(std::initializer_list<const char*> names) {
  selftest::FaultSet set;
  for (const char* name : names) set.set(static_cast<std::size_t>(*selftest::fault_named(name)));
  server::ServiceOptions o;
  o.hooks = selftest::fault_hooks(set);
  return o;
}

std::set<std::string> failing_clauses(const PropertyResult& r) {
  std::set<std::string> out;
  for (const auto& f : r.failures) out.insert(f.clauses.begin(), f.clauses.end());
  return out;
}

TEST(PastFailures, TheDifferentialPropertyListsEveryBrokenClause) {
  runner::EmbeddedServer server(with_faults({"no-request-id", "xml-as-json", "ignore-min-size"}), 4);
  PropertyOptions o;
  o.run.target = server.address();
  o.run.fixture = server.address();
  o.run.seed = 3;
  o.differential_runs = 300;
  const PropertyResult r = check_differential(o);
  EXPECT_EQ(r.verdict, runner::VerdictKind::fail) << r.summary;
  const auto clauses = failing_clauses(r);
  for (const char* clause : {"response.request-id", "response.format.xml", "capacity.min-size"})
    EXPECT_TRUE(clauses.count(clause)) << clause << " missing; summary: " << r.summary;
  for (const auto& f : r.failures) {
    EXPECT_NE(f.detail.find("Minimal case"), std::string::npos) << "each failure has its own counterexample";
    EXPECT_NE(f.detail.find("curl"), std::string::npos);
  }
  EXPECT_LE(r.failures.size(), FailureLedger::kMaxFailures);
}

TEST(PastFailures, TheStatefulPropertyListsMoreThanOneBrokenClause) {
  runner::EmbeddedServer server(with_faults({"no-request-id", "ignore-min-size"}), 4);
  PropertyOptions o;
  o.run.target = server.address();
  o.run.fixture = server.address();
  o.run.seed = 3;
  o.stateful_runs = 30;
  const PropertyResult r = check_stateful(o);
  EXPECT_EQ(r.verdict, runner::VerdictKind::fail) << r.summary;
  const auto clauses = failing_clauses(r);
  EXPECT_TRUE(clauses.count("response.request-id")) << r.summary;
  EXPECT_TRUE(clauses.count("capacity.min-size")) << r.summary;
}

TEST(PastFailures, TheReferencePassesWithoutFailures) {
  runner::EmbeddedServer server({}, 4);
  PropertyOptions o;
  o.run.target = server.address();
  o.run.fixture = server.address();
  o.differential_runs = 100;
  const PropertyResult r = check_differential(o);
  EXPECT_EQ(r.verdict, runner::VerdictKind::pass) << r.summary;
  EXPECT_TRUE(r.failures.empty());
  EXPECT_EQ(r.runs, 100);
}

// A signature is "clause|kind" per failing finding; a case is new while any of its signatures is.
TEST(PastFailures, SignaturesSetAsideOnlyWhatWasRecorded) {
  runner::Verdict v;
  v.kind = runner::VerdictKind::fail;
  v.findings = {{runner::VerdictKind::fail, "response.request-id", "", ""},
                {runner::VerdictKind::deviation, "response.format.default", "", ""}};
  EXPECT_EQ(FailureLedger::signatures(v, model::Profile::spec), std::vector<std::string>{"response.request-id|fail"});
  EXPECT_EQ(FailureLedger::signatures(v, model::Profile::strict).size(), 2u) << "a deviation fails under strict";
  FailureLedger ledger;
  EXPECT_TRUE(ledger.is_new(FailureLedger::signatures(v, model::Profile::strict)));
  ledger.set_aside({"response.request-id|fail"});
  EXPECT_FALSE(ledger.is_new(FailureLedger::signatures(v, model::Profile::spec)));
  EXPECT_TRUE(ledger.is_new(FailureLedger::signatures(v, model::Profile::strict)));
  runner::Verdict error;
  error.kind = runner::VerdictKind::error;
  EXPECT_EQ(FailureLedger::signatures(error, model::Profile::spec), std::vector<std::string>{"harness|error"});
}

// A server that answers "/" at once and every RemoveInstances too late (or never).
class SilentOnCalls {
 public:
  explicit SilentOnCalls(bool answer_probe)
      : server_(options(), [answer_probe](const wire::HttpRequest& r) {
          if (r.target.find("Action=") != std::string::npos || !answer_probe)
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
          return server::HttpResponse{};
        }),
        thread_([this] { server_.run(); }) {}
  ~SilentOnCalls() {
    server_.stop();
    thread_.join();
  }
  client::Url url() const { return {"127.0.0.1", server_.port(), ""}; }

 private:
  static server::ServerOptions options() {
    server::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 4;
    return o;
  }
  server::HttpServer server_;
  std::thread thread_;
};

runner::Verdict verdict_on_silence(bool answer_probe) {
  SilentOnCalls server(answer_probe);
  client::ClientLimits limits;
  limits.request_timeout = std::chrono::milliseconds(100);
  client::HttpClient api(server.url(), limits);
  wire::HttpRequest call;
  call.target = "/?Action=RemoveInstances&ScalingGroupId=sg-1&InstanceId.1=i-1";
  const auto x = api.send(client::with_transport_headers(call, server.url()));
  EXPECT_EQ(x.error, client::TransportError::timeout);
  return runner::unanswered_verdict(x, api, std::chrono::steady_clock::now() + std::chrono::seconds(5));
}

TEST(Unanswered, SilenceWhileOtherRequestsAreAnsweredIsAFail) {
  const auto v = verdict_on_silence(true);
  EXPECT_EQ(v.kind, runner::VerdictKind::fail) << v.summary;
  EXPECT_EQ(v.clauses, std::vector<std::string>{"robust.no-server-error"});
}

TEST(Unanswered, ATargetThatAnswersNothingIsAnError) {
  const auto v = verdict_on_silence(false);
  EXPECT_EQ(v.kind, runner::VerdictKind::error) << v.summary;
}

}  // namespace
}  // namespace essconf::property
