// The contracts in docs/api (OpenAPI 3.1, AsyncAPI 3) against a real node: every REST answer and every
// WebSocket frame seen here, both ways, must validate against its schema (JSON Schema 2020-12, ajv).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import Ajv2020 from 'ajv/dist/2020.js';
import { Client as StompClient } from '@stomp/stompjs';
import { ethers } from 'ethers';
import { SignalClient } from '../signal.js';
import { startAuthorizationFlow } from '../webflow.js';
import { WalletClient, fetchBasicData } from '../wallet.js';
import { nextEvent, postJson, testNode } from './support/node.mjs';

/** A REST transfer body: the payer's EIP-712 Transfer, typed as /basic-data publishes it, signed by ethers. */
async function signedTransfer(wallet, basicData, to, amount) {
  const data = { from: wallet.address, to, amount, domainSeparator: basicData.tokens[0].domainSeparator,
    deadline: Math.floor(Date.now() / 1000) + 300 };
  const { v, r, s } = ethers.Signature.from(await wallet.signTypedData(basicData.domain, basicData.transferTypes, data));
  return { ...data, signature: { v, r, s } };
}

const apiDir = new URL('../../../docs/api/', import.meta.url);
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const documents = {};
for (const file of readdirSync(apiDir).filter((f) => f.endsWith('.json'))) {
  documents[file] = JSON.parse(readFileSync(new URL(file, apiDir), 'utf8'));
  ajv.addSchema(documents[file], file);
}
const pointer = (...segments) => segments.map((s) => encodeURIComponent(String(s).replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
const compiled = new Map();
function validator(ref) {
  if (!compiled.has(ref)) compiled.set(ref, ajv.compile({ $ref: ref }));
  return compiled.get(ref);
}
function check(ref, value, what) {
  const validate = validator(ref);
  assert.ok(validate(value), `${what} does not match ${ref}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 400)}`);
}

const node = testNode();
const live = { skip: node ? false : 'no node (run scripts/js-test)', timeout: 30000 };
const checked = { responses: 0, frames: 0 };

/** Calls the REST API and validates the answer against the operation's response for its status. */
async function call(file, service, method, template, path, { token, headers = {}, body, expect } = {}) {
  const init = { method: method.toUpperCase(), headers: { ...headers } };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(node.http(service, path), init);
  const text = await res.text();
  if (expect) assert.equal(res.status, expect, `${method} ${path}: ${text.slice(0, 200)}`);
  const operation = documents[file].paths[template]?.[method];
  assert.ok(operation, `${file} has no ${method} ${template}`);
  assert.ok(operation.responses[res.status], `${file}: ${method} ${template} does not document status ${res.status}`);
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  assert.ok(operation.responses[res.status].content?.[type], `${file}: ${method} ${template} ${res.status} does not document ${type}`);
  const value = type === 'application/json' ? JSON.parse(text) : text;
  check(`${file}#/${pointer('paths', template, method, 'responses', res.status, 'content', type, 'schema')}`, value, `${method} ${path} ${res.status}`);
  checked.responses++;
  return { status: res.status, json: type === 'application/json' ? value : undefined };
}

/** A ws WebSocket that validates every frame it sends and receives against the protocol's contract. */
function contractSocket(file, decodeIncoming = (f) => f) {
  const failures = [];
  class ContractWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.on('message', (data) => {
        try {
          check(`${file}#/components/schemas/ServerFrame`, decodeIncoming(JSON.parse(String(data))), 'server frame');
          checked.frames++;
        } catch (e) {
          failures.push(e.message);
        }
      });
    }

    send(data) {
      try {
        check(`${file}#/components/schemas/ClientFrame`, JSON.parse(String(data)), 'client frame');
        checked.frames++;
      } catch (e) {
        failures.push(e.message);
      }
      super.send(data);
    }
  }
  return { ContractWebSocket, failures };
}

before(() => {
  for (const [file, doc] of Object.entries(documents)) {
    assert.ok(doc.openapi === '3.1.0' || doc.asyncapi === '3.0.0', `${file} is neither OpenAPI 3.1 nor AsyncAPI 3`);
  }
});

