// Interop test: Alibaba Cloud's official Node SDK (@alicloud/pop-core 1.8.0)
// against `essconf serve`, the reference server.
//
//   node pop_core_interop.mjs --essconf PATH [--modules DIR] [--verbose]
//
// Starts `essconf serve --listen 127.0.0.1:0 --world FILE` with a World in
// Signature mode, puts a World tailored to each check with the fixture
// protocol (PUT /_conformance/v1/world), calls RemoveInstances through
// pop-core's RPCClient and checks what the SDK reports: the result on success
// and err.code / err.data / err.entry.response.statusCode on errors. Then a
// stub server (harness.mjs) shows what pop-core sends and what it makes of
// answers the reference never gives (docs/clients.md).
//
// The server, the fixture protocol, the Worlds, the check runner and the
// output (`ok - <name>` / `not ok - <name>: <why>`, then `N passed, M
// failed`; exit 1 on any failure) are in harness.mjs.

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  API_VERSION, AUTH_CASES, CALL_TIMEOUT_MS, ERROR_CASES, KEYS, REQUEST_ID, STUB, STUB_REQUEST_ID,
  WHOLE_SECOND_TIMESTAMP, authErrorCheck, check, errorCheck, loadModule, parseArgs, requestParams,
  runInterop, serverUrl, settle, successCheck, withStub,
} from './harness.mjs';

const args = parseArgs('pop_core_interop', process.argv.slice(2));
const RPCClient = loadModule(args.modules, '@alicloud/pop-core', path.dirname(fileURLToPath(import.meta.url)));

// ---------------------------------------------------------------- the SDK

