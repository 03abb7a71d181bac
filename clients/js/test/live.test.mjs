// Live: the SDK against a real node started by scripts/js-test (skipped when no node is given).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Client as StompClient } from '@stomp/stompjs';
import { ethers } from 'ethers';
import { SignalClient } from '../signal.js';
import { startAuthorizationFlow, webSocketIdForOperation } from '../webflow.js';
import { SecureCallClient } from '../securecall.js';
import { WalletClient, fetchBasicData } from '../wallet.js';
import { getJson, nextEvent, postJson, testNode } from './support/node.mjs';

/** A REST transfer body: the payer's EIP-712 Transfer, typed as /basic-data publishes it, signed by ethers. */
async function signedTransfer(wallet, basicData, to, amount) {
  const data = { from: wallet.address, to, amount, domainSeparator: basicData.tokens[0].domainSeparator,
    deadline: Math.floor(Date.now() / 1000) + 300 };
  const { v, r, s } = ethers.Signature.from(await wallet.signTypedData(basicData.domain, basicData.transferTypes, data));
  return { ...data, signature: { v, r, s } };
}

const node = testNode();
const live = { skip: node ? false : 'no node (run scripts/js-test)', timeout: 20000 };
const CLIENTS = '/v1/api/socket/websocket/clients';

function signalClient(userId, roles, options = {}) {
  return new SignalClient({
    url: node.ws('signal', '/ws'),
    token: node.jwt(userId, roles),
    ecdhInfo: node.ecdhInfo,
    WebSocket,
    ...options,
  });
}

test('signal: connect, REST room push decrypted, encrypted send accepted, rooms', live, async (t) => {
  const client = signalClient(`sdk-${randomUUID().slice(0, 8)}`, ['user'], { autoJoinRooms: ['ws-test-payment'] });
  t.after(() => client.close());
  const errors = [];
  client.on('error', (e) => errors.push(e));
  const joined = nextEvent(client, 'join');
  const info = await client.connect();
  assert.equal(typeof info.id, 'string');
  assert.deepEqual((await joined).data.rooms, ['ws-test-payment']);

  const service = node.jwt('sdk-service', ['service']);
  const data = { orderId: randomUUID(), note: 'ünïcødé ✓' };
  const push = nextEvent(client, 'sdk.notice');
  const sent = await postJson(node.http('signal', `${CLIENTS}/rooms/ws-test-payment/send`), service, { topic: 'sdk.notice', data });
  assert.equal(sent.status, 200);
  assert.ok(sent.json.recipients >= 1);
  assert.deepEqual((await push).data, data);

  assert.deepEqual(await client.joinRooms(['ws-orders', 'ws-default']), ['ws-default']);
  assert.equal(errors.at(-1).code, 'ROOM_FORBIDDEN');
  await client.send('sdk.hello', { n: 1 });
  // An encrypted app event is answered only when refused; a join after it is a barrier that must be answered.
  assert.deepEqual(await client.leaveRooms(['ws-default']), ['ws-default']);
  assert.equal(errors.length, 1, JSON.stringify(errors));
});

test('signal: REST disconnect → reconnect with a fresh key, rooms re-joined; bad token → reconnect_failed', live, async (t) => {
  const client = signalClient(`sdk-${randomUUID().slice(0, 8)}`, ['user'], {
    autoJoinRooms: ['ws-test-payment'],
    reconnect: { interval: 50, maxInterval: 200, maxRetries: 2 },
  });
  t.after(() => client.close());
  const first = await client.connect();
  const service = node.jwt('sdk-service', ['service']);

  const again = nextEvent(client, 'connected');
  const closed = nextEvent(client, 'disconnected');
  await postJson(node.http('signal', `${CLIENTS}/${first.id}/disconnect`), service);
  assert.equal((await closed).data.code, 4010);
  const second = (await again).data;
  assert.notEqual(second.id, first.id);
  assert.notEqual(second.serverPublicKey, first.serverPublicKey);
  await nextEvent(client, 'join');
  const list = await getJson(node.http('signal', CLIENTS), { authorization: `Bearer ${service}` });
  const me = list.json.clients.find((c) => c.id === second.id);
  assert.ok(me.rooms.includes('ws-test-payment'), JSON.stringify(me));

  client.updateToken('not-a-jwt');
  const failed = nextEvent(client, 'reconnect_failed');
  const attempts = [];
  client.on('reconnecting', (r) => attempts.push(r));
  await postJson(node.http('signal', `${CLIENTS}/${second.id}/disconnect`), service);
  assert.deepEqual((await failed).data, { attempts: 2 });
  assert.deepEqual(attempts.map((a) => a.delay), [50, 75]);
});