after(() => {
  if (node) console.log(`# contracts: ${checked.responses} REST answers and ${checked.frames} frames validated`);
});

test('contracts: every REST path of the OpenAPI documents answers as documented', live, async (t) => {
  const service = node.jwt('contract-service', ['service']);
  const user = node.jwt('contract-user', ['user']);
  const key = { 'x-api-key': node.fingerprintKey };
  for (const [file, svc] of [['signal.openapi.json', 'signal'], ['securecall.openapi.json', 'securecall'],
    ['webflow.openapi.json', 'webflow'], ['wallet.openapi.json', 'wallet'], ['fingerprint.openapi.json', 'fingerprint']]) {
    await call(file, svc, 'get', '/health', '/health', { expect: 200 });
  }
  const mgmt = await call('management.openapi.json', 'management', 'get', '/health', '/health', { expect: 200 });
  assert.ok(Object.keys(mgmt.json.services).length >= 5);
  await call('management.openapi.json', 'management', 'get', '/metrics', '/metrics', { expect: 200 });

  const B = '/v1/api/socket/websocket/clients';
  const S = 'signal.openapi.json';
  const client = new SignalClient({ url: node.ws('signal', '/ws'), token: user, ecdhInfo: node.ecdhInfo, WebSocket, reconnect: { enabled: false } });
  t.after(() => client.close());
  const info = await client.connect();
  await call(S, 'signal', 'get', `${B}/status`, `${B}/status`, { expect: 200 });
  await call(S, 'signal', 'get', B, B, { token: service, expect: 200 });
  await call(S, 'signal', 'get', B, B, { expect: 401 });
  await call(S, 'signal', 'get', B, B, { token: user, expect: 403 });
  await call(S, 'signal', 'post', `${B}/broadcast`, `${B}/broadcast`, { token: service, body: { topic: 'c.b', data: 1 }, expect: 200 });
  await call(S, 'signal', 'post', `${B}/broadcast`, `${B}/broadcast`, { token: service, body: { data: 1 }, expect: 400 });
  await call(S, 'signal', 'post', `${B}/rooms/{room}/send`, `${B}/rooms/ws-default/send`, { token: service, body: { topic: 'c.r', data: {} }, expect: 200 });
  await call(S, 'signal', 'post', `${B}/rooms/{room}/send`, `${B}/rooms/no-such-room/send`, { token: service, body: { topic: 'c.r' }, expect: 404 });
  await call(S, 'signal', 'post', `${B}/{clientId}/send`, `${B}/${info.id}/send`, { token: service, body: { topic: 'c.c', data: 'x' }, expect: 200 });
  await call(S, 'signal', 'post', `${B}/{clientId}/send`, `${B}/nobody/send`, { token: service, body: { topic: 'c.c' }, expect: 404 });
  await call(S, 'signal', 'post', `${B}/{clientId}/disconnect`, `${B}/${info.id}/disconnect`, { token: service, expect: 200 });
  await call(S, 'signal', 'post', `${B}/{clientId}/disconnect`, `${B}/${info.id}/disconnect`, { token: service, expect: 404 });

  const W = 'webflow.openapi.json';
  await call(W, 'webflow', 'post', '/api/authorizations', '/api/authorizations', { token: service, body: { webSocketId: `c-${randomUUID()}`, authResult: 'OK' }, expect: 200 });
  await call(W, 'webflow', 'post', '/api/authorizations', '/api/authorizations', { token: user, body: { webSocketId: 'x', authResult: 'OK' }, expect: 403 });
  await call(W, 'webflow', 'post', '/api/authorizations', '/api/authorizations', { token: service, body: { authResult: 'OK' }, expect: 400 });

  const A = 'wallet.openapi.json';
  const basic = await call(A, 'wallet', 'get', '/basic-data', '/basic-data', { expect: 200 });
  await call(A, 'wallet', 'post', '/api/wallet/transfers', '/api/wallet/transfers', { token: service, expect: 200,
    body: await signedTransfer(new ethers.Wallet(node.walletKey), basic.json, ethers.Wallet.createRandom().address, '1') });
  await call(A, 'wallet', 'post', '/api/wallet/transfers', '/api/wallet/transfers', { token: user, body: {}, expect: 403 });

  const F = 'fingerprint.openapi.json';
  await call(F, 'fingerprint', 'get', '/api/health', '/api/health', { expect: 200 });
  const devices = await call(F, 'fingerprint', 'get', '/api/devices', '/api/devices', { headers: key, expect: 200 });
  await call(F, 'fingerprint', 'get', '/api/devices', '/api/devices', { expect: 401 });
  const deviceId = devices.json.devices[0].id;
  await call(F, 'fingerprint', 'get', '/api/devices/{id}', `/api/devices/${deviceId}`, { headers: key, expect: 200 });
  await call(F, 'fingerprint', 'get', '/api/devices/{id}', '/api/devices/no-such-device', { headers: key, expect: 404 });
  const scan = await call(F, 'fingerprint', 'post', '/api/scans', '/api/scans', { headers: key, body: { deviceId, options: { timeout: 10000 } }, expect: 201 });
  await call(F, 'fingerprint', 'post', '/api/scans', '/api/scans', { headers: key, body: { deviceId }, expect: 409 });
  await call(F, 'fingerprint', 'get', '/api/scans/{id}', `/api/scans/${scan.json.scanId}`, { headers: key, expect: 200 });
  await call(F, 'fingerprint', 'delete', '/api/scans/{id}', `/api/scans/${scan.json.scanId}`, { headers: key, expect: 200 });
  await call(F, 'fingerprint', 'delete', '/api/scans/{id}', `/api/scans/${scan.json.scanId}`, { headers: key, expect: 404 });
});

