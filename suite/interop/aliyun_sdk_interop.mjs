// Interop test: the legacy Alibaba Cloud Node SDK aliyun-sdk 1.12.10
// (ALY.ESS, apiVersion '2014-08-28') against `essconf serve`, the reference
// server.
//
//   node aliyun_sdk_interop.mjs --essconf PATH [--modules DIR] [--verbose]
//
// aliyun-sdk sends one POST whose form body holds every parameter, the
// signature (HMAC-SHA1) included, with an empty query, and a Timestamp with
// milliseconds (Date.toISOString()). Its API definition
// (apis/ess-2014-08-28.json) drives a client-side parameter validation that
// knows no RemovePolicy and only InstanceId.1 to InstanceId.20: with
// validation on it refuses both itself, and with validation off it also
// stops filling in the Action default, so the caller passes Action itself.
//
// Checks: the successes (the World shows the removal), every error of the
// documentation's table and the two key errors (the World unchanged), through
// err.code, err.statusCode and err.message; the RequestId of an error is not
// on err, only in the raw body of the response (`this.httpResponse` in the
// callback). A stub server (harness.mjs) then shows what the SDK sends and
// what it makes of answers the reference never gives (docs/clients.md).

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  API_VERSION, AUTH_CASES, CALL_TIMEOUT_MS, ERROR_CASES, GROUP, KEYS, MILLIS_TIMESTAMP, REQUEST_ID, STUB,
  authErrorCheck, check, errorCheck, loadModule, parseArgs, requestParams, runInterop,
  serverUrl, skip, successCheck, withStub,
} from './harness.mjs';

const args = parseArgs('aliyun_sdk_interop', process.argv.slice(2));
const ALY = loadModule(args.modules, 'aliyun-sdk', path.dirname(fileURLToPath(import.meta.url)));

// ---------------------------------------------------------------- the SDK

// maxRetries 0, though aliyun-sdk retries nothing anyway (a stub check
// shows it).
// maxRetries 'default' leaves the SDK's own default.
function ess(key, { base = serverUrl(), paramValidation = true, maxRetries = 0 } = {}) {
  const config = {
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.accessKeySecret,
    endpoint: base,
    apiVersion: API_VERSION,
    paramValidation,
    httpOptions: { timeout: CALL_TIMEOUT_MS },
  };
  if (maxRetries !== 'default') config.maxRetries = maxRetries;
  return new ALY.ESS(config);
}

// Calls removeInstances; resolves with {err, data, status, body}, the last
// two from the response the callback gets as `this`.
function callRemove(key, params, opts) {
  return new Promise((resolve) => {
    ess(key, opts).removeInstances({ ...params }, function done(err, data) {
      resolve({ err, data, status: this?.httpResponse?.statusCode, body: String(this?.httpResponse?.body ?? '') });
    });
  });
}

function describe(r) {
  return `status ${r.status}, err ${r.err ? JSON.stringify({ ...r.err, message: r.err.message, name: r.err.name }) : 'none'}, body ${JSON.stringify(r.body)}`;
}

async function removeOk(params) {
  const r = await callRemove(KEYS.good, params);
  assert.ok(!r.err, `the SDK reported an error: ${describe(r)}`);
  assert.equal(r.status, 200, `HTTP status of a success (${describe(r)})`);
  return r.data;
}

// Calls RemoveInstances (validation off and Action given when `raw`) and
// expects an API error: one with a statusCode. Resolves with {err, body}.
async function expectError(key, params, raw = false) {
  const r = await callRemove(key, raw ? { Action: 'RemoveInstances', ...params } : params, { paramValidation: !raw });
  if (!r.err) throw new Error(`the SDK resolved instead of failing: ${describe(r)}`);
  if (r.err.statusCode === undefined) throw new Error(`the call failed without an API error (client-side or transport?): ${describe(r)}`);
  return r;
}

