// Interop test: @alicloud/openapi-client 0.4.15, the core of Alibaba Cloud's
// generated "tea" Node SDKs, against `essconf serve`, the reference server.
//
//   node openapi_client_interop.mjs --essconf PATH [--modules DIR] [--verbose]
//
// RemoveInstances is called the ways the generated SDKs call it:
//   rpc-form  client.doRPCRequest("RemoveInstances", "2014-08-28", "HTTP",
//             "POST", "AK", "json", req, runtime), as the generated ESS
//             2014-08-28 SDK does (removeInstancesWithOptions): its request
//             model, Util.toMap(request), is the form body (InstanceId an
//             array, flattened to InstanceId.N by OpenApiUtil.query), and the
//             client puts the common parameters and the signature (HMAC-SHA1)
//             in the query;
//   callapi-v2  client.callApi(params, req, runtime) with style 'RPC', as newer
//             generated SDKs do: every API parameter in the query
//             (OpenApiUtil.query), Config signatureAlgorithm 'v2' (HMAC-SHA1);
//   callapi-v3  the same callApi with the client's default signing,
//             ACS3-HMAC-SHA256: Action only in the x-acs-action header, which
//             the reference verifies beside V1 (docs/run.md, Signature V3).
// Each style runs the successes (the World shows the removal), every error
// of the documentation's table and the two key errors (the World unchanged),
// checking err.code, err.data (Code, Message, RequestId, statusCode) and
// err.message. A stub server (harness.mjs) then shows what the client sends
// and what it makes of answers the reference never gives (docs/clients.md).

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  API_VERSION, AUTH_CASES, CALL_TIMEOUT_MS, ERROR_CASES, KEYS, REQUEST_ID, STUB, STUB_REQUEST_ID,
  WHOLE_SECOND_TIMESTAMP, authErrorCheck, check, errorCheck, loadModule, parseArgs, requestParams,
  runInterop, serverUrl, settle, successCheck, withStub,
} from './harness.mjs';

const args = parseArgs('openapi_client_interop', process.argv.slice(2));
const here = path.dirname(fileURLToPath(import.meta.url));
const OpenApi = loadModule(args.modules, '@alicloud/openapi-client', here);
const Util = loadModule(args.modules, '@alicloud/tea-util', here);
const OpenApiUtil = loadModule(args.modules, '@alicloud/openapi-util', here).default;
const Client = OpenApi.default;

// ---------------------------------------------------------------- the client

const STYLES = {
  'rpc-form': { signatureAlgorithm: undefined, label: 'doRPCRequest POST, API parameters in the form body' },
  'callapi-v2': { signatureAlgorithm: 'v2', label: 'callApi RPC, everything in the query, HMAC-SHA1' },
  'callapi-v3': { signatureAlgorithm: undefined, label: 'callApi RPC, default ACS3-HMAC-SHA256' },
};

function client(style, key, base = serverUrl()) {
  return new Client(new OpenApi.Config({
    accessKeyId: key.accessKeyId,
    accessKeySecret: key.accessKeySecret,
    endpoint: new URL(base).host,  // the client builds `${protocol}://${endpoint}/`
    protocol: 'HTTP',
    regionId: 'cn-hangzhou',
    signatureAlgorithm: STYLES[style].signatureAlgorithm,
  }));
}

function runtime() {
  return new Util.RuntimeOptions({ readTimeout: CALL_TIMEOUT_MS, connectTimeout: CALL_TIMEOUT_MS, autoretry: false });
}

// The generated request model's map: InstanceId.N become one InstanceId array.
function requestModel(params) {
  const model = { RegionId: 'cn-hangzhou' };
  const ids = [];
  for (const [k, v] of Object.entries(params)) {
    const m = /^InstanceId\.(\d+)$/.exec(k);
    if (m) ids[Number(m[1]) - 1] = v;
    else model[k] = v;
  }
  if (ids.length) model.InstanceId = ids;
  return model;
}

// Calls RemoveInstances in `style`; resolves with {body, headers, statusCode}.
function callRemove(style, key, params, base) {
  const c = client(style, key, base);
  const model = requestModel(params);
  if (style === 'rpc-form') {
    const req = new OpenApi.OpenApiRequest({ body: model });
    return c.doRPCRequest('RemoveInstances', API_VERSION, 'HTTP', 'POST', 'AK', 'json', req, runtime());
  }
  const req = new OpenApi.OpenApiRequest({ query: OpenApiUtil.query(model) });
  const p = new OpenApi.Params({
    action: 'RemoveInstances', version: API_VERSION, protocol: 'HTTP', pathname: '/', method: 'POST',
    authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
  });
  return c.callApi(p, req, runtime());
}