test('contracts: Signal frames both ways, and the decrypted application messages', live, async (t) => {
  const { ContractWebSocket, failures } = contractSocket('signal.asyncapi.json');
  const client = new SignalClient({ url: node.ws('signal', '/ws'), token: node.jwt('contract-signal', ['user']), ecdhInfo: node.ecdhInfo,
    WebSocket: ContractWebSocket, autoJoinRooms: ['ws-test-payment'], reconnect: { enabled: false } });
  t.after(() => client.close());
  const joined = nextEvent(client, 'join');
  await client.connect();
  await joined;
  const push = nextEvent(client, 'contract.push');
  await postJson(node.http('signal', '/v1/api/socket/websocket/clients/rooms/ws-test-payment/send'),
    node.jwt('contract-service', ['service']), { topic: 'contract.push', data: { n: 1 } });
  const { data, meta } = await push;
  check('signal.asyncapi.json#/components/schemas/ApplicationMessage', { event: 'contract.push', data, ...meta }, 'decrypted push');
  await client.joinRooms(['ws-orders', 'no-such-room']);
  await client.send('contract.up', { ok: true });
  await client.leaveRooms(['ws-test-payment']);
  assert.deepEqual(failures, []);
});

test('contracts: SecureCall frames of a whole call, PKD and TURN', live, async (t) => {
  const { ContractWebSocket, failures } = contractSocket('securecall.asyncapi.json');
  const url = node.ws('securecall', '/signal');
  const open = async () => {
    const ws = new ContractWebSocket(url);
    const inbox = [];
    const waiters = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      const i = waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) waiters.splice(i, 1)[0].resolve(m.payload);
      else inbox.push(m);
    });
    await new Promise((ok, fail) => { ws.once('open', ok); ws.once('error', fail); });
    t.after(() => ws.close());
    return {
      send: (type, payload) => ws.send(JSON.stringify(payload === undefined ? { type } : { type, payload })),
      next: (type) => {
        const i = inbox.findIndex((m) => m.type === type);
        if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0].payload);
        return new Promise((resolve) => waiters.push({ type, resolve }));
      },
      close: () => ws.close(),
    };
  };
  const suffix = randomUUID().slice(0, 8);
  const a = await open();
  const b = await open();
  a.send('PING');
  await a.next('PONG');
  a.send('CALL_INITIATE', { targetId: 'x', sdpOffer: 'v=0' });
  await a.next('ERROR');
  a.send('REGISTER', { clientId: `a-${suffix}` });
  b.send('REGISTER', { clientId: `b-${suffix}` });
  await a.next('REGISTERED');
  await b.next('REGISTERED');
  a.send('CALL_INITIATE', { targetId: `b-${suffix}`, sdpOffer: { type: 'offer', sdp: 'v=0\r\n' } });
  const { callId } = await a.next('CALL_INITIATED');
  await b.next('INCOMING_CALL');
  b.send('CALL_ACCEPT', { callId, sdpAnswer: { type: 'answer', sdp: 'v=0\r\n' } });
  await a.next('CALL_ACCEPTED');
  a.send('ICE_CANDIDATE', { callId, candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } });
  await b.next('ICE_CANDIDATE');
  b.send('CALL_END', { callId });
  await a.next('CALL_ENDED');
  a.send('PKD_REGISTER', { clientId: `a-${suffix}`, publicKey: 'MFkw' });
  await a.next('PKD_RESULT');
  b.send('PKD_LOOKUP', { clientId: `a-${suffix}` });
  await b.next('PKD_RESULT');
  a.send('TURN_CREDENTIALS', {});
  await a.next('TURN_CREDENTIALS');
  a.send('CALL_INITIATE', { targetId: `b-${suffix}`, sdpOffer: 'v=0' });
  const second = await a.next('CALL_INITIATED');
  await b.next('INCOMING_CALL');
  b.send('CALL_REJECT', { callId: second.callId });
  await a.next('CALL_REJECTED');
  assert.deepEqual(failures, []);
});

