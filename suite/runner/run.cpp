#include "suite/runner/run.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <random>
#include <set>

#include <fmt/format.h>

#include "reference/model/catalog.hpp"
#include "reference/model/clause_ids.hpp"
#include "reference/model/expectation_json.hpp"
#include "reference/model/model.hpp"
#include "suite/runner/fixture_driver.hpp"
#include "suite/runner/world_access.hpp"

namespace essconf::runner {
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string headers_text(const std::vector<wire::Header>& headers) {
  std::string out;
  for (const auto& h : headers) out += h.name + ": " + h.value + "\n";
  return out;
}

Verdict error_verdict(std::string summary) {
  Verdict v;
  v.kind = VerdictKind::error;
  v.summary = std::move(summary);
  return v;
}

bool still_answers(client::HttpClient& api, std::chrono::steady_clock::time_point deadline) {
  wire::HttpRequest probe;
  probe.target = "/";
  return api.send(client::with_transport_headers(probe, api.url()), deadline).error == client::TransportError::none;
}

}  // namespace

bool target_lists(const RunOptions& o, std::string_view feature) {
  client::HttpClient c(o.fixture, o.limits, client::Resend::when_dropped);
  FixtureDriver driver(c);
  const auto caps = driver.capabilities();
  return caps && caps->has(feature);
}

client::HttpClient client_for(const RunOptions& o, const client::Url& url, client::Resend resend) {
  client::HttpClient c(url, o.limits, resend);
  if (!o.world_name.empty()) c.add_to_every_request({std::string(kWorldHeader), o.world_name});
  return c;
}

namespace {
bool answerable(client::TransportError e) {
  return e == client::TransportError::timeout || e == client::TransportError::reset || e == client::TransportError::not_http;
}
}  // namespace

Verdict unanswered_verdict(const client::Exchange& x, client::HttpClient& api, std::chrono::steady_clock::time_point deadline) {
  return unanswered_verdict(x, answerable(x.error) && still_answers(api, deadline));
}

Verdict unanswered_verdict(const client::Exchange& x, bool answers_others) {
  const std::string what = fmt::format("the target {}{}", client::describe(x.error), x.error_detail.empty() ? "" : ": " + x.error_detail);
  if (!answerable(x.error) || !answers_others) return error_verdict(what);
  Verdict v;
  v.kind = VerdictKind::fail;
  v.clauses = {std::string(model::clause::kNoServerError)};
  v.findings.push_back({VerdictKind::fail, v.clauses.front(), "an HTTP answer in time, as the target gives to other requests", what});
  v.summary = what + ", while it answers other requests";
  return v;
}

namespace {

class CaseRunner {
 public:
  CaseRunner(const RunOptions& o, client::HttpClient& api, WorldAccess& world,
             std::chrono::steady_clock::time_point deadline)
      : o_(o), api_(api), world_(world), deadline_(deadline), rng_(o.seed), salt_(std::random_device{}()) {}

  CaseResult run(const Case& c) {
    const auto start = std::chrono::steady_clock::now();
    CaseResult r;
    r.id = c.id;
    r.case_clauses = c.clauses;
    r.description = c.description;
    r.file = c.file;
    r.world_before = model::to_json(c.world);
    r.verdict = judge(c, r);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
  }

 private:
  // A nonce no other session has used: drawn from the seed and a random salt
  // of this session. The target remembers nonces across sessions (probe never
  // sets a World that would forget them, and runs of one seed follow each other).
  std::string fresh_nonce() {
    std::uint64_t z = (rng_ += 0x9E3779B97F4A7C15ULL) ^ salt_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return fmt::format("{:016x}{:016x}", z ^ (z >> 31), ++counter_);
  }

  // The spec as sent: signed with the run's credentials when the case leaves it unsigned.
  RequestSpec with_credentials(RequestSpec spec) const {
    if (!spec.sign && o_.credentials) spec.sign = SignSpec::with_key(o_.credentials->first, o_.credentials->second);
    return in_scheme(std::move(spec), o_.signature);
  }

  static Verdict not_sent(const std::string& why) {
    Verdict v;
    v.kind = VerdictKind::not_applicable;
    v.summary = "not sent: probe sends only requests that remove nothing (" + why + ")";
    return v;
  }

  // What the judged sends leave for the checker.
  struct Sent {
    std::optional<std::pair<int, std::string>> first_answer;  // status and Code of the first send
    bool same_expectation = true;                              // every send had the same expectation
    Observation observed;                                      // the last answer
    std::optional<model::Expectation> expectation;             // for the last send
    model::World world_before_last;                            // the World the last send met
  };

