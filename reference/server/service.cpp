#include "reference/server/service.hpp"

#include <algorithm>
#include <cctype>
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

bool is_world_name(std::string_view name) noexcept {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
}

Service::Service(model::World world, ServiceOptions options) : options_(std::move(options)) {
  default_.world = std::move(world);
  rng_counter_ = options_.seed != 0 ? options_.seed : std::random_device{}();
  if (!options_.clock)
    options_.clock = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
}

model::World Service::world() const {
  std::shared_lock lock(default_.mu);
  return default_.world;
}

Service::State* Service::state_of(const wire::HttpRequest& request, bool create) {
  if (!request.has_header(kWorldHeader)) return &default_;
  const std::string_view name = request.header(kWorldHeader);
  if (!is_world_name(name)) return nullptr;
  {
    std::shared_lock lock(names_mu_);
    if (const auto it = named_.find(name); it != named_.end()) return it->second.get();
  }
  if (!create) return nullptr;
  std::unique_lock lock(names_mu_);
  if (const auto it = named_.find(name); it != named_.end()) return it->second.get();
  if (named_.size() >= kMaxNamedWorlds) return nullptr;
  return named_.emplace(std::string(name), std::make_unique<State>()).first->second.get();
}

HttpResponse Service::handle(const wire::HttpRequest& request) {
  if (is_fixture_path(request.path())) return fixture(request);
  State* s = state_of(request, /*create=*/false);
  return remove_instances(s != nullptr ? *s : unloaded_, request);
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

void Service::remember_nonce(State& s, const model::NonceUse& use, bool succeeded, std::int64_t now) {
  while (!s.nonce_order.empty() &&
         (s.nonce_order.front().first < now - kNonceMemorySeconds || s.nonce_order.size() >= kNonceMemoryMax)) {
    s.nonces.forget(s.nonce_order.front().second);
    s.nonce_order.pop_front();
  }
  if (!s.nonces.seen(use.nonce)) s.nonce_order.emplace_back(now, use.nonce);
  s.nonces.record(use, succeeded);
}

model::Context Service::context(const State& s) const { return {options_.clock(), 0, &s.nonces}; }

HttpResponse Service::remove_instances(State& s, const wire::HttpRequest& request) {
  if (!options_.hooks.empty()) return remove_instances_hooked(s, request);
  std::shared_lock read(s.mu);
  const std::uint64_t judged_version = s.version;
  model::Decision d = model::decide(s.world, request, context(s));
  read.unlock();
  // A refusal that records no nonce changes nothing: its linearization point
  // is the shared lock, and two of them run at once.
  if (!d.success && !d.nonce_used) return render(d, request, {d.format, next_request_id(), "", d.code});
  std::unique_lock write(s.mu);
  if (s.version != judged_version) d = model::decide(s.world, request, context(s));
  return act(s, std::move(d), request, write);
}

HttpResponse Service::act(State& s, model::Decision d, const wire::HttpRequest& request,
                          std::unique_lock<std::shared_mutex>& lock) {
  if (d.nonce_used) remember_nonce(s, *d.nonce_used, d.success, options_.clock());
  RenderFields fields{d.format, "", "", d.code};
  if (d.success) {
    fields.activity_id = next_activity_id();
    s.world = model::apply(s.world, d.effects, fields.activity_id);
  }
  ++s.version;
  lock.unlock();  // the body is rendered from the decision alone
  fields.request_id = next_request_id();
  return render(d, request, std::move(fields));
}

// With hooks (the self-test's faults and readings): one exclusive lock from
// decision to effect, and the hooks' points in between.
HttpResponse Service::remove_instances_hooked(State& s, const wire::HttpRequest& original) {
  const ServiceHooks& hooks = options_.hooks;
  std::unique_lock lock(s.mu);
  const std::uint64_t call = s.calls++;
  model::Context ctx = context(s);
  // What the model judges: the World and the request as they are, unless a
  // hook bends them (then on copies, so the kept World is only changed by apply).
  model::World bent_world = s.world;
  wire::HttpRequest request = original;
  for (const auto& h : hooks) h->before_model(bent_world, request, ctx);
  model::Decision d = model::decide(bent_world, request, ctx);
  for (const auto& h : hooks) h->after_model(d, bent_world, request, ctx, call);
  if (d.nonce_used) remember_nonce(s, *d.nonce_used, d.success, options_.clock());

  RenderFields fields{d.format, "", "", d.code};
  if (d.success) {
    for (const auto& h : hooks) h->before_effects(lock);
    fields.activity_id = next_activity_id();
    model::World after = model::apply(s.world, d.effects, fields.activity_id);
    for (const auto& h : hooks) h->after_apply(after, s.world, d, request);
    s.world = std::move(after);
  } else {
    for (const auto& h : hooks) h->after_apply(s.world, s.world, d, request);
  }
  ++s.version;
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

HttpResponse Service::put_world(State& s, const wire::HttpRequest& request) {
  auto parsed = model::parse_world(request.body);
  if (!parsed) return protocol_error(400, "invalid World at " + parsed.error());
  // world_representation: asked with "Prefer: return=representation"
  // (RFC 7240), the answer carries the World as a GET would read it.
  const bool representation = wants_representation(request.header("Prefer"));
  std::unique_lock lock(s.mu);
  s.world = std::move(*parsed);
  s.nonces.clear();
  s.nonce_order.clear();
  ++s.version;
  if (representation) {
    HttpResponse r = json_response(200, model::to_json(s.world));
    r.headers.push_back({"Preference-Applied", "return=representation"});
    return r;
  }
  HttpResponse r;
  r.status = 204;
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
    return json_response(200, R"({"protocol":1,"features":["world","activities","auth","load_balancers","db_instances","world_representation","isolated_worlds"]})");
  }
  if (what != "world" && what != "activities/complete")
    return protocol_error(404, fmt::format("no fixture endpoint {} (protocol v1 has capabilities, world, "
                                           "activities/complete)", path));
  if (request.has_header(kWorldHeader) && !is_world_name(request.header(kWorldHeader)))
    return protocol_error(400, fmt::format("{} must be 1 to 64 characters of A-Z a-z 0-9 . _ -", kWorldHeader));
  const bool is_put = what == "world" && method == "PUT";
  State* s = state_of(request, /*create=*/is_put);
  if (s == nullptr && is_put)
    return protocol_error(400, fmt::format("this target keeps at most {} named Worlds", kMaxNamedWorlds));
  State& state = s != nullptr ? *s : unloaded_;  // a name no PUT loaded: the empty World
  if (what == "world") {
    if (method == "GET") {
      std::shared_lock lock(state.mu);
      return json_response(200, model::to_json(state.world));
    }
    if (method != "PUT") return wrong_method("GET, PUT");
    return put_world(state, request);
  }
  if (method != "POST") return wrong_method("POST");
  std::vector<std::string> done;
  if (&state != &unloaded_) {
    std::unique_lock lock(state.mu);
    done = model::complete_activities(state.world);
    ++state.version;
  }
  boost::json::array ids;
  for (auto& id : done) ids.emplace_back(id);
  return json_response(200, boost::json::serialize(boost::json::object{{"completed", std::move(ids)}}));
}

}  // namespace essconf::server