test('contracts: Web Flow STOMP bodies', live, async (t) => {
  const webSocketId = `contract-${randomUUID()}`;
  const flow = await startAuthorizationFlow({ Client: StompClient, webSocketId,
    stompConfig: { webSocketFactory: () => new WebSocket(node.ws('webflow', '/websocket'), ['v12.stomp']), reconnectDelay: 0 } });
  t.after(() => flow.close());
  const F = 'webflow.asyncapi.json';
  check(`${F}#/components/messages/registration/payload`, { webSocketId }, 'registration SEND body');
  check(`${F}#/components/messages/registrationReply/payload`, flow.registration, 'registration reply');
  await postJson(node.http('webflow', '/api/authorizations'), node.jwt('bank', ['service']), { webSocketId, authResult: 'CONFIRMED' });
  check(`${F}#/components/messages/authorization/payload`, await flow.waitForAuthorization(5000), 'authorization');
  checked.frames += 3;
});

test('contracts: Wallet gateway frames (signed requests, answers, pushes, errors)', live, async (t) => {
  const { ContractWebSocket, failures } = contractSocket('wallet.asyncapi.json');
  const basicData = await fetchBasicData(node.http('wallet', '/'));
  const wallet = new ethers.Wallet(node.walletKey);
  const client = new WalletClient({ basicData, signer: wallet, WebSocket: ContractWebSocket });
  await client.open();
  t.after(() => client.close());
  const domainSeparators = [basicData.tokens[0].domainSeparator];
  await client.request('GET_BALANCE', { domainSeparators });
  await client.request('SUBSCRIBE_BALANCE', { domainSeparators });
  await client.request('SUBSCRIBE_TRANSFERS', { domainSeparators });
  const pushes = Promise.all([new Promise((ok) => client.on('TRANSFER', ok)), new Promise((ok) => client.on('BALANCE_UPDATE', ok))]);
  await postJson(node.http('wallet', '/api/wallet/transfers'), node.jwt('ops', ['service']),
    await signedTransfer(wallet, basicData, ethers.Wallet.createRandom().address, '1'));
  await pushes;
  await client.request('UNSUBSCRIBE_TRANSFERS', { domainSeparators });
  await assert.rejects(client.request('GET_BALANCE', { domainSeparators: [`0x${'00'.repeat(32)}`] }));
  assert.deepEqual(failures, []);
});

