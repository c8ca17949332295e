-- wrk script: one catalog case's traffic on one connection, over and over:
-- PUT the World (with Prefer: return=representation, so the answer carries
-- it: the fixture feature world_representation), one RemoveInstances call,
-- GET the World.
-- The baseline for the property phase's request rate with the same request
-- mix (scripts/bench). Usage: wrk -t1 -c1 -s bench/case_mix.lua URL -- WORLD.json
local requests = {}
local i = 0

function init(args)
  local file = assert(io.open(args[1], "rb"), "usage: wrk ... -s case_mix.lua URL -- WORLD.json")
  local world = file:read("*a")
  file:close()
  local get_world = wrk.format("GET", "/_conformance/v1/world")
  requests = {
    wrk.format("PUT", "/_conformance/v1/world",
               {["Content-Type"] = "application/json", ["Prefer"] = "return=representation"}, world),
    wrk.format("GET", "/?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=asg-demo&InstanceId.1=i-demo-auto1"),
    get_world,
  }
end

function request()
  i = i % #requests + 1
  return requests[i]
end
