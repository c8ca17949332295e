// Shared harness of the interop tests: an official Alibaba Cloud Node SDK
// drives `essconf serve`, the reference server.
//
// It starts and stops `essconf serve --listen 127.0.0.1:0 --world FILE`, puts
// and reads the World with the fixture protocol (PUT/GET
// /_conformance/v1/world), runs named checks and prints one `ok - <name>` or
// `not ok - <name>: <why>` line per check, then `N passed, M failed` alone on
// a line; the process exits 1 if any check failed.
//
// The SDKs are resolved from --modules DIR (a directory holding
// node_modules/), else from the working directory (and NODE_PATH), else next
// to the script: run.sh installs them in the build tree, never in the source
// tree.
//
// It also offers a stub: a tiny HTTP server on 127.0.0.1 that answers a fixed
// status, headers and body and records each request, to show what a client
// sends and what it makes of an answer the reference never gives.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const API_VERSION = '2014-08-28';
export const CALL_TIMEOUT_MS = 5000;
const FIXTURE_TIMEOUT_MS = 5000;
const START_TIMEOUT_MS = 10000;
const STOP_TIMEOUT_MS = 5000;
const LISTENING = /^essconf serve: listening on (http:\/\/127\.0\.0\.1:(\d+))\/?$/;
export const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

// ---------------------------------------------------------------- arguments

let progName = 'interop';

// `flags` names the script's own boolean flags (e.g. ['--v3']); each becomes
// args[name without the dashes], false unless given.
export function parseArgs(name, argv, flags = []) {
  progName = name;
  const args = { essconf: null, modules: null, verbose: false };
  for (const f of flags) args[f.replace(/^--/, '')] = false;
  const text = `usage: node ${name}.mjs --essconf PATH [--modules DIR] [--verbose]${flags.map((f) => ` [${f}]`).join('')}`;
  const usage = (problem) => {
    if (problem) {
      console.error(`${name}: ${problem}\n${text}`);
      process.exit(2);
    }
    console.log(text);
    process.exit(0);
  };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--essconf') args.essconf = value();
    else if (a === '--modules') args.modules = value();
    else if (a === '--verbose') args.verbose = true;
    else if (flags.includes(a)) args[a.replace(/^--/, '')] = true;
    else if (a === '--help' || a === '-h') usage(null);
    else usage(`unknown argument: ${a}`);
  }
  if (!args.essconf) usage('--essconf PATH is required');
  return args;
}

// Requires `pkg` from --modules DIR, the working directory or `scriptDir`.
export function loadModule(modulesDir, pkg, scriptDir) {
  const bases = [];
  if (modulesDir) bases.push(path.resolve(modulesDir));
  bases.push(process.cwd(), scriptDir);
  const tried = [];
  for (const base of bases) {
    try {
      return createRequire(path.join(base, 'package.json'))(pkg);
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes(pkg)) throw e;
      tried.push(base);
    }
  }
  console.error(`${progName}: cannot find ${pkg} from ${tried.join(', ')}` +
                ' (NODE_PATH too); install it with run.sh or pass --modules DIR');
  process.exit(2);
}

// ---------------------------------------------------------------- the Worlds

export const GROUP = 'asg-interop';
export const KEYS = {
  good: { accessKeyId: 'testid', accessKeySecret: 'testsecret' },
  denied: { accessKeyId: 'deniedid', accessKeySecret: 'deniedsecret' },
  wrongSecret: { accessKeyId: 'testid', accessKeySecret: 'not-the-secret' },
  unknown: { accessKeyId: 'nosuchid', accessKeySecret: 'testsecret' },
};

