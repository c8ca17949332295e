// Interop test: Alibaba Cloud's official Node SDK (@alicloud/pop-core 1.8.0)
// against `essconf serve`, the reference server.
//
//   node pop_core_interop.mjs --essconf PATH [--modules DIR] [--verbose]
//
// Starts `essconf serve --listen 127.0.0.1:0 --world FILE` with a World in
// Signature mode, puts a World tailored to each check with the fixture
// protocol (PUT /_conformance/v1/world), calls RemoveInstances through
// pop-core's RPCClient and checks what the SDK reports: the result on success
// and err.code / err.data / err.entry.response.statusCode on errors.
//
// pop-core is resolved from --modules DIR (a directory holding node_modules/),
// else from the working directory (and NODE_PATH), else next to this file: the
// package is installed in the build tree by run.sh, not in the source tree.
//
// Output: one `ok - <name>` or `not ok - <name>: <why>` line per check, then
// `N passed, M failed` alone on a line; exit status 1 if any check failed.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const API_VERSION = '2014-08-28';
const CALL_TIMEOUT_MS = 5000;
const FIXTURE_TIMEOUT_MS = 5000;
const START_TIMEOUT_MS = 10000;
const STOP_TIMEOUT_MS = 5000;
const LISTENING = /^essconf serve: listening on (http:\/\/127\.0\.0\.1:(\d+))\/?$/;
const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const args = { essconf: null, modules: null, verbose: false };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--essconf') args.essconf = value();
    else if (a === '--modules') args.modules = value();
    else if (a === '--verbose') args.verbose = true;
    else if (a === '--help' || a === '-h') usage(null);
    else usage(`unknown argument: ${a}`);
  }
  if (!args.essconf) usage('--essconf PATH is required');
  return args;
}

