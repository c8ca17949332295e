-- wrk script: a realistic mix of answers for essconf serve's throughput
-- (scripts/bench, `wrk -t2 -c16 -s bench/serve_mix.lua URL`). Each
-- connection cycles through 20 requests:
--   1 PUT of a World (group asg-mix: 40 members, MinSize 0; Auth None), which
--     also restores what earlier calls removed;
--   4 RemoveInstances calls that succeed while the member is still there
--     (another connection may have removed it: then InvalidInstanceId.NotFound);
--   15 refusals of 8 kinds: unknown instance, unknown group, 21 ids, bad
--     Version, no InstanceId, bad RemovePolicy, unknown Action, XML format.
-- The baseline server answers the same requests with a fixed body.
local members = 40
local cycle = {}
local next_member = 0
local i = 0

local function call(params)
  return wrk.format("GET", "/?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=asg-mix&" .. params)
end

local function world()
  local ecs, ids = {}, {}
  for k = 1, members do
    ecs[#ecs + 1] = string.format('{"InstanceId":"i-mix-%d","Status":"Running"}', k)
    ids[#ids + 1] = string.format('{"InstanceId":"i-mix-%d","CreationType":"AutoCreated","LifecycleState":"InService"}', k)
  end
  return '{"RegionId":"cn-hangzhou","ActivityCompletion":"Immediate","Auth":{"Mode":"None"},' ..
    '"EcsInstances":[' .. table.concat(ecs, ",") .. '],' ..
    '"ScalingGroups":[{"ScalingGroupId":"asg-mix","LifecycleState":"Active",' ..
    '"MinSize":0,"MaxSize":100,"ScalingPolicy":"release","Instances":[' .. table.concat(ids, ",") .. ']}],' ..
    '"ScalingActivities":[]}'
end

function init(args)
  local many = {}
  for k = 1, 21 do many[#many + 1] = string.format("InstanceId.%d=i-mix-%d", k, k) end
  local refusals = {
    call("InstanceId.1=i-mix-none"),
    wrk.format("GET", "/?Action=RemoveInstances&Version=2014-08-28&ScalingGroupId=asg-none&InstanceId.1=i-mix-1"),
    call(table.concat(many, "&")),
    wrk.format("GET", "/?Action=RemoveInstances&Version=2015-01-01&ScalingGroupId=asg-mix&InstanceId.1=i-mix-1"),
    call("RemovePolicy=recycle"),
    call("InstanceId.1=i-mix-1&RemovePolicy=destroy"),
    wrk.format("GET", "/?Action=RemoveInstancez&Version=2014-08-28&ScalingGroupId=asg-mix&InstanceId.1=i-mix-1"),
    call("InstanceId.1=i-mix-none&Format=XML"),
  }
  cycle[#cycle + 1] = wrk.format("PUT", "/_conformance/v1/world", {["Content-Type"] = "application/json"}, world())
  for k = 1, 19 do
    if k % 5 == 0 then
      cycle[#cycle + 1] = "success"  -- built per call: the next member
    else
      cycle[#cycle + 1] = refusals[(k - 1) % #refusals + 1]
    end
  end
end

function request()
  i = i % #cycle + 1
  if cycle[i] == "success" then
    next_member = next_member % members + 1
    return call("InstanceId.1=i-mix-" .. next_member)
  end
  return cycle[i]
end