function describe(err) {
  return `code ${err?.code}, message ${JSON.stringify(err?.message)}, data ${JSON.stringify(err?.data)}`;
}

async function removeOk(style, params) {
  let res;
  try {
    res = await callRemove(style, KEYS.good, params);
  } catch (err) {
    throw new Error(`the client threw: ${err?.name}: ${describe(err)}`);
  }
  assert.equal(res.statusCode, 200, `statusCode of a success (body ${JSON.stringify(res.body)})`);
  return res.body;
}

// Calls RemoveInstances and expects an API error (one with data.statusCode).
async function expectError(style, key, params) {
  let res;
  try {
    res = await callRemove(style, key, params);
  } catch (err) {
    if (err?.data?.statusCode === undefined) {
      throw new Error(`the call failed without an API error (transport or parse?): ${err?.name}: ${describe(err)}`);
    }
    return err;
  }
  throw new Error(`the client resolved instead of throwing: status ${res.statusCode}, body ${JSON.stringify(res.body)}`);
}

function assertApiError(err, code, statusOk, statusText) {
  const got = describe(err);
  assert.equal(err.code, code, `err.code (${got})`);
  assert.equal(err.data?.Code, code, `err.data.Code (${got})`);
  assert.ok(statusOk(err.data?.statusCode), `err.data.statusCode is not ${statusText} (${got})`);
  assert.ok(typeof err.data?.RequestId === 'string' && REQUEST_ID.test(err.data.RequestId),
            `err.data.RequestId is not an uppercase UUID (${got})`);
  assert.ok(err.message.includes(`code: ${err.data.statusCode}, `) && err.message.includes(`request id: ${err.data.RequestId}`),
            `err.message names the status and the RequestId (${got})`);
}

function assertTableError(err, c) {
  assertApiError(err, c.code, (s) => s === c.status, String(c.status));
  assert.equal(err.data.Message, c.message, `err.data.Message (${describe(err)})`);
  assert.ok(err.message.includes(c.message), `err.message carries the Message (${describe(err)})`);
}

function assertAuthError(err, c) {
  assertApiError(err, c.code, c.statusOk, c.statusText);
}

async function styleChecks(style) {
  const tag = `${style} (${STYLES[style].label})`;
  await check(`${tag}: signed RemoveInstances of an AutoCreated instance succeeds and releases it`,
              () => successCheck((p) => removeOk(style, p), 'i-auto1', false));
  await check(`${tag}: signed RemoveInstances of an Attached instance succeeds and keeps it in ECS`,
              () => successCheck((p) => removeOk(style, p), 'i-manual1', true));
  const call = (key, params) => expectError(style, key, params);
  for (const c of ERROR_CASES) {
    await check(`${tag}: error ${c.label ?? c.code} ${c.status} reaches the client`, () => errorCheck(c, call, assertTableError));
  }
  for (const c of AUTH_CASES) {
    await check(`${tag}: ${c.name}`, () => authErrorCheck(c, call, assertAuthError));
  }
}

// ---------------------------------------------------------------- the stub

const STUB_PARAMS = { ScalingGroupId: 'asg-stub', 'InstanceId.1': 'i-stub' };

async function stubCall(stub, style, answer) {
  stub.answer = answer;
  stub.requests.length = 0;
  return settle(callRemove(style, KEYS.good, STUB_PARAMS, stub.url));
}