function usage(problem) {
  const text = 'usage: node pop_core_interop.mjs --essconf PATH [--modules DIR] [--verbose]';
  if (problem) {
    console.error(`pop_core_interop: ${problem}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

function loadPopCore(modulesDir) {
  const bases = [];
  if (modulesDir) bases.push(path.resolve(modulesDir));
  bases.push(process.cwd(), path.dirname(fileURLToPath(import.meta.url)));
  const tried = [];
  for (const base of bases) {
    try {
      return createRequire(path.join(base, 'package.json'))('@alicloud/pop-core');
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND') throw e;
      tried.push(base);
    }
  }
  console.error(`pop_core_interop: cannot find @alicloud/pop-core from ${tried.join(', ')}` +
                ' (NODE_PATH too); install it with run.sh or pass --modules DIR');
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2));
const RPCClient = loadPopCore(args.modules);

// ---------------------------------------------------------------- the Worlds

const GROUP = 'asg-interop';
const KEYS = {
  good: { accessKeyId: 'testid', accessKeySecret: 'testsecret' },
  denied: { accessKeyId: 'deniedid', accessKeySecret: 'deniedsecret' },
  wrongSecret: { accessKeyId: 'testid', accessKeySecret: 'not-the-secret' },
  unknown: { accessKeyId: 'nosuchid', accessKeySecret: 'testsecret' },
};

// Every check starts from this World and changes what it needs. Nothing here
// breaks a rule: removing any one member succeeds and leaves exactly MinSize.
function baseWorld() {
  return {
    RegionId: 'cn-hangzhou',
    ActivityCompletion: 'Immediate',
    Auth: {
      Mode: 'Signature',
      AccessKeys: [
        { AccessKeyId: 'testid', AccessKeySecret: 'testsecret', Authorized: true },
        { AccessKeyId: 'deniedid', AccessKeySecret: 'deniedsecret', Authorized: false },
      ],
    },
    EcsInstances: [
      { InstanceId: 'i-auto1', Status: 'Running' },
      { InstanceId: 'i-auto2', Status: 'Running' },
      { InstanceId: 'i-manual1', Status: 'Running' },
      { InstanceId: 'i-loose', Status: 'Running' },
    ],
    ScalingGroups: [
      {
        ScalingGroupId: GROUP,
        LifecycleState: 'Active',
        MinSize: 2,
        MaxSize: 10,
        ScalingPolicy: 'release',
        LoadBalancers: [{ LoadBalancerId: 'lb-interop', Status: 'active' }],
        DBInstances: [{ DBInstanceId: 'rm-interop', Status: 'Running' }],
        Instances: [
          { InstanceId: 'i-auto1', CreationType: 'AutoCreated', LifecycleState: 'InService' },
          { InstanceId: 'i-auto2', CreationType: 'AutoCreated', LifecycleState: 'InService' },
          { InstanceId: 'i-manual1', CreationType: 'Attached', LifecycleState: 'InService' },
        ],
      },
    ],
    ScalingActivities: [
      { ScalingActivityId: 'asa-interop-old', ScalingGroupId: GROUP, StatusCode: 'Successful' },
    ],
  };
}

function worldWith(change) {
  const w = baseWorld();
  if (change) change(w, w.ScalingGroups[0]);
  return w;
}

// ---------------------------------------------------------------- the server

let server = null;         // the child process
let serverExited = null;   // {code, signal} once it has exited
let serverStderr = '';     // its last 16 KiB of stderr, for failure messages
let workDir = null;

function stopServerNow() {
  if (server && !serverExited) {
    try { server.kill('SIGTERM'); } catch { /* already gone */ }
  }
}
process.on('exit', () => {
  stopServerNow();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`pop_core_interop: ${sig}, stopping`);
    process.exit(1);
  });
}

function stderrTail() {
  const t = serverStderr.trim();
  return t ? `\n--- essconf serve stderr (tail) ---\n${t.slice(-2000)}\n---` : '';
}

// Starts the server on the World file; resolves with its base URL.
function startServer(essconf, worldFile) {
  return new Promise((resolve, reject) => {
    const argv = ['serve', '--listen', '127.0.0.1:0', '--world', worldFile];
    server = spawn(essconf, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${essconf} ${argv.join(' ')}: ${why}${stderrTail()}`));
    };
    const timer = setTimeout(
      () => fail(`no "essconf serve: listening on http://127.0.0.1:PORT" line within ${START_TIMEOUT_MS / 1000} s`),
      START_TIMEOUT_MS);
    server.on('error', (e) => fail(`cannot start: ${e.message}`));
    server.on('exit', (code, signal) => {
      serverExited = { code, signal };
      fail(`exited before listening (code ${code}, signal ${signal})`);
    });
    server.stderr.setEncoding('utf8');
    server.stderr.on('data', (chunk) => {
      serverStderr = (serverStderr + chunk).slice(-16384);
      if (args.verbose) process.stderr.write(chunk);
    });
    const lines = createInterface({ input: server.stdout });
    let first = true;
    lines.on('line', (line) => {
      if (!first) {
        if (args.verbose) console.error(`essconf stdout: ${line}`);
        return;
      }
      first = false;
      const m = LISTENING.exec(line);
      if (!m) return fail(`first stdout line is not "essconf serve: listening on http://127.0.0.1:PORT": ${JSON.stringify(line)}`);
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(m[1]);
    });
  });
}

// SIGTERM, then wait for the exit; resolves with a problem string or null.
function stopServer() {
  return new Promise((resolve) => {
    if (!server) return resolve('the server was never started');
    if (serverExited) return resolve(`the server had already exited (code ${serverExited.code}, signal ${serverExited.signal})`);
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      resolve(`still running ${STOP_TIMEOUT_MS / 1000} s after SIGTERM (killed with SIGKILL)`);
    }, STOP_TIMEOUT_MS);
    server.once('exit', (code, signal) => {
      clearTimeout(timer);
      serverExited = { code, signal };
      resolve(code === 0 || signal === 'SIGTERM' ? null : `exited with code ${code}, signal ${signal} after SIGTERM${stderrTail()}`);
    });
    server.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------- fixture protocol

let baseUrl = null;

async function fixture(method, what, body) {
  const url = `${baseUrl}/_conformance/v1/${what}`;
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(FIXTURE_TIMEOUT_MS),
    });
  } catch (e) {
    throw new Error(`${method} ${url}: ${e.cause?.message ?? e.message}`);
  }
  const text = await res.text();
  return { status: res.status, text };
}