  Verdict judge(const Case& c, CaseResult& r) {
    if (auto v = cannot_run(c)) return *v;
    if (auto loaded = world_.set(c.world); !loaded) return error_verdict(loaded.error());
    model::World world = c.world;  // the model's view, call after call
    model::NonceLedger nonces;
    if (auto v = send_before(c, r, world, nonces)) return *v;
    Sent sent;
    sent.world_before_last = world;
    if (auto v = send_judged(c, r, world, nonces, sent)) {
      world_.narrow(c, nullptr, nullptr, *v, r.case_clauses);
      return *v;
    }
    if (auto v = read_world_after(c, r, sent.observed)) return *v;
    r.expectation = model::to_json(*sent.expectation);
    Verdict v = check({*sent.expectation, sent.world_before_last, c.complete_activities}, sent.observed);
    check_deterministic(c, sent, v);
    world_.narrow(c, &*sent.expectation, &sent.observed, v, r.case_clauses);
    return v;
  }

  std::optional<Verdict> cannot_run(const Case& c) const {
    if (auto why = world_.cannot_run(c); !why.empty()) {
      Verdict v;
      v.kind = VerdictKind::not_applicable;
      v.summary = std::move(why);
      return v;
    }
    if (std::chrono::steady_clock::now() >= deadline_) return error_verdict("the run's time limit was reached");
    return std::nullopt;
  }

  // The requests that set the scene: sent, not judged; the model follows the
  // nonces they use and the World they leave.
  std::optional<Verdict> send_before(const Case& c, CaseResult& r, model::World& world, model::NonceLedger& nonces) {
    for (const auto& spec : c.before) {
      const std::int64_t now = unix_now();
      const auto request = client::with_transport_headers(
          build_request(with_credentials(spec), now, fresh_nonce(), o_.target.host_header()), o_.target);
      const model::Context ctx{now, o_.clock_tolerance, &nonces, o_.signature == SignatureScheme::v3};
      std::string unsafe;
      const auto e = world_.expect(world, request, o_.profile, ctx, unsafe);
      if (!e) return not_sent(unsafe);
      r.requests.push_back(wire::to_http_bytes(request));
      const client::Exchange x = api_.send(request, deadline_);
      if (x.error != client::TransportError::none)
        return error_verdict(fmt::format("the target {} (on a preparing request)", client::describe(x.error)));
      if (e->reference.nonce_used) nonces.record(*e->reference.nonce_used, x.status / 100 == 2);
      if (auto v = follow_world(world)) return v;
    }
    return std::nullopt;
  }

  // The model's World for the next send: what the target now holds, where it
  // can be read (else it is unchanged).
  std::optional<Verdict> follow_world(model::World& world) {
    auto now_world = world_.read();
    if (!now_world) return error_verdict(now_world.error());
    if (*now_world) world = std::move(**now_world);
    return std::nullopt;
  }

  // The judged request, `repeat` times with the same bytes; a verdict when
  // the target did not answer.
  std::optional<Verdict> send_judged(const Case& c, CaseResult& r, model::World& world, model::NonceLedger& nonces,
                                     Sent& sent) {
    std::string first_reference;
    const std::string nonce = fresh_nonce();
    const RequestSpec spec = with_credentials(c.request);
    for (int i = 0; i < c.repeat; ++i) {
      const std::int64_t now = unix_now();
      const auto request =
          client::with_transport_headers(build_request(spec, now, nonce, o_.target.host_header()), o_.target);
      const model::Context ctx{now, o_.clock_tolerance, &nonces, o_.signature == SignatureScheme::v3};
      std::string unsafe;
      sent.expectation = world_.expect(world, request, o_.profile, ctx, unsafe);
      if (!sent.expectation) return not_sent(unsafe);
      const std::string reference = model::to_json(*sent.expectation);
      if (i == 0) first_reference = reference;
      sent.same_expectation = sent.same_expectation && reference == first_reference;
      r.requests.push_back(wire::to_http_bytes(request));
      r.curl = wire::to_curl(request, o_.target.origin());
      const client::Exchange x = api_.send(request, deadline_);
      if (x.error == client::TransportError::reset &&
          (sent.expectation->malformed_http || sent.expectation->may_refuse_as_malformed))
        return closed_on_malformed(r, world, *sent.expectation);
      if (x.error != client::TransportError::none) {
        r.expectation = model::to_json(*sent.expectation);
        return unanswered_verdict(x, api_, deadline_);
      }
      sent.observed = {x.status, x.headers, x.body, std::nullopt};
      r.status = x.status;
      r.response_headers = headers_text(x.headers);
      r.response_body = x.body.substr(0, 64 * 1024);
      if (sent.expectation->reference.nonce_used)
        nonces.record(*sent.expectation->reference.nonce_used, x.status / 100 == 2);
      if (!sent.first_answer) sent.first_answer.emplace(x.status, wire::parse_body(x.body).field("Code").value_or(""));
      sent.world_before_last = world;
      if (i + 1 < c.repeat)
        if (auto v = follow_world(world)) return v;
    }
    return std::nullopt;
  }