function stubChecks() {
  return withStub(STUB.success, async (stub) => {
    await check('stub: rpc-form sends POST, common parameters in the query (Format=json, lower case; whole-second Timestamp), API ones in a chunked form body', async () => {
      const r = await stubCall(stub, 'rpc-form', STUB.success);
      assert.ok(!r.error, `rejected: ${describe(r.error)}`);
      const req = stub.requests[0];
      const { query, form } = requestParams(req);
      assert.equal(req.method, 'POST');
      assert.equal(query.Action, 'RemoveInstances');
      assert.equal(query.Format, 'json');
      assert.match(query.Timestamp, WHOLE_SECOND_TIMESTAMP);
      assert.equal(query.SignatureMethod, 'HMAC-SHA1');
      assert.ok(query.Signature, 'Signature in the query');
      assert.equal(query.ScalingGroupId, undefined, 'ScalingGroupId in the query');
      assert.equal(form.ScalingGroupId, 'asg-stub');
      assert.equal(form['InstanceId.1'], 'i-stub');
      assert.equal(form.RegionId, 'cn-hangzhou');
      assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(req.headers['transfer-encoding'], 'chunked', 'Transfer-Encoding');
      assert.equal(req.headers['content-length'], undefined, 'Content-Length');
      assert.equal(req.headers['x-acs-action'], 'RemoveInstances');
    });
    await check('stub: callapi-v2 sends every parameter in the query and no body', async () => {
      const r = await stubCall(stub, 'callapi-v2', STUB.success);
      assert.ok(!r.error, `rejected: ${describe(r.error)}`);
      const req = stub.requests[0];
      const { query } = requestParams(req);
      assert.equal(req.method, 'POST');
      assert.equal(query.Action, 'RemoveInstances');
      assert.equal(query.Format, 'json');
      assert.equal(query.ScalingGroupId, 'asg-stub');
      assert.equal(query['InstanceId.1'], 'i-stub');
      assert.equal(query.SignatureVersion, '1.0');
      assert.equal(query.RegionId, 'cn-hangzhou');
      assert.equal(req.body, '');
      assert.equal(req.headers['content-type'], undefined, 'Content-Type');
    });
    await check('stub: callapi-v3 signs ACS3-HMAC-SHA256 with Action only in x-acs-action', async () => {
      const r = await stubCall(stub, 'callapi-v3', STUB.success);
      assert.ok(!r.error, `rejected: ${describe(r.error)}`);
      const req = stub.requests[0];
      const { query } = requestParams(req);
      assert.equal(query.Action, undefined, 'Action in the query');
      assert.equal(query.Signature, undefined, 'Signature in the query');
      assert.equal(query.Format, undefined, 'Format in the query');
      assert.match(req.headers['x-acs-date'] ?? '', WHOLE_SECOND_TIMESTAMP, 'x-acs-date');
      assert.equal(req.body, '');
      assert.equal(query.ScalingGroupId, 'asg-stub');
      assert.equal(req.headers['x-acs-action'], 'RemoveInstances');
      assert.equal(req.headers['x-acs-version'], API_VERSION);
      assert.match(req.headers.authorization ?? '', /^ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=[^,]+,Signature=[0-9a-f]{64}$/);
    });
    for (const style of ['rpc-form', 'callapi-v3']) {
      await check(`stub: ${style}: a 200 carrying Code resolves as a success`, async () => {
        const r = await stubCall(stub, style, STUB.okWithCode);
        assert.ok(!r.error, `rejected: ${describe(r.error)}`);
        assert.equal(r.value.statusCode, 200);
        assert.equal(r.value.body.Code, 'IncorrectScalingGroupStatus');
      });
      await check(`stub: ${style}: a lowercase code, message and requestId reach the caller`, async () => {
        const r = await stubCall(stub, style, STUB.lowerCode);
        assert.equal(r.error?.code, 'IncorrectScalingGroupStatus', describe(r.error));
        // $tea.newError prefixes the message with the code.
        assert.equal(r.error.message, `IncorrectScalingGroupStatus: code: 400, ${JSON.parse(STUB.lowerCode.body).message} request id: ${STUB_REQUEST_ID}`);
      });
      await check(`stub: ${style}: a 4xx without Code throws the code "undefined"`, async () => {
        const r = await stubCall(stub, style, STUB.noCode);
        assert.equal(r.error?.code, 'undefined', describe(r.error));
        assert.equal(r.error.data?.statusCode, 400);
      });
      await check(`stub: ${style}: a 5xx is not retried (runtime autoretry false)`, async () => {
        const r = await stubCall(stub, style, STUB.serverError);
        assert.equal(r.error?.code, 'ServiceUnavailable', describe(r.error));
        assert.equal(stub.requests.length, 1, 'requests the stub received');
      });
    }
    await check('stub: rpc-form: an XML error is a JSON parse failure; its Code never reaches the caller', async () => {
      const r = await stubCall(stub, 'rpc-form', STUB.xmlError);
      assert.ok(r.error, `resolved: ${JSON.stringify(r.value?.body)}`);
      assert.equal(r.error.name, 'SyntaxError', describe(r.error));
      assert.equal(r.error.data, undefined);
      assert.ok(!String(r.error.code ?? '').includes('IncorrectScalingGroupStatus'));
    });
    await check('stub: callapi-v3: an XML error with Content-Type text/xml;charset=utf-8 is read as XML', async () => {
      const r = await stubCall(stub, 'callapi-v3', STUB.xmlError);
      assert.equal(r.error?.code, 'IncorrectScalingGroupStatus', describe(r.error));
      assert.equal(r.error.data?.RequestId, STUB_REQUEST_ID);
    });
    await check('stub: callapi-v3: the same XML error with Content-Type text/xml is a JSON parse failure', async () => {
      const r = await stubCall(stub, 'callapi-v3', { ...STUB.xmlError, headers: { 'content-type': 'text/xml' } });
      assert.equal(r.error?.name, 'SyntaxError', describe(r.error));
    });
  });
}

// ---------------------------------------------------------------- checks

await runInterop(args, async () => {
  await styleChecks('rpc-form');
  await styleChecks('callapi-v2');
  await styleChecks('callapi-v3');
  await stubChecks();
});