function assertApiError(r, code, statusOk, statusText) {
  const got = describe(r);
  assert.equal(r.err.code, code, `err.code (${got})`);
  assert.ok(statusOk(r.err.statusCode), `err.statusCode is not ${statusText} (${got})`);
  assert.equal(r.err.retryable, false, `err.retryable (${got})`);
  // The RequestId is not handed over on err; the raw body has it.
  assert.equal(r.err.RequestId ?? r.err.requestId, undefined, `err carries a RequestId (${got})`);
  let body;
  try { body = JSON.parse(r.body); } catch (e) { assert.fail(`the error body is not JSON: ${e.message} (${got})`); }
  assert.ok(REQUEST_ID.test(body.RequestId ?? ''), `the raw error body's RequestId is not an uppercase UUID (${got})`);
  assert.equal(body.Code, code, `the raw error body's Code (${got})`);
}

function assertTableError(r, c) {
  assertApiError(r, c.code, (s) => s === c.status, String(c.status));
  assert.equal(r.err.message, c.message, `err.message (${describe(r)})`);
}

function assertAuthError(r, c) {
  assertApiError(r, c.code, c.statusOk, c.statusText);
}

// ---------------------------------------------------------------- the stub

const STUB_PARAMS = { ScalingGroupId: 'asg-stub', 'InstanceId.1': 'i-stub' };

async function stubCall(stub, answer, params = STUB_PARAMS, opts = {}) {
  stub.answer = answer;
  stub.requests.length = 0;
  return callRemove(KEYS.good, params, { base: stub.url, ...opts });
}

function stubChecks() {
  return withStub(STUB.success, async (stub) => {
    await check('stub: one POST, every parameter in a form body (Content-Length, not chunked), empty query, Timestamp with milliseconds', async () => {
      const r = await stubCall(stub, STUB.success);
      assert.ok(!r.err, describe(r));
      const req = stub.requests[0];
      const { query, form } = requestParams(req);
      assert.equal(req.method, 'POST');
      assert.equal(req.url, '/');
      assert.deepEqual(query, {});
      assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
      assert.equal(req.headers['transfer-encoding'], undefined, 'Transfer-Encoding');
      assert.equal(Number(req.headers['content-length']), Buffer.byteLength(req.body), 'Content-Length');
      assert.equal(form.Action, 'RemoveInstances');
      assert.equal(form.Version, API_VERSION);
      assert.equal(form.SignatureMethod, 'HMAC-SHA1');
      assert.ok(form.Signature, 'Signature in the body');
      assert.equal(form.RegionId, undefined, 'RegionId (not in its API definition)');
      assert.match(form.Timestamp, MILLIS_TIMESTAMP);
    });
    await check('stub: Format is always JSON, whatever the caller passes', async () => {
      const r = await stubCall(stub, STUB.success, { ...STUB_PARAMS, Format: 'XML' }, { paramValidation: false });
      assert.ok(!r.err, describe(r));
      assert.equal(requestParams(stub.requests[0]).form.Format, 'JSON');
    });
    await check('stub: a 200 carrying Code resolves as a success', async () => {
      const r = await stubCall(stub, STUB.okWithCode);
      assert.ok(!r.err, describe(r));
      assert.equal(r.data.Code, 'IncorrectScalingGroupStatus');
    });
    await check('stub: a lowercase code and message reach the caller', async () => {
      const r = await stubCall(stub, STUB.lowerCode);
      assert.equal(r.err?.code, 'IncorrectScalingGroupStatus', describe(r));
      assert.equal(r.err.message, JSON.parse(STUB.lowerCode.body).message);
      assert.equal(r.err.statusCode, 400);
    });
    await check('stub: a 4xx without Code gives the code UnknownError', async () => {
      const r = await stubCall(stub, STUB.noCode);
      assert.equal(r.err?.code, 'UnknownError', describe(r));
      assert.equal(r.err.message, 'no code here');
    });
    await check('stub: an XML error is a JSON parse failure; its Code never reaches the caller', async () => {
      const r = await stubCall(stub, STUB.xmlError);
      assert.equal(r.err?.name, 'SyntaxError', describe(r));
      assert.equal(r.err.code, undefined, describe(r));
      assert.equal(r.err.statusCode, 400);
    });
    // err.retryable is true for a 5xx (service.js retryableError), but no
    // listener on the request's 'afterRetry' state clears the error, so the
    // state machine (request.js) goes to 'error': nothing is ever retried,
    // whatever maxRetries says.
    await check('stub: a 5xx is marked retryable but not retried, maxRetries unset or 2', async () => {
      for (const maxRetries of ['default', 2]) {
        const r = await stubCall(stub, STUB.serverError, STUB_PARAMS, { maxRetries });
        assert.equal(r.err?.code, 'ServiceUnavailable', describe(r));
        assert.equal(r.err.retryable, true, `err.retryable (maxRetries ${maxRetries})`);
        assert.equal(stub.requests.length, 1, `requests the stub received (maxRetries ${maxRetries})`);
      }
    });
    await check('stub: InstanceId.21 is refused client-side (UnexpectedParameter), nothing sent', async () => {
      const params = { ...STUB_PARAMS };
      for (let n = 2; n <= 21; ++n) params[`InstanceId.${n}`] = `i-stub${n}`;
      const r = await stubCall(stub, STUB.success, params);
      assert.equal(r.err?.code, 'UnexpectedParameter', describe(r));
      assert.equal(r.err.message, "Unexpected key 'InstanceId.21' found in params");
      assert.equal(stub.requests.length, 0, 'requests the stub received');
    });
    await check('stub: with paramValidation off the SDK no longer fills in Action', async () => {
      const r = await stubCall(stub, STUB.success, STUB_PARAMS, { paramValidation: false });
      assert.ok(!r.err, describe(r));
      assert.equal(requestParams(stub.requests[0]).form.Action, undefined, 'Action in the body');
    });
  });
}

