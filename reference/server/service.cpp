#include "reference/server/service.hpp"

#include <chrono>
#include <optional>
#include <random>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace essconf::server {
namespace {

// Nonces older than the timestamp window on both sides can never be replayed
// with a valid Timestamp, so they are forgotten; the count is bounded too.
constexpr std::int64_t kNonceMemorySeconds = 2 * 15 * 60;
constexpr std::size_t kNonceMemoryMax = 1'000'000;

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// splitmix64's output for one counter value (the counter advances by kGolden per draw).
std::uint64_t splitmix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json;charset=utf-8"});
  r.body = std::move(body);
  return r;
}

HttpResponse protocol_error(int status, const std::string& reason) {
  return json_response(status, boost::json::serialize(boost::json::object{{"error", reason}}));
}

// Whether a Prefer header (RFC 7240: comma-separated preferences, each
// `token [= value] *( ";" parameter )`, tokens case-insensitive) asks for
// return=representation.
bool wants_representation(std::string_view prefer) {
  while (!prefer.empty()) {
    const auto comma = prefer.find(',');
    std::string_view item = prefer.substr(0, comma);
    prefer = comma == std::string_view::npos ? std::string_view() : prefer.substr(comma + 1);
    item = item.substr(0, item.find(';'));
    std::string compact;
    for (const char c : item)
      if (c != ' ' && c != '\t' && c != '"') compact += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (compact == "return=representation") return true;
  }
  return false;
}

}  // namespace

Service::Service(model::World world, ServiceOptions options)
    : world_(std::move(world)), options_(std::move(options)) {
  rng_counter_ = options_.seed != 0 ? options_.seed : std::random_device{}();
  if (!options_.clock)
    options_.clock = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
}

model::World Service::world() const {
  std::shared_lock lock(mu_);
  return world_;
}

HttpResponse Service::handle(const wire::HttpRequest& request) {
  if (is_fixture_path(request.path())) return fixture(request);
  return remove_instances(request);
}

std::string Service::next_request_id() {
  const std::uint64_t c = rng_counter_.fetch_add(2 * kGolden, std::memory_order_relaxed);
  const std::uint64_t a = splitmix64(c + kGolden), b = splitmix64(c + 2 * kGolden);
  return fmt::format("{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFF,
                     0x8000 | ((b >> 48) & 0x3FFF), b & 0xFFFFFFFFFFFFULL);
}

std::string Service::next_activity_id() {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string id = "asa-";
  const std::uint64_t c = rng_counter_.fetch_add(2 * kGolden, std::memory_order_relaxed);
  std::uint64_t r = splitmix64(c + kGolden);
  for (int i = 0; i < 20; ++i) {
    if (i == 12) r = splitmix64(c + 2 * kGolden);
    id += kAlphabet[r % 36];
    r /= 36;
  }
  return id;
}

void Service::remember_nonce(const model::NonceUse& use, bool succeeded, std::int64_t now) {
  while (!nonce_order_.empty() &&
         (nonce_order_.front().first < now - kNonceMemorySeconds || nonce_order_.size() >= kNonceMemoryMax)) {
    nonces_.forget(nonce_order_.front().second);
    nonce_order_.pop_front();
  }
  if (!nonces_.seen(use.nonce)) nonce_order_.emplace_back(now, use.nonce);
  nonces_.record(use, succeeded);
}

model::Context Service::context() const { return {options_.clock(), 0, &nonces_}; }

HttpResponse Service::remove_instances(const wire::HttpRequest& request) {
  if (!options_.hooks.empty()) return remove_instances_hooked(request);
  std::shared_lock read(mu_);
  const std::uint64_t judged_version = version_;
  model::Decision d = model::decide(world_, request, context());
  read.unlock();
  // A refusal that records no nonce changes nothing: its linearization point
  // is the shared lock, and two of them run at once.
  if (!d.success && !d.nonce_used) return render(d, request, {d.format, next_request_id(), "", d.code});
  std::unique_lock write(mu_);
  if (version_ != judged_version) d = model::decide(world_, request, context());
  return act(std::move(d), request, write);
}

HttpResponse Service::act(model::Decision d, const wire::HttpRequest& request,
                          std::unique_lock<std::shared_mutex>& lock) {
  if (d.nonce_used) remember_nonce(*d.nonce_used, d.success, options_.clock());
  RenderFields fields{d.format, "", "", d.code};
  if (d.success) {
    fields.activity_id = next_activity_id();
    world_ = model::apply(world_, d.effects, fields.activity_id);
  }
  ++version_;
  lock.unlock();  // the body is rendered from the decision alone
  fields.request_id = next_request_id();
  return render(d, request, std::move(fields));
}