test('contracts: Fingerprint frames of a scan, an admin log stream and errors', live, async (t) => {
  const { ContractWebSocket, failures } = contractSocket('fingerprint.asyncapi.json');
  const open = async (path) => {
    const ws = new ContractWebSocket(node.ws('fingerprint', path));
    const seen = [];
    const waiters = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      seen.push(m);
      for (const w of [...waiters]) if (w.match(m)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
    });
    await new Promise((ok, fail) => { ws.once('open', ok); ws.once('error', fail); });
    t.after(() => ws.close());
    return {
      send: (m) => ws.send(JSON.stringify(m)),
      next: (match) => {
        const found = seen.find(match);
        if (found) { seen.splice(seen.indexOf(found), 1); return Promise.resolve(found); }
        return new Promise((resolve) => waiters.push({ match, resolve }));
      },
    };
  };
  const admin = await open('/ws');
  admin.send({ type: 'auth', token: node.jwt('contract-admin', ['admin']) });
  await admin.next((m) => m.type === 'auth:success');
  const dev = await open('/');
  dev.send({ type: 'auth', apiKey: node.fingerprintKey });
  await dev.next((m) => m.type === 'service:status');
  dev.send({ type: 'subscribe', deviceId: 'device-001' });
  await dev.next((m) => m.type === 'subscribe:success');
  dev.send({ type: 'subscribe', deviceId: 'no-such-device' });
  await dev.next((m) => m.type === 'subscribe:error');
  dev.send({ type: 'scan:start', deviceId: 'device-001', options: { timeout: 10000 } });
  const started = await dev.next((m) => m.type === 'scan:started' || m.type === 'scan:error');
  assert.equal(started.type, 'scan:started', JSON.stringify(started));
  const ends = ['scan:complete', 'scan:error', 'scan:timeout'];
  await dev.next((m) => m.scanId === started.scanId && ends.includes(m.type));
  await admin.next((m) => m.type === 'log:entry');
  dev.send({ type: 'scan:stop', scanId: started.scanId });
  await dev.next((m) => m.type === 'scan:error');
  dev.send({ type: 'ping' });
  await dev.next((m) => m.type === 'pong');
  dev.send({ type: 'unsubscribe', deviceId: 'device-001' });
  await dev.next((m) => m.type === 'unsubscribe:success');
  assert.deepEqual(failures, []);
});

test('contracts: the operator console API on the management port, with live Signal and Web Flow sessions', live, async (t) => {
  const M = 'management.openapi.json';
  const admin = node.jwt('contract-operator', ['admin']);
  const service = node.jwt('contract-service', ['service']);
  const client = new SignalClient({ url: node.ws('signal', '/ws'), token: node.jwt('console-contract', ['user']),
    ecdhInfo: node.ecdhInfo, WebSocket, autoJoinRooms: ['ws-test-payment'], reconnect: { enabled: false } });
  t.after(() => client.close());
  const joined = nextEvent(client, 'join');
  const { id: clientId } = await client.connect();
  await joined;
  const webSocketId = `console-${randomUUID()}`;
  const flow = await startAuthorizationFlow({ Client: StompClient, webSocketId,
    stompConfig: { webSocketFactory: () => new WebSocket(node.ws('webflow', '/websocket'), ['v12.stomp']), reconnectDelay: 0 } });
  t.after(() => flow.close());

  await call(M, 'management', 'get', '/api/overview', '/api/overview', { expect: 401 });
  await call(M, 'management', 'get', '/api/overview', '/api/overview', { token: service, expect: 403 });
  const overview = await call(M, 'management', 'get', '/api/overview', '/api/overview', { token: admin, expect: 200 });
  const self = overview.json.members.find((m) => m.node === overview.json.node);
  assert.equal(self.reachable, true);
  assert.ok(self.services.signal.connections >= 1, 'the live Signal client is counted');
  assert.ok(overview.json.totals.signalClients >= 1 && overview.json.totals.webflowSessions >= 1 && overview.json.totals.fingerprintDevices >= 1);
  const signal = await call(M, 'management', 'get', '/api/signal/clients', '/api/signal/clients', { token: admin, expect: 200 });
  const listed = signal.json.clients.find((c) => c.clientId === clientId);
  assert.ok(listed?.rooms.includes('ws-test-payment'), JSON.stringify(listed));
  assert.ok(signal.json.rooms.some((r) => r.room === 'ws-test-payment'));
  const sessions = await call(M, 'management', 'get', '/api/webflow/sessions', '/api/webflow/sessions', { token: admin, expect: 200 });
  assert.ok(sessions.json.sessions.some((s) => s.webSocketId === webSocketId));
  const devices = await call(M, 'management', 'get', '/api/fingerprint/devices', '/api/fingerprint/devices', { token: admin, expect: 200 });
  assert.ok(devices.json.devices.some((d) => d.id === 'device-001'));
  await call(M, 'management', 'get', '/api/securecall/calls', '/api/securecall/calls', { token: admin, expect: 200 });

  const R = '/api/signal/rooms/{room}/send';
  const pushed = nextEvent(client, 'console.contract');
  const sent = await call(M, 'management', 'post', R, '/api/signal/rooms/ws-test-payment/send', { token: admin, body: { topic: 'console.contract', data: { n: 1 } }, expect: 200 });
  assert.ok(sent.json.recipients >= 1);
  assert.deepEqual((await pushed).data, { n: 1 });
  await call(M, 'management', 'post', R, '/api/signal/rooms/no-such-room/send', { token: admin, body: { topic: 'x' }, expect: 404 });
  await call(M, 'management', 'post', R, '/api/signal/rooms/ws-test-payment/send', { token: admin, body: { data: 1 }, expect: 400 });
  await call(M, 'management', 'post', R, '/api/signal/rooms/ws-test-payment/send', { token: service, body: { topic: 'x' }, expect: 403 });

  const D = '/api/signal/clients/{clientId}/disconnect';
  const closed = nextEvent(client, 'disconnected');
  await call(M, 'management', 'post', D, `/api/signal/clients/${clientId}/disconnect`, { token: admin, expect: 200 });
  assert.equal((await closed).data.code, 4010);
  await call(M, 'management', 'post', D, `/api/signal/clients/${clientId}/disconnect`, { token: admin, expect: 404 });

  for (const [path, type] of [['/console/', 'text/html'], ['/console/console.js', 'text/javascript'], ['/console/charts.js', 'text/javascript'], ['/console/console.css', 'text/css']]) {
    await call(M, 'management', 'get', '/console/{file}', path, { expect: 200 });
    const res = await fetch(node.http('management', path));
    assert.equal(res.headers.get('content-type').split(';')[0], type, path);
    assert.match(res.headers.get('content-security-policy'), /default-src 'self'/, path);
  }
});