// Every check starts from this World and changes what it needs. Nothing here
// breaks a rule: removing any one member succeeds and leaves exactly MinSize.
export function baseWorld() {
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

export function worldWith(change) {
  const w = baseWorld();
  if (change) change(w, w.ScalingGroups[0]);
  return w;
}

export const MSG = {
  groupNotFound: 'The specified scaling group does not exist.',
  removePolicy: 'The specified group does not support the specified RemovePolicy.',
  unauthorized: 'A required authorization for the specified action is not supplied.',
  groupStatus: 'The current status of the specified scaling group does not support this action.',
  inProgress: 'You cannot delete a scaling group or launch a new scaling activity while there is a scaling activity in progress for the specified scaling group.',
  lbStatus: 'The current status of the specified load balancer does not support this action.',
  minSize: 'To remove the instances, the total capacity will be lesser than the MinSize.',
};

// The documentation's error table, one World per row that breaks only that
// rule. `removePolicy: true` marks the row that needs the RemovePolicy
// parameter (a client whose API definition lacks it cannot send it).
export const ERROR_CASES = [
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
    removePolicy: true,
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

// The two key errors: a wrong secret and an unknown AccessKeyId.
export const AUTH_CASES = [
  { name: 'wrong secret gives SignatureDoesNotMatch', key: KEYS.wrongSecret, code: 'SignatureDoesNotMatch',
    statusOk: (s) => s === 400 || s === 403, statusText: '400 or 403' },
  { name: 'unknown AccessKeyId gives InvalidAccessKeyId.NotFound', key: KEYS.unknown, code: 'InvalidAccessKeyId.NotFound',
    statusOk: (s) => s >= 400 && s < 500, statusText: 'a 4xx' },
];

// ---------------------------------------------------------------- the server

let server = null;         // the child process
let serverExited = null;   // {code, signal} once it has exited
let serverStderr = '';     // its last 16 KiB of stderr, for failure messages
let workDir = null;
let verbose = false;
const stubs = new Set();

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
    console.error(`${progName}: ${sig}, stopping`);
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
      if (verbose) process.stderr.write(chunk);
    });
    const lines = createInterface({ input: server.stdout });
    let first = true;
    lines.on('line', (line) => {
      if (!first) {
        if (verbose) console.error(`essconf stdout: ${line}`);
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

// The running server's base URL, e.g. http://127.0.0.1:40123.
export function serverUrl() { return baseUrl; }

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

export async function putWorld(world) {
  const { status, text } = await fixture('PUT', 'world', world);
  if (status !== 204) {
    throw new Error(`PUT /_conformance/v1/world answered ${status}, expected 204: ${text.slice(0, 500)}`);
  }
}

export async function getWorld() {
  const { status, text } = await fixture('GET', 'world');
  if (status !== 200) throw new Error(`GET /_conformance/v1/world answered ${status}, expected 200: ${text.slice(0, 500)}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`GET /_conformance/v1/world is not JSON (${e.message}): ${text.slice(0, 500)}`);
  }
}

// ---------------------------------------------------------------- checks

const results = [];

export async function check(name, fn) {
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

// A check the client cannot run: an `ok` line that says why.
export function skip(name, why) {
  results.push(true);
  console.log(`ok - ${name} (skipped: ${why})`);
}

// The World after a successful removal of `instanceId` from GROUP under
// Immediate completion, checked against the fixture protocol's effects.
export function assertRemoved(world, instanceId, activityId, stillInEcs) {
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

// A success body: an uppercase-UUID RequestId and a ScalingActivityId.
export function assertSuccessBody(json) {
  assert.ok(typeof json?.RequestId === 'string' && REQUEST_ID.test(json.RequestId),
            `RequestId is not an uppercase UUID: ${JSON.stringify(json)}`);
  assert.ok(typeof json?.ScalingActivityId === 'string' && json.ScalingActivityId.length > 0,
            `ScalingActivityId missing or empty: ${JSON.stringify(json)}`);
}

// Removes `instanceId` from the base World through `call(params)`, which
// resolves with the success body; then checks the World shows the removal.
export async function successCheck(call, instanceId, stillInEcs) {
  await putWorld(baseWorld());
  const json = await call({ ScalingGroupId: GROUP, 'InstanceId.1': instanceId });
  assertSuccessBody(json);
  assertRemoved(await getWorld(), instanceId, json.ScalingActivityId, stillInEcs);
}

// World before/after each rejected call, for the "changes nothing" check.
const unchanged = [];

// Puts `world`, calls `call()` (which must resolve with the client's error),
// records the World before and after under `label`, and returns the error.
export async function rejectedCall(label, world, call) {
  await putWorld(world);
  const before = await getWorld();
  const err = await call();
  const after = await getWorld();
  unchanged.push({ code: label, before, after });
  return err;
}

// One row of ERROR_CASES: `call(key, params)` resolves with the client's
// error; `assertError(err, c)` checks what the client reports.
export async function errorCheck(c, call, assertError) {
  const err = await rejectedCall(c.code, worldWith(c.change), () => call(c.key ?? KEYS.good, c.params));
  assertError(err, c);
}

// One row of AUTH_CASES, against the base World.
export async function authErrorCheck(c, call, assertError) {
  const err = await rejectedCall(c.code, baseWorld(), () => call(c.key, { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1' }));
  assertError(err, c);
}

function unchangedCheck() {
  assert.ok(unchanged.length > 0, 'no error call completed, nothing to compare');
  const changed = unchanged.filter((u) => {
    try { assert.deepStrictEqual(u.after, u.before); return false; } catch { return true; }
  });
  const minSize = unchanged.filter((u) => u.code === 'IncorrectCapacity.MinSize');
  assert.ok(minSize.length > 0, 'the IncorrectCapacity.MinSize call did not complete');
  for (const m of minSize) assert.deepStrictEqual(m.after, m.before, 'GET world after the IncorrectCapacity.MinSize call differs');
  assert.equal(changed.length, 0, `the World changed across: ${changed.map((u) => `${u.code} (before ${JSON.stringify(u.before)} after ${JSON.stringify(u.after)})`).join('; ')}`);
}

// ---------------------------------------------------------------- the stub

// Starts a stub HTTP server on 127.0.0.1 that answers every request with
// `answer` ({status, headers, body}; replace stub.answer to change it) and
// records each request as {method, url, headers, rawHeaders, body}.
export function startStub(answer) {
  return new Promise((resolve, reject) => {
    const stub = { answer, requests: [], url: null };
    const srv = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        stub.requests.push({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders,
                             body: Buffer.concat(chunks).toString('utf8') });
        const a = stub.answer;
        res.writeHead(a.status, { connection: 'close', ...(a.headers ?? {}) });
        res.end(a.body ?? '');
      });
    });
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      stub.url = `http://127.0.0.1:${srv.address().port}`;
      stub.host = `127.0.0.1:${srv.address().port}`;
      stub.close = () => new Promise((r) => { stubs.delete(srv); srv.close(() => r()); srv.closeAllConnections?.(); });
      stubs.add(srv);
      resolve(stub);
    });
  });
}