  // Closing on bytes that are not HTTP is a proper answer: check only that nothing moved.
  Verdict closed_on_malformed(CaseResult& r, const model::World& world, const model::Expectation& expectation) {
    auto after = world_.read();
    if (!after) return error_verdict(after.error());
    r.expectation = model::to_json(expectation);
    if (*after) r.world_after = model::to_json(**after);
    Verdict v;
    if (*after && !(comparable(**after, world) == comparable(world, world))) {
      v.kind = VerdictKind::fail;
      v.clauses = {std::string(model::clause::kRejectedUnchanged)};
      v.findings.push_back({VerdictKind::fail, v.clauses.front(), "the World unchanged", "another World"});
      v.summary = "the target closed the connection on bytes that are not HTTP, but changed the World";
    } else {
      v.clauses = {std::string(model::clause::kNoServerError)};
      v.summary = "closed the connection on bytes that are not HTTP, as allowed";
    }
    return v;
  }

  std::optional<Verdict> read_world_after(const Case& c, CaseResult& r, Observation& observed) {
    if (c.complete_activities)
      if (auto done = world_.complete_activities(); !done) return error_verdict(done.error());
    auto after = world_.read();
    if (!after) return error_verdict(after.error());
    if (!*after) return std::nullopt;  // the World cannot be read
    r.world_after = model::to_json(**after);
    observed.world_after = std::move(**after);
    return std::nullopt;
  }

  // robust.deterministic: the same bytes against the same World get the same answer.
  static void check_deterministic(const Case& c, const Sent& sent, Verdict& v) {
    if (c.repeat <= 1 || !sent.same_expectation || !sent.first_answer) return;
    const std::string code = wire::parse_body(sent.observed.body).field("Code").value_or("");
    const auto& [first_status, first_code] = *sent.first_answer;
    if (first_status == sent.observed.status && first_code == code) return;
    v.findings.push_back({VerdictKind::fail, std::string(model::clause::kDeterministic),
                          fmt::format("{} {} again", first_status, first_code),
                          fmt::format("{} {}", sent.observed.status, code)});
    v.kind = VerdictKind::fail;
    v.clauses.push_back(std::string(model::clause::kDeterministic));
    v.summary = "the same request got another answer the second time";
  }

  const RunOptions& o_;
  client::HttpClient& api_;
  WorldAccess& world_;
  std::chrono::steady_clock::time_point deadline_;
  std::uint64_t rng_;
  std::uint64_t salt_;
  std::uint64_t counter_ = 0;
};

// ISO 8601 UTC with milliseconds ("2026-11-26T07:07:01.123Z"): targets run
// one after another within a second sort in the order they ran.
std::string iso_now() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  std::string s = model::format_timestamp(ms / 1000);
  return s.substr(0, s.size() - 1) + fmt::format(".{:03}Z", ms % 1000);
}

}  // namespace

std::string_view name(RunMode m) noexcept { return m == RunMode::probe ? "probe" : "run"; }
std::optional<RunMode> parse_run_mode(std::string_view text) noexcept {
  if (text == "run") return RunMode::run;
  if (text == "probe") return RunMode::probe;
  return std::nullopt;
}

std::map<VerdictKind, int> RunResult::counts() const {
  std::map<VerdictKind, int> m;
  for (auto k : {VerdictKind::pass, VerdictKind::deviation, VerdictKind::fail, VerdictKind::not_applicable,
                 VerdictKind::error})
    m[k] = 0;
  for (const auto& c : cases) ++m[c.verdict.kind];
  return m;
}