test('webflow: register over stompjs and receive the authorization', live, async (t) => {
  const operationId = randomUUID();
  const webSocketId = await webSocketIdForOperation(operationId);
  const seen = [];
  const flow = await startAuthorizationFlow({
    Client: StompClient,
    webSocketId,
    onAuthorization: (n) => seen.push(n),
    stompConfig: {
      webSocketFactory: () => new WebSocket(node.ws('webflow', '/websocket'), ['v12.stomp']),
      reconnectDelay: 0,
    },
  });
  t.after(() => flow.close());
  assert.equal(flow.registration.webSocketId, webSocketId);
  const posted = await postJson(node.http('webflow', '/api/authorizations'), node.jwt('bank', ['service']),
    { operationId, authResult: 'CONFIRMED' });
  assert.equal(posted.json.delivered, true);
  const notification = await flow.waitForAuthorization(5000);
  assert.deepEqual(notification, { webSocketId, authResult: 'CONFIRMED' });
  assert.equal(seen.length, 1);
});

test('securecall: register, TURN credentials as iceServers', live, async (t) => {
  const client = new SecureCallClient({ url: node.ws('securecall', '/signal'), clientId: `sdk-${randomUUID()}`, WebSocket });
  t.after(() => client.close());
  const registered = await client.connect();
  assert.equal(registered.clientId, client.clientId);
  const turn = client.iceServers.find((s) => s.username);
  assert.ok(turn.username.endsWith(`:${client.clientId}`), JSON.stringify(client.iceServers));
  const fresh = await client.refreshTurnCredentials();
  assert.ok(fresh.ttlSeconds > 0);
  assert.deepEqual(client.iceServers, fresh.iceServers);
});

test('wallet: signed GET_BALANCE and SUBSCRIBE_TRANSFERS with an ethers Wallet; TRANSFER push', live, async (t) => {
  const basicData = await fetchBasicData(node.http('wallet', '/'));
  const wallet = new ethers.Wallet(node.walletKey);
  const client = new WalletClient({ basicData, signer: wallet, WebSocket });
  await client.open();
  t.after(() => client.close());
  const domainSeparators = basicData.tokens.map((tk) => tk.domainSeparator);
  const result = await client.request('GET_BALANCE', { requestId: `bal-"ü✓\\-${randomUUID()}`, domainSeparators });
  assert.equal(result.type, 'BALANCE_RESULT');
  const funded = node.walletFund.split('=')[1];
  assert.ok(result.payload.balances.every((b) => b.balance === funded || BigInt(b.balance) < BigInt(funded)));
  const usdc = basicData.tokens[0];
  const subscribed = await client.request('SUBSCRIBE_TRANSFERS', { domainSeparators: [usdc.domainSeparator] });
  assert.equal(subscribed.payload.subscription, 'TRANSFERS');
  const push = new Promise((resolve) => client.on('TRANSFER', resolve));
  const to = ethers.Wallet.createRandom().address;
  const transfer = await postJson(node.http('wallet', '/api/wallet/transfers'), node.jwt('ops', ['service']),
    await signedTransfer(wallet, basicData, to, '3'));
  assert.equal(transfer.status, 200);
  const p = await push;
  assert.equal(p.txHash, transfer.json.txHash);
  await assert.rejects(client.request('GET_BALANCE', { domainSeparators: [`0x${'00'.repeat(32)}`] }),
    (e) => e.errorCode === 'INVALID_MESSAGE');
});