// ---------------------------------------------------------------- checks

await runInterop(args, async () => {
  await check('signed POST RemoveInstances of an AutoCreated instance succeeds and releases it', () => successCheck(removeOk, 'i-auto1', false));
  await check('signed POST RemoveInstances of an Attached instance succeeds and keeps it in ECS', () => successCheck(removeOk, 'i-manual1', true));
  await check('signed POST RemoveInstances of twenty instances (InstanceId.1..20, its maximum) gets past the SDK', async () => {
    // Twenty ids, only the first a member: the reference must answer
    // InvalidInstanceId.NotFound and remove nothing; the SDK sends them all.
    // Which unknown id the Message names is open: the SDK sorts its body by
    // name (InstanceId.1, InstanceId.10, ..., InstanceId.2, ...), so the
    // first unknown on the wire is i-none10, not i-none2.
    const params = { ScalingGroupId: GROUP, 'InstanceId.1': 'i-auto1' };
    for (let n = 2; n <= 20; ++n) params[`InstanceId.${n}`] = `i-none${n}`;
    const c = { code: 'InvalidInstanceId.NotFound', status: 404, params };
    await errorCheck(c, (key, p) => expectError(key, p), (r) => {
      assertApiError(r, c.code, (s) => s === c.status, String(c.status));
      assert.match(r.err.message, /^Instance "i-none(?:[2-9]|1\d|20)" does not exist\.$/, `err.message (${describe(r)})`);
    });
  });
  for (const c of ERROR_CASES) {
    const name = `error ${c.label ?? c.code} ${c.status} reaches the SDK`;
    if (c.removePolicy) {
      skip(name, 'its API definition has no RemovePolicy, so the SDK refuses it client-side; the two checks below show that and send it with validation off');
      await check('RemovePolicy is refused client-side (UnexpectedParameter), nothing reaches the server', async () => {
        await withStub(STUB.success, async (stub) => {
          const r = await stubCall(stub, STUB.success, c.params);
          assert.equal(r.err?.code, 'UnexpectedParameter', describe(r));
          assert.equal(r.err.message, "Unexpected key 'RemovePolicy' found in params");
          assert.equal(stub.requests.length, 0, 'requests the stub received');
        });
      });
      await check(`with paramValidation off and Action given: ${name}`,
                  () => errorCheck(c, (key, p) => expectError(key, p, true), assertTableError));
      continue;
    }
    await check(name, () => errorCheck(c, (key, p) => expectError(key, p), assertTableError));
  }
  for (const c of AUTH_CASES) {
    await check(c.name, () => authErrorCheck(c, (key, p) => expectError(key, p), assertAuthError));
  }
  await stubChecks();
});
