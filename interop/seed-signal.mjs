// The Signal client integration guide, taken literally: its browser client (seed/signal-client.mjs, written
// from the guide alone) and its REST examples (same paths, same bodies), against a running node. Every
// expectation below is one the guide states; nothing Switchboard-specific is sent or required.
// Started by scripts/interop (check name seed-signal), which passes the node's port and secrets.
import { createHmac, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { EncryptedWebSocketClient } from './seed/signal-client.mjs';
import { EventRecorder, assert, request, runChecks, withTimeout, WAIT_MS } from './seed/harness.mjs';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    console.error(`seed-signal: ${name} is not set (run scripts/interop seed-signal)`);
    process.exit(2);
  }
  return value;
};
const HOST = env('INTEROP_HOST', '127.0.0.1');
const PORT = Number(env('INTEROP_SIGNAL_PORT'));
const JWT_SECRET = env('INTEROP_JWT_SECRET');
const ECDH_INFO = env('INTEROP_ECDH_INFO', 'nx-signal-ws-v1');
const WS_URL = `ws://${HOST}:${PORT}/ws`;
const REST = `http://${HOST}:${PORT}/v1/api/socket/websocket/clients`;
const EVENTS = ['connected', 'disconnected', 'join', 'leave', 'error', 'client_error', 'reconnect_failed',
  'order.new', 'order.updated', 'notification'];

/** The identity service the guide assumes, standing in: an HS256 JWT with sub and roles, signed by the node's secret. */
function identityToken(sub, roles, ttlSeconds = 300) {
  const now = Math.floor(Date.now() / 1000);
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, roles, iat: Math.min(now, now + ttlSeconds - 60), exp: now + ttlSeconds })}`;
  return `${unsigned}.${createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url')}`;
}

function client(name, token, options, cleanup) {
  const c = new EncryptedWebSocketClient({ url: WS_URL, ecdhInfo: ECDH_INFO, token, ...options });
  const events = new EventRecorder(c, name, EVENTS);
  cleanup.push(() => c.disconnect());
  return { c, events };
}

/** A raw socket for the guide's failure cases; resolves with the close code and the ms from open to close. */
function rawSocket(onOpen) {
  const ws = new WebSocket(WS_URL);
  let openedAt;
  ws.on('error', () => {});
  ws.on('open', () => {
    openedAt = Date.now();
    onOpen(ws);
  });
  return new Promise((resolve) => ws.on('close', (code) => resolve({ code, openMs: Date.now() - openedAt })));
}