// With hooks (the self-test's faults and readings): one exclusive lock from
// decision to effect, and the hooks' points in between.
HttpResponse Service::remove_instances_hooked(const wire::HttpRequest& original) {
  const ServiceHooks& hooks = options_.hooks;
  std::unique_lock lock(mu_);
  const std::uint64_t call = calls_++;
  model::Context ctx = context();
  // What the model judges: the World and the request as they are, unless a
  // hook bends them (then on copies, so the kept World is only changed by apply).
  model::World bent_world = world_;
  wire::HttpRequest request = original;
  for (const auto& h : hooks) h->before_model(bent_world, request, ctx);
  model::Decision d = model::decide(bent_world, request, ctx);
  for (const auto& h : hooks) h->after_model(d, bent_world, request, ctx, call);
  if (d.nonce_used) remember_nonce(*d.nonce_used, d.success, options_.clock());

  RenderFields fields{d.format, "", "", d.code};
  if (d.success) {
    for (const auto& h : hooks) h->before_effects(lock);
    fields.activity_id = next_activity_id();
    model::World after = model::apply(world_, d.effects, fields.activity_id);
    for (const auto& h : hooks) h->after_apply(after, world_, d, request);
    world_ = std::move(after);
  } else {
    for (const auto& h : hooks) h->after_apply(world_, world_, d, request);
  }
  ++version_;
  lock.unlock();
  fields.request_id = next_request_id();
  return render(d, request, std::move(fields));
}

HttpResponse Service::render(const model::Decision& d, const wire::HttpRequest& request, RenderFields fields) const {
  for (const auto& h : options_.hooks) h->before_render(fields, d, request);
  HttpResponse r;
  r.status = d.status;
  wire::Rendered body;
  if (d.success) {
    body = wire::render_success({fields.request_id, fields.activity_id}, fields.format);
  } else {
    body = wire::render_error({fields.request_id, options_.host_id, fields.code, d.message,
                               fmt::format("https://api.aliyun.com/troubleshoot?q={}&product=Ess", d.code)},
                              fields.format);
    r.headers.push_back({"X-Essconf-Code", d.code});
  }
  r.headers.push_back({"Content-Type", std::move(body.content_type)});
  r.headers.push_back({"x-acs-request-id", fields.request_id});
  r.body = std::move(body.body);
  for (const auto& h : options_.hooks) h->on_response(r, d);
  return r;
}

HttpResponse Service::fixture(const wire::HttpRequest& request) {
  const std::string_view path = request.path();
  const std::string_view what = path.size() >= kFixturePrefix.size() ? path.substr(kFixturePrefix.size()) : "";
  const auto& method = request.method;
  auto wrong_method = [&](std::string_view allowed) {
    HttpResponse r = protocol_error(405, fmt::format("{} does not allow {}; use {}", path, method, allowed));
    r.headers.push_back({"Allow", std::string(allowed)});
    return r;
  };
  if (what == "capabilities") {
    if (method != "GET") return wrong_method("GET");
    return json_response(200, R"({"protocol":1,"features":["world","activities","auth","load_balancers","db_instances","world_representation"]})");
  }
  if (what == "world") {
    if (method == "GET") return json_response(200, model::to_json(world()));
    if (method != "PUT") return wrong_method("GET, PUT");
    auto parsed = model::parse_world(request.body);
    if (!parsed) return protocol_error(400, "invalid World at " + parsed.error());
    // world_representation: asked with "Prefer: return=representation"
    // (RFC 7240), the answer carries the World as a GET would read it.
    const bool representation = wants_representation(request.header("Prefer"));
    std::unique_lock lock(mu_);
    world_ = std::move(*parsed);
    nonces_.clear();
    nonce_order_.clear();
    ++version_;
    if (representation) {
      HttpResponse r = json_response(200, model::to_json(world_));
      r.headers.push_back({"Preference-Applied", "return=representation"});
      return r;
    }
    HttpResponse r;
    r.status = 204;
    return r;
  }
  if (what == "activities/complete") {
    if (method != "POST") return wrong_method("POST");
    std::vector<std::string> done;
    {
      std::unique_lock lock(mu_);
      done = model::complete_activities(world_);
      ++version_;
    }
    boost::json::array ids;
    for (auto& id : done) ids.emplace_back(id);
    return json_response(200, boost::json::serialize(boost::json::object{{"completed", std::move(ids)}}));
  }
  return protocol_error(404, fmt::format("no fixture endpoint {} (protocol v1 has capabilities, world, "
                                         "activities/complete)", path));
}

}  // namespace essconf::server