// Runs `fn(stub)` with a stub started on `answer`, closing it afterwards.
export async function withStub(answer, fn) {
  const stub = await startStub(answer);
  try {
    return await fn(stub);
  } finally {
    await stub.close();
  }
}

// What a promise settles to: {value} or {error}.
export async function settle(promise) {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

// Answers the stub may give, shared by every client's checks.
export const STUB_REQUEST_ID = '473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E';
export const STUB = {
  success: { status: 200, headers: { 'content-type': 'application/json;charset=utf-8' },
             body: JSON.stringify({ RequestId: STUB_REQUEST_ID, ScalingActivityId: 'asa-stub' }) },
  okWithCode: { status: 200, headers: { 'content-type': 'application/json;charset=utf-8' },
                body: JSON.stringify({ RequestId: STUB_REQUEST_ID, Code: 'IncorrectScalingGroupStatus', Message: MSG.groupStatus }) },
  xmlError: { status: 400, headers: { 'content-type': 'text/xml;charset=utf-8' },
              body: `<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>${STUB_REQUEST_ID}</RequestId><HostId>ess.aliyuncs.com</HostId><Code>IncorrectScalingGroupStatus</Code><Message>${MSG.groupStatus}</Message></Error>` },
  lowerCode: { status: 400, headers: { 'content-type': 'application/json;charset=utf-8' },
               body: JSON.stringify({ requestId: STUB_REQUEST_ID, code: 'IncorrectScalingGroupStatus', message: MSG.groupStatus }) },
  noCode: { status: 400, headers: { 'content-type': 'application/json;charset=utf-8' },
            body: JSON.stringify({ RequestId: STUB_REQUEST_ID, Message: 'no code here' }) },
  serverError: { status: 503, headers: { 'content-type': 'application/json;charset=utf-8' },
                 body: JSON.stringify({ RequestId: STUB_REQUEST_ID, Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.' }) },
};

// The parameters of a recorded request: {query, form} as plain objects.
export function requestParams(r) {
  const u = new URL(r.url, 'http://stub');
  const form = (r.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    ? Object.fromEntries(new URLSearchParams(r.body)) : {};
  return { query: Object.fromEntries(u.searchParams), form };
}

export const WHOLE_SECOND_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
export const MILLIS_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// ---------------------------------------------------------------- main

// Runs a whole test: starts the server, checks the fixture protocol, runs
// `clientChecks()` (the client's own checks), checks that no rejected call
// changed the World, stops the server, prints the tally and exits.
export async function runInterop(args, clientChecks) {
  verbose = args.verbose;
  const main = async () => {
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
        await clientChecks();
        await check('a rejected call changes nothing (GET world before == after)', unchangedCheck);
      }
    } finally {
      for (const s of stubs) s.close();
      if (started) {
        await check('server stops on SIGTERM', async () => {
          const problem = await stopServer();
          if (problem) throw new Error(problem);
        });
      } else if (server && !serverExited) {
        await stopServer();  // a server that never said it listens: SIGTERM, then SIGKILL
      }
    }
  };
  try {
    await main();
  } catch (e) {
    results.push(false);
    console.log(`not ok - test harness: ${e?.stack ?? e}`);
  }
  const failed = results.filter((r) => !r).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}