async function lifecycle(step, cleanup) {
  // Started first, checked last: the guide's 5 s authentication deadline runs meanwhile.
  const silent = rawSocket(() => {});

  const service = identityToken('orders-backend', ['service']);
  const userId = `pos-${randomUUID().slice(0, 8)}`;
  const { c: pos, events } = client('pos', identityToken(userId, ['pos']),
    { autoJoinRooms: ['ws-default', 'ws-orders', 'ws-notifications'], heartbeatInterval: 250, reconnectInterval: 200 }, cleanup);
  await pos.connect();
  const connected = await events.next('connected');
  for (const field of ['id', 'userId', 'time', 'serverPublicKey', 'salt']) {
    assert(typeof connected[field] === 'string' && connected[field] !== '', `connected.${field} missing: ${JSON.stringify(connected)}`);
  }
  assert(connected.userId === userId, `connected.userId ${connected.userId}, token sub ${userId}`);
  assert(!Number.isNaN(Date.parse(connected.time)), `connected.time ${connected.time} is not a time`);
  assert(Buffer.from(connected.salt, 'base64').length === 32, 'the salt is not 32 bytes');
  await events.next('join', 'the answer to the auto-join');
  step('authenticate {type: Bearer, token, clientPublicKey} → connected {id, userId, time, serverPublicKey, salt}; AES key derived with the server\'s salt; autoJoinRooms sent');

  const status = await request('GET', `${REST}/status`);
  assert(status.status === 200 && status.json.isReady === true && status.json.clientCount >= 1, `status answered ${status.status}: ${status.text}`);
  const list = await request('GET', REST, service);
  assert(list.status === 200, `list answered ${list.status}: ${list.text}`);
  const me = list.json.clients.find((x) => x.id === connected.id);
  assert(me && me.state === 'authenticated' && me.encrypted === true, `list entry ${JSON.stringify(me)}`);
  step('GET status (no auth) → {isReady: true, clientCount}; GET clients (Bearer) lists it {id, state: authenticated, encrypted: true}');

  const examples = [
    ['rooms/ws-orders/send', { topic: 'order.new', data: { orderId: '67890' } }],
    ['broadcast', { topic: 'order.updated', data: { orderId: '12345' } }],
    [`${connected.id}/send`, { topic: 'notification', data: { message: 'Your order is ready' } }],
  ];
  for (const [path, body] of examples) {
    const sent = await request('POST', `${REST}/${path}`, service, body);
    assert(sent.status === 200, `POST ${path} answered ${sent.status}: ${sent.text}`);
    const got = await events.next(body.topic, `the ${body.topic} pushed by POST ${path}`);
    assert(JSON.stringify(got) === JSON.stringify(body.data), `${body.topic} decrypted to ${JSON.stringify(got)}`);
  }
  step('the guide\'s three REST sends (room ws-orders, broadcast, one client) arrive encrypted and decrypt to {event: topic, data}');

  await pos.send('pos.ready', { till: 7 });
  // Several 250 ms heart-beats go out meanwhile; none may be refused.
  await new Promise((resolve) => setTimeout(resolve, 800));
  pos.leaveRooms(['ws-orders']);
  await events.next('leave', 'the answer to leave');
  assert(events.pending('error').length === 0, `errors after an encrypted send and heart-beats: ${JSON.stringify(events.pending('error'))}`);
  const afterLeave = await request('POST', `${REST}/rooms/ws-orders/send`, service, { topic: 'order.new', data: { orderId: 'after-leave' } });
  assert(afterLeave.status === 200, `room send answered ${afterLeave.status}`);
  await request('POST', `${REST}/${connected.id}/send`, service, { topic: 'notification', data: { message: 'barrier' } });
  await events.next('notification', 'the barrier notification');
  assert(events.pending('order.new').length === 0, 'a ws-orders message arrived after leave');
  step('encrypted application event and plaintext heart-beats accepted (no error); after leave, ws-orders sends no longer arrive');

  const kicked = await request('POST', `${REST}/${connected.id}/disconnect`, service);
  assert(kicked.status === 200, `disconnect answered ${kicked.status}: ${kicked.text}`);
  await events.next('disconnected', 'the forced disconnect');
  const again = await events.next('connected', 'the automatic reconnect', () => true, 3 * WAIT_MS);
  assert(again.id !== connected.id && again.serverPublicKey !== connected.serverPublicKey && again.salt !== connected.salt,
    'the reconnect did not run a new handshake');
  assert(pos.retryCount === 0, `retryCount ${pos.retryCount} after a successful reconnect`);
  await events.next('join', 'the auto-join after the reconnect');
  const reSent = await request('POST', `${REST}/rooms/ws-orders/send`, service, { topic: 'order.new', data: { orderId: 'again' } });
  assert(reSent.status === 200, `room send answered ${reSent.status}`);
  const reGot = await events.next('order.new', 'ws-orders after the reconnect');
  assert(reGot.orderId === 'again', `after the reconnect got ${JSON.stringify(reGot)}`);
  step('force disconnect → automatic reconnect: new ECDH pair, new server key and salt, auto-join rooms re-joined, retryCount reset');

  const missingKey = await withTimeout(rawSocket((ws) => ws.send(JSON.stringify({ event: 'authenticate', data: { type: 'Bearer', token: service } }))),
    WAIT_MS, 'the close after authenticate without clientPublicKey');
  assert(missingKey.code === 4004, `authenticate without clientPublicKey closed with ${missingKey.code}`);
  const quiet = await withTimeout(silent, 2 * WAIT_MS, 'the close of a socket that never authenticates');
  assert(quiet.code === 4001 && quiet.openMs >= 4500, `a silent socket closed with ${quiet.code} after ${quiet.openMs} ms`);
  step(`no clientPublicKey → close 4004; no authenticate → close 4001 after ${(quiet.openMs / 1000).toFixed(1)} s`);
}

async function failures(step, cleanup) {
  const service = identityToken('orders-backend', ['service']);
  const { c: guest, events: guestEvents } = client('guest', identityToken(`guest-${randomUUID().slice(0, 8)}`, ['user']), {}, cleanup);
  await guest.connect();
  await guestEvents.next('connected');
  guest.joinRooms(['ws-orders']);
  await guestEvents.next('error', 'the refusal of ws-orders');
  step('a client without a POS role cannot join ws-orders (error event)');

  const { c: mismatched, events: mismatchedEvents } = client('mismatched', identityToken('till-9', ['pos']), { ecdhInfo: `${ECDH_INFO}-other` }, cleanup);
  await mismatched.connect();
  const connected = await mismatchedEvents.next('connected');
  await request('POST', `${REST}/${connected.id}/send`, service, { topic: 'notification', data: { message: 'x' } });
  const failure = await mismatchedEvents.next('client_error', 'a decryption failure');
  assert(/decrypt|operation/i.test(failure.message), `expected a decryption failure, got ${failure.message}`);
  step('ECDH info mismatch: the handshake succeeds but decryption fails, as the troubleshooting table says');

  const expired = identityToken('till-expired', ['pos'], -60);
  const { c: stale, events: staleEvents } = client('stale', expired, { reconnectInterval: 100, maxRetries: 2 }, cleanup);
  await stale.connect();
  await staleEvents.next('reconnect_failed', 'reconnect_failed after maxRetries', () => true, 3 * WAIT_MS);
  assert(staleEvents.pending('connected').length === 0, 'an expired token was accepted');
  const closes = staleEvents.pending('disconnected');
  assert(closes.length === 3, `expected 3 closes (1 + maxRetries 2), got ${closes.length}`);
  step(`expired JWT: every attempt refused (close ${closes[0]}), reconnect_failed after maxRetries`);
}

runChecks([['seed-signal', async (step, cleanup) => {
  await lifecycle(step, cleanup);
  await failures(step, cleanup);
}]], { checkMs: 45000, only: [] });