async function putWorld(world) {
  const { status, text } = await fixture('PUT', 'world', world);
  if (status !== 204) {
    throw new Error(`PUT /_conformance/v1/world answered ${status}, expected 204: ${text.slice(0, 500)}`);
  }
}

async function getWorld() {
  const { status, text } = await fixture('GET', 'world');
  if (status !== 200) throw new Error(`GET /_conformance/v1/world answered ${status}, expected 200: ${text.slice(0, 500)}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`GET /_conformance/v1/world is not JSON (${e.message}): ${text.slice(0, 500)}`);
  }
}

// ---------------------------------------------------------------- the SDK

function client(key, verbose = false) {
  return new RPCClient({ ...key, endpoint: baseUrl, apiVersion: API_VERSION }, verbose);
}

// Calls RemoveInstances and expects pop-core to throw; returns the error.
async function expectSdkError(key, params, opts = {}) {
  let result;
  try {
    result = await client(key).request('RemoveInstances', params, { timeout: CALL_TIMEOUT_MS, ...opts });
  } catch (err) {
    if (!(err instanceof Error)) {
      // pop-core rejects with a plain object when the body is not JSON.
      throw new Error(`pop-core could not read the answer: ${err?.name}: ${err?.message} (body ${JSON.stringify(err?.text ?? '').slice(0, 300)})`);
    }
    if (err.code === undefined || err.data === undefined) {
      throw new Error(`the call failed without an API error (transport?): ${err.name}: ${err.message}`);
    }
    return err;
  }
  throw new Error(`pop-core resolved instead of throwing: ${JSON.stringify(result)}`);
}

function describeError(err) {
  return `status ${err.entry?.response?.statusCode}, body ${JSON.stringify(err.data)}`;
}

// ---------------------------------------------------------------- checks

const results = [];

async function check(name, fn) {
  try {
    await fn();
    results.push(true);
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push(false);
    const why = (e instanceof assert.AssertionError ? e.message : (e?.message ?? String(e))).trim().replace(/\s*\n\s*/g, ' | ');
    console.log(`not ok - ${name}: ${why}`);
  }
}

// The World after a successful removal of `instanceId` from GROUP under
// Immediate completion, checked against the fixture protocol's effects.
function assertRemoved(world, instanceId, activityId, stillInEcs) {
  const group = world.ScalingGroups?.find((g) => g.ScalingGroupId === GROUP);
  assert.ok(group, `GET world has no group ${GROUP}: ${JSON.stringify(world)}`);
  const members = (group.Instances ?? []).map((m) => m.InstanceId);
  assert.ok(!members.includes(instanceId), `${instanceId} is still a member of ${GROUP}: ${JSON.stringify(group.Instances)}`);
  const expected = baseWorld().ScalingGroups[0].Instances.map((m) => m.InstanceId).filter((id) => id !== instanceId);
  assert.deepEqual([...members].sort(), [...expected].sort(), `members of ${GROUP} after removing only ${instanceId}`);
  const activity = (world.ScalingActivities ?? []).find((a) => a.ScalingActivityId === activityId);
  assert.ok(activity, `no activity ${activityId} in GET world: ${JSON.stringify(world.ScalingActivities)}`);
  assert.equal(activity.StatusCode, 'Successful', `activity ${activityId} StatusCode`);
  assert.equal(activity.ScalingGroupId, GROUP, `activity ${activityId} ScalingGroupId`);
  const ecs = (world.EcsInstances ?? []).find((e) => e.InstanceId === instanceId);
  if (stillInEcs) {
    assert.ok(ecs, `${instanceId} (Attached) disappeared from EcsInstances`);
    assert.equal(ecs.Status, 'Running', `${instanceId} (Attached) Status`);
  } else {
    assert.ok(!ecs, `${instanceId} (AutoCreated, release) is still in EcsInstances: ${JSON.stringify(ecs)}`);
  }
}

function assertSuccess(json, entry) {
  assert.equal(entry?.response?.statusCode, 200, `HTTP status of a success (body ${JSON.stringify(json)})`);
  assert.ok(typeof json?.RequestId === 'string' && REQUEST_ID.test(json.RequestId),
            `RequestId is not an uppercase UUID: ${JSON.stringify(json)}`);
  assert.ok(typeof json?.ScalingActivityId === 'string' && json.ScalingActivityId.length > 0,
            `ScalingActivityId missing or empty: ${JSON.stringify(json)}`);
}

async function successCheck(method, instanceId, stillInEcs) {
  await putWorld(baseWorld());
  const opts = { timeout: CALL_TIMEOUT_MS };
  if (method === 'POST') opts.method = 'POST';
  let json, entry;
  try {
    [json, entry] = await client(KEYS.good, true).request(
      'RemoveInstances', { ScalingGroupId: GROUP, 'InstanceId.1': instanceId }, opts);
  } catch (err) {
    if (err instanceof Error && err.code) throw new Error(`pop-core threw ${err.code}: ${describeError(err)}`);
    throw new Error(`pop-core failed: ${err?.name}: ${err?.message}${err?.text !== undefined ? ` (body ${JSON.stringify(err.text).slice(0, 300)})` : ''}`);
  }
  assertSuccess(json, entry);
  assertRemoved(await getWorld(), instanceId, json.ScalingActivityId, stillInEcs);
}

const MSG = {
  groupNotFound: 'The specified scaling group does not exist.',
  removePolicy: 'The specified group does not support the specified RemovePolicy.',
  unauthorized: 'A required authorization for the specified action is not supplied.',
  groupStatus: 'The current status of the specified scaling group does not support this action.',
  inProgress: 'You cannot delete a scaling group or launch a new scaling activity while there is a scaling activity in progress for the specified scaling group.',
  lbStatus: 'The current status of the specified load balancer does not support this action.',
  minSize: 'To remove the instances, the total capacity will be lesser than the MinSize.',
};

// The documentation's error table, one World per row that breaks only that rule.
const ERROR_CASES = [
  {
    code: 'InvalidScalingGroupId.NotFound', status: 404, message: MSG.groupNotFound,
    params: { ScalingGroupId: 'asg-no-such-group', 'InstanceId.1': 'i-auto1' },
  },
  {
    // A member first, then the unknown id: nothing may be removed.
    code: 'InvalidInstanceId.NotFound', status: 404, message: 'Instance "i-x" does not exist.',
    params: { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1', 'InstanceId.2': 'i-x' },
  },
  {
    code: 'InvalidParameter', status: 400, message: MSG.removePolicy, label: 'InvalidParameter (RemovePolicy=recycle on a release group)',
    params: { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1', RemovePolicy: 'recycle' },
  },
  {
    code: 'Forbidden.Unauthorized', status: 403, message: MSG.unauthorized, key: KEYS.denied,
    params: { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1' },
  },
  {
    code: 'IncorrectScalingGroupStatus', status: 400, message: MSG.groupStatus,
    change: (w, g) => { g.LifecycleState = 'Inactive'; },
    params: { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1' },
  },
  {
    code: 'ScalingActivityInProgress', status: 400, message: MSG.inProgress,
    change: (w) => { w.ScalingActivities.push({ ScalingActivityId: 'asa-interop-busy', ScalingGroupId: GROUP, StatusCode: 'InProgress' }); },
    params: { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1' },
  },
  {
    code: 'IncorrectLoadBalancerStatus', status: 400, message: MSG.lbStatus,
    change: (w, g) => { g.LoadBalancers[0].Status = 'inactive'; },
    params: { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1' },
  },
  {
    code: 'IncorrectDBInstanceStatus', status: 400,
    message: 'The current status of DB instance "rm-interop" does not support this action.',
    change: (w, g) => { g.DBInstances[0].Status = 'Stopped'; },
    params: { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1' },
  },
  {
    code: 'IncorrectCapacity.MinSize', status: 400, message: MSG.minSize,
    change: (w, g) => { g.MinSize = 3; },  // three members: removing one leaves 2 < 3
    params: { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1' },
  },
];

// World before/after each rejected call, for the "changes nothing" check.
const unchanged = [];

async function errorCheck(c) {
  await putWorld(worldWith(c.change));
  const before = await getWorld();
  const err = await expectSdkError(c.key ?? KEYS.good, c.params);
  const after = await getWorld();
  unchanged.push({ code: c.code, before, after });
  const got = describeError(err);
  assert.equal(err.code, c.code, `err.code (${got})`);
  assert.equal(err.name, `${c.code}Error`, `err.name (${got})`);
  assert.equal(err.entry?.response?.statusCode, c.status, `err.entry.response.statusCode (${got})`);
  assert.equal(err.data?.Code, c.code, `err.data.Code (${got})`);
  assert.equal(err.data?.Message, c.message, `err.data.Message (${got})`);
  assert.ok(typeof err.data?.RequestId === 'string' && REQUEST_ID.test(err.data.RequestId),
            `err.data.RequestId is not an uppercase UUID (${got})`);
}

async function authErrorCheck(key, code, statusOk, statusText) {
  await putWorld(baseWorld());
  const before = await getWorld();
  const err = await expectSdkError(key, { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1' });
  const after = await getWorld();
  unchanged.push({ code, before, after });
  const got = describeError(err);
  assert.equal(err.code, code, `err.code (${got})`);
  assert.ok(statusOk(err.entry?.response?.statusCode), `err.entry.response.statusCode is not ${statusText} (${got})`);
  assert.ok(typeof err.data?.RequestId === 'string' && err.data.RequestId.length > 0, `err.data.RequestId missing (${got})`);
}

// ---------------------------------------------------------------- main

async function main() {
  workDir = mkdtempSync(path.join(tmpdir(), 'essconf-interop-'));
  const worldFile = path.join(workDir, 'world.json');
  writeFileSync(worldFile, JSON.stringify(baseWorld(), null, 2));

  let started = false;
  await check('server starts and prints its port', async () => {
    baseUrl = await startServer(path.resolve(args.essconf), worldFile);
    started = true;
  });

  try {
    if (started) {
      await check('fixture: PUT world answers 204 and GET world returns it', async () => {
        await putWorld(baseWorld());
        const w = await getWorld();
        assert.equal(w.Auth?.Mode, 'Signature', 'GET world Auth.Mode');
        assert.deepEqual(w.ScalingGroups?.map((g) => g.ScalingGroupId), [GROUP], 'GET world groups');
      });
      await check('signed GET RemoveInstances succeeds and removes the instance', () => successCheck('GET', 'i-auto1', false));
      await check('signed POST (form body) RemoveInstances succeeds and removes the instance', () => successCheck('POST', 'i-manual1', true));
      for (const c of ERROR_CASES) {
        await check(`error ${c.label ?? c.code} ${c.status} reaches the SDK`, () => errorCheck(c));
      }
      await check('wrong secret gives SignatureDoesNotMatch', () => authErrorCheck(KEYS.wrongSecret, 'SignatureDoesNotMatch',
                                                                                  (s) => s === 400 || s === 403, '400 or 403'));
      await check('unknown AccessKeyId gives InvalidAccessKeyId.NotFound', () => authErrorCheck(KEYS.unknown, 'InvalidAccessKeyId.NotFound',
                                                                                     (s) => s >= 400 && s < 500, 'a 4xx'));
      await check('a rejected call changes nothing (GET world before == after)', () => {
        assert.ok(unchanged.length > 0, 'no error call completed, nothing to compare');
        const changed = unchanged.filter((u) => {
          try { assert.deepStrictEqual(u.after, u.before); return false; } catch { return true; }
        });
        const minSize = unchanged.find((u) => u.code === 'IncorrectCapacity.MinSize');
        assert.ok(minSize, 'the IncorrectCapacity.MinSize call did not complete');
        assert.deepStrictEqual(minSize.after, minSize.before, 'GET world after the IncorrectCapacity.MinSize call differs');
        assert.equal(changed.length, 0, `the World changed across: ${changed.map((u) => `${u.code} (before ${JSON.stringify(u.before)} after ${JSON.stringify(u.after)})`).join('; ')}`);
      });
    }
  } finally {
    if (started) {
      await check('server stops on SIGTERM', async () => {
        const problem = await stopServer();
        if (problem) throw new Error(problem);
      });
    } else if (server && !serverExited) {
      await stopServer();  // a server that never said it listens: SIGTERM, then SIGKILL
    }
  }
}

try {
  await main();
} catch (e) {
  results.push(false);
  console.log(`not ok - test harness: ${e?.stack ?? e}`);
}
const failed = results.filter((r) => !r).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