struct CaseSession::Impl {
  Impl(const RunOptions& o, std::chrono::steady_clock::time_point deadline)
      : api(client_for(o, o.target)),
        fixture_client(client_for(o, o.fixture, client::Resend::when_dropped)),
        fixture(fixture_client) {
    if (o.probe) {  // no fixture protocol: nothing is asked of it
      world = std::make_unique<DeclaredWorlds>(*o.probe);
      runner.emplace(o, api, *world, deadline);
      return;
    }
    auto c = fixture.capabilities();
    if (!c) {
      error = "the fixture protocol is not usable: " + c.error();
    } else {
      caps = std::move(*c);
      world = std::make_unique<FixtureWorld>(fixture, caps);
      runner.emplace(o, api, *world, deadline);
    }
  }
  client::HttpClient api;
  client::HttpClient fixture_client;
  FixtureDriver fixture;
  Capabilities caps;
  std::string error;
  std::unique_ptr<WorldAccess> world;
  std::optional<CaseRunner> runner;
};

CaseSession::CaseSession(const RunOptions& o, std::chrono::steady_clock::time_point deadline)
    : impl_(std::make_unique<Impl>(o, deadline)) {}
CaseSession::~CaseSession() = default;
const std::string& CaseSession::setup_error() const { return impl_->error; }
const std::vector<std::string>& CaseSession::features() const { return impl_->caps.features; }
std::uint64_t CaseSession::http_requests() const {
  return impl_->api.requests_sent() + impl_->fixture_client.requests_sent();
}
CaseResult CaseSession::run(const Case& c) {
  if (!impl_->runner) {
    CaseResult r;
    r.id = c.id;
    r.verdict = error_verdict(impl_->error);
    return r;
  }
  return impl_->runner->run(c);
}

bool flaky(const std::vector<VerdictKind>& repeats) noexcept {
  return std::adjacent_find(repeats.begin(), repeats.end(), std::not_equal_to<>()) != repeats.end();
}
std::string flaky_text(const std::vector<VerdictKind>& repeats) {
  std::map<VerdictKind, int> n;
  for (const auto k : repeats) ++n[k];
  std::string out;
  for (const auto& [k, count] : n) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", name(k), count);
  return fmt::format("flaky over {} repetitions: {}", repeats.size(), out);
}

bool CaseResult::flaky() const noexcept { return runner::flaky(repeats); }
bool PropertyResult::flaky() const noexcept { return runner::flaky(repeats); }

bool blocks(VerdictKind k, model::Profile profile) noexcept {
  return k == VerdictKind::fail || k == VerdictKind::error || (profile == model::Profile::strict && k == VerdictKind::deviation);
}

bool blocks(const CaseResult& c, model::Profile profile) noexcept { return blocks(c.verdict.kind, profile) || c.flaky(); }
bool blocks(const PropertyResult& p, model::Profile profile) noexcept { return blocks(p.verdict, profile) || p.flaky(); }

bool RunResult::conformant(bool excuse_baseline) const {
  return run_error.empty() && failed_properties() == 0 && std::none_of(cases.begin(), cases.end(), [&](const CaseResult& c) {
           return blocks(c, profile) && !(excuse_baseline && !c.baseline_reason.empty());
         });
}

int RunResult::failed_properties() const {
  return static_cast<int>(std::count_if(properties.begin(), properties.end(), [&](const PropertyResult& p) { return blocks(p, profile); }));
}

int RunResult::flaky_cases() const {
  return static_cast<int>(std::count_if(cases.begin(), cases.end(), [](const CaseResult& c) { return c.flaky(); }));
}

RunResult run_cases(const std::vector<Case>& cases, const RunOptions& o) {
  RunResult result;
  result.spec_revision = model::catalog().revision;
  result.target = o.target.origin() + o.target.base_path;
  result.fixture = o.fixture.origin() + o.fixture.base_path;
  result.profile = o.profile;
  result.seed = o.seed;
  result.mode = o.probe ? RunMode::probe : RunMode::run;
  if (o.probe) result.fixture.clear();
  result.started_at = iso_now();
  const auto start = std::chrono::steady_clock::now();
  CaseSession session(o, start + o.run_timeout);
  if (!session.setup_error().empty()) {
    result.run_error = session.setup_error();
  } else {
    result.features = session.features();
    std::uint64_t failures = 0;
    for (const auto& c : cases) {
      result.cases.push_back(session.run(c));
      if (!o.on_progress) continue;
      failures += blocks(result.cases.back(), o.profile) ? 1 : 0;
      o.on_progress({"catalog", result.cases.size(), cases.size(), failures, session.http_requests()});
    }
  }
  result.http_requests = session.http_requests();
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace essconf::runner