test('contracts: the management server serves these contracts at /docs/ and the SDK at /sdk/ (so does the Signal port), byte for byte', live, async () => {
  for (const file of [...Object.keys(documents), 'index.html']) {
    const res = await fetch(node.http('management', `/docs/${file}`));
    assert.equal(res.status, 200, `/docs/${file}`);
    assert.equal(await res.text(), readFileSync(new URL(file, apiDir), 'utf8'), `/docs/${file} differs from docs/api/${file}`);
  }
  const index = await fetch(node.http('management', '/docs/'));
  assert.equal(index.status, 200);
  assert.match(await index.text(), /signal\.asyncapi\.json/);
  for (const file of ['signal.js', 'signal.d.ts', 'keccak.js', 'wallet.js', 'webflow.js', 'securecall.js']) {
    const res = await fetch(node.http('management', `/sdk/${file}`));
    assert.equal(res.status, 200, `/sdk/${file}`);
    if (file.endsWith('.js')) assert.match(res.headers.get('content-type'), /javascript/, `/sdk/${file} content type`);
    assert.equal(await res.text(), readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'), `/sdk/${file} differs`);
  }
  for (const file of ['signal.js', 'signal.d.ts']) {
    const res = await call('signal.openapi.json', 'signal', 'get', '/sdk/{file}', `/sdk/${file}`, { expect: 200 });
    assert.equal(await (await fetch(node.http('signal', `/sdk/${file}`))).text(), readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'), `signal port /sdk/${file} differs`);
    assert.equal(res.status, 200);
  }
  const cors = await fetch(node.http('signal', '/sdk/signal.js'), { headers: { origin: 'http://app.example' } });
  assert.equal(cors.headers.get('access-control-allow-origin'), '*');
  assert.equal((await fetch(node.http('signal', '/sdk/package.json'))).status, 404);
  assert.equal((await fetch(node.http('management', '/sdk/package.json'))).status, 404);
  assert.equal((await fetch(node.http('management', '/sdk/../pom.xml'))).status, 404);
});
