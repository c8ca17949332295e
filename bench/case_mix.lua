-- wrk script: one catalog case's traffic on one connection, over and over:
-- PUT the World (with Prefer: return=representation, so the answer carries
-- it: the fixture feature world_representation), one RemoveInstances call,
-- GET the World.
-- The baseline for the property phase's request rate with the same request
-- mix (scripts/bench). Usage: wrk -t1 -c1 -s bench/case_mix.lua URL -- WORLD.json [isolated]
-- With "isolated" (and one connection per thread, -tN -cN), thread K sends
-- every request with "Conformance-World: wrk-K": its own World, as the
-- property streams of essconf run --streams N do (isolated_worlds).
local requests = {}
local i = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  local file = assert(io.open(args[1], "rb"), "usage: wrk ... -s case_mix.lua URL -- WORLD.json [isolated]")
  local world = file:read("*a")
  file:close()
  local headers = {}
  if args[2] == "isolated" then headers["Conformance-World"] = "wrk-" .. id end
  local function with(extra)
    local h = {}
    for k, v in pairs(headers) do h[k] = v end
    for k, v in pairs(extra or {}) do h[k] = v end
    return h
  end
  requests = {
    wrk.format("PUT", "/_conformance/v1/world",
               with({["Content-Type"] = "application/json", ["Prefer"] = "return=representation"}), world),
    wrk.format("GET", "/?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=asg-demo&InstanceId.1=i-demo-auto1",
               with()),
    wrk.format("GET", "/_conformance/v1/world", with()),
  }
end

function request()
  i = i % #requests + 1
  return requests[i]
end