function client(key, verbose = false, endpoint = serverUrl()) {
  return new RPCClient({ ...key, endpoint, apiVersion: API_VERSION }, verbose);
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

// Calls RemoveInstances with GET (pop-core's default) or POST; resolves with
// the body after checking the HTTP status pop-core saw.
async function removeBy(method, params) {
  const opts = { timeout: CALL_TIMEOUT_MS };
  if (method === 'POST') opts.method = 'POST';
  let json, entry;
  try {
    [json, entry] = await client(KEYS.good, true).request('RemoveInstances', params, opts);
  } catch (err) {
    if (err instanceof Error && err.code) throw new Error(`pop-core threw ${err.code}: ${describeError(err)}`);
    throw new Error(`pop-core failed: ${err?.name}: ${err?.message}${err?.text !== undefined ? ` (body ${JSON.stringify(err.text).slice(0, 300)})` : ''}`);
  }
  assert.equal(entry?.response?.statusCode, 200, `HTTP status of a success (body ${JSON.stringify(json)})`);
  return json;
}

function assertTableError(err, c) {
  const got = describeError(err);
  assert.equal(err.code, c.code, `err.code (${got})`);
  assert.equal(err.name, `${c.code}Error`, `err.name (${got})`);
  assert.equal(err.entry?.response?.statusCode, c.status, `err.entry.response.statusCode (${got})`);
  assert.equal(err.data?.Code, c.code, `err.data.Code (${got})`);
  assert.equal(err.data?.Message, c.message, `err.data.Message (${got})`);
  assert.ok(typeof err.data?.RequestId === 'string' && REQUEST_ID.test(err.data.RequestId),
            `err.data.RequestId is not an uppercase UUID (${got})`);
}

function assertAuthError(err, c) {
  const got = describeError(err);
  assert.equal(err.code, c.code, `err.code (${got})`);
  assert.ok(c.statusOk(err.entry?.response?.statusCode), `err.entry.response.statusCode is not ${c.statusText} (${got})`);
  assert.ok(typeof err.data?.RequestId === 'string' && err.data.RequestId.length > 0, `err.data.RequestId missing (${got})`);
}

// ---------------------------------------------------------------- the stub

// What pop-core does with one fixed answer: {value} if it resolves, {error}
// if it rejects (an Error, or json-bigint's plain-object parse error).
async function stubCall(stub, answer, opts = {}) {
  stub.answer = answer;
  return settle(client(KEYS.good, false, stub.url).request(
    'RemoveInstances', { ScalingGroupId: 'asg-stub', 'InstanceId.1': 'i-stub' }, { timeout: CALL_TIMEOUT_MS, ...opts }));
}

function stubChecks() {
  return withStub(STUB.success, async (stub) => {
    await check('stub: GET puts every parameter in the query, Format=JSON, whole-second Timestamp, no body', async () => {
      stub.requests.length = 0;
      const r = await stubCall(stub, STUB.success);
      assert.ok(!r.error, `rejected: ${r.error?.message}`);
      const req = stub.requests[0];
      const { query } = requestParams(req);
      assert.equal(req.method, 'GET');
      assert.equal(query.Action, 'RemoveInstances');
      assert.equal(query.ScalingGroupId, 'asg-stub');
      assert.equal(query.Format, 'JSON');
      assert.match(query.Timestamp, WHOLE_SECOND_TIMESTAMP);
      assert.equal(query.RegionId, undefined, 'RegionId (not passed by the caller)');
      assert.equal(req.body, '');
      assert.equal(req.headers['x-acs-action'], 'RemoveInstances', 'x-acs-action header');
      assert.equal(req.headers['x-acs-version'], API_VERSION, 'x-acs-version header');
      assert.ok(req.headers['x-sdk-client'], 'x-sdk-client header');
    });
    await check('stub: POST puts every parameter (common ones too) in a form body with Content-Length', async () => {
      stub.requests.length = 0;
      const r = await stubCall(stub, STUB.success, { method: 'POST' });
      assert.ok(!r.error, `rejected: ${r.error?.message}`);
      const req = stub.requests[0];
      const { query, form } = requestParams(req);
      assert.equal(req.method, 'POST');
      assert.deepEqual(query, {}, 'query of a POST');
      assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(form.Action, 'RemoveInstances');
      assert.equal(form.Signature?.length > 0, true, 'Signature in the body');
      assert.equal(form['InstanceId.1'], 'i-stub');
      assert.equal(req.headers['transfer-encoding'], undefined, 'Transfer-Encoding');
      assert.equal(Number(req.headers['content-length']), Buffer.byteLength(req.body), 'Content-Length');
    });
    await check('stub: a 200 carrying Code throws that code (pop-core never reads the status)', async () => {
      const r = await stubCall(stub, STUB.okWithCode);
      assert.ok(r.error instanceof Error, `resolved: ${JSON.stringify(r.value)}`);
      assert.equal(r.error.code, 'IncorrectScalingGroupStatus');
      assert.equal(r.error.data?.RequestId, STUB_REQUEST_ID);
    });
    await check('stub: a 400 without Code resolves as a success', async () => {
      const r = await stubCall(stub, STUB.noCode);
      assert.ok(!r.error, `rejected: ${r.error?.message}`);
      assert.equal(r.value.Message, 'no code here');
    });
    await check('stub: a lowercase code is not an error (only Code is read)', async () => {
      const r = await stubCall(stub, STUB.lowerCode);
      assert.ok(!r.error, `rejected: ${r.error?.code} ${r.error?.message}`);
      assert.equal(r.value.code, 'IncorrectScalingGroupStatus');
    });
    await check('stub: a 5xx is sent once, not retried', async () => {
      stub.requests.length = 0;
      const r = await stubCall(stub, STUB.serverError);
      assert.equal(r.error?.code, 'ServiceUnavailable', `${r.error?.message}`);
      assert.equal(stub.requests.length, 1, 'requests the stub received');
    });
    await check('stub: an XML error is a JSON parse failure; its Code never reaches the caller', async () => {
      const r = await stubCall(stub, STUB.xmlError);
      assert.ok(r.error, `resolved: ${JSON.stringify(r.value)}`);
      assert.ok(!(r.error instanceof Error), 'json-bigint rejects with a plain object, not an Error');
      assert.equal(r.error.name, 'SyntaxError');
      assert.equal(r.error.code, undefined);
    });
  });
}

// ---------------------------------------------------------------- checks

await runInterop(args, async () => {
  await check('signed GET RemoveInstances succeeds and removes the instance', () => successCheck((p) => removeBy('GET', p), 'i-auto1', false));
  await check('signed POST (form body) RemoveInstances succeeds and removes the instance', () => successCheck((p) => removeBy('POST', p), 'i-manual1', true));
  for (const c of ERROR_CASES) {
    await check(`error ${c.label ?? c.code} ${c.status} reaches the SDK`, () => errorCheck(c, expectSdkError, assertTableError));
  }
  for (const c of AUTH_CASES) {
    await check(c.name, () => authErrorCheck(c, expectSdkError, assertAuthError));
  }
  await stubChecks();
});
