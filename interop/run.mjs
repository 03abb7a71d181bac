// End-to-end interop check: drives a running Switchboard node with the real client libraries
// (browser-identical WebCrypto, ws, @stomp/stompjs, ethers v6), one check per service.
// Started by scripts/interop, which passes the node's ports and secrets in INTEROP_* variables.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Client as StompClient } from '@stomp/stompjs';
import { ethers } from 'ethers';
import { assert, runChecks, withTimeout } from './seed/harness.mjs';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    console.error(`interop: ${name} is not set (run scripts/interop)`);
    process.exit(2);
  }
  return value;
};

const HOST = env('INTEROP_HOST', '127.0.0.1');
const PORTS = {
  signal: Number(env('INTEROP_SIGNAL_PORT')),
  webflow: Number(env('INTEROP_WEBFLOW_PORT')),
  wallet: Number(env('INTEROP_WALLET_PORT')),
  securecall: Number(env('INTEROP_SECURECALL_PORT')),
  fingerprint: Number(env('INTEROP_FINGERPRINT_PORT')),
};
const JWT_SECRET = env('INTEROP_JWT_SECRET');
const ECDH_INFO = env('INTEROP_ECDH_INFO', 'nx-signal-ws-v1');
const TURN_SECRET = env('INTEROP_TURN_SECRET');
const WALLET_KEY = env('INTEROP_WALLET_KEY');
const WALLET_FUND = env('INTEROP_WALLET_FUND');
const FINGERPRINT_KEY = env('INTEROP_FINGERPRINT_KEY');
const DEVICE_ID = env('INTEROP_FINGERPRINT_DEVICE', 'device-001');
const FINGERPRINT_HEARTBEAT_MS = Number(env('INTEROP_FINGERPRINT_HEARTBEAT_MS', '30000'));
const STOMP_HEARTBEAT_MS = Number(env('INTEROP_STOMP_HEARTBEAT_MS', '10000'));
const VERBOSE = process.env.INTEROP_VERBOSE === '1';

const WAIT_MS = 5000; // any single expected answer
const CHECK_MS = 20000; // one whole check
const RUN_MS = 60000; // the whole run

const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));
const b64url = (text) => Buffer.from(text).toString('base64url');
const http = (service, path) => `http://${HOST}:${PORTS[service]}${path}`;

/** An HS256 platform JWT, minted the way any backend would (node:crypto, no JWT library). */
function jwt(sub, roles, ttlSeconds = 300) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub, roles, iat: now, exp: now + ttlSeconds }));
  const sig = createHmac('sha256', JWT_SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

async function postJson(url, token, body) {
  const headers = body === undefined ? {} : { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const init = { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) };
  const res = await withTimeout(fetch(url, init), WAIT_MS, `POST ${url}`);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function getJson(url, headers = {}) {
  const res = await withTimeout(fetch(url, { headers }), WAIT_MS, `GET ${url}`);
  const text = await res.text();
  assert(res.ok, `GET ${url} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

/**
 * Messages received on one socket, in order. next(predicate) takes the first queued or future message that
 * matches (others stay queued), so unrelated pushes (pings, status events) never break a wait.
 * decode may be async (Signal decrypts); frames are still queued in arrival order.
 */
class Inbox {
  constructor(ws, name, decode = (frame) => frame) {
    this.name = name;
    this.items = [];
    this.waiters = [];
    this.closeCode = undefined;
    let chain = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      chain = chain.then(async () => {
        let item;
        try {
          item = await decode(JSON.parse(data.toString('utf8')), isBinary);
        } catch (e) {
          item = { undecodable: String(data), error: e.message };
        }
        if (VERBOSE) console.log(`  ${this.name} <- ${JSON.stringify(item).slice(0, 300)}`);
        this.items.push(item);
        this.flush();
      });
    });
    ws.on('close', (code) => {
      chain = chain.then(() => {
        this.closeCode = code;
        this.flush();
      });
    });
  }

  flush() {
    for (const waiter of [...this.waiters]) {
      const index = this.items.findIndex(waiter.predicate);
      if (index >= 0) {
        const [item] = this.items.splice(index, 1);
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(item);
      } else if (this.closeCode !== undefined) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.reject(new Error(`${this.name}: socket closed (${this.closeCode}) while waiting for ${waiter.what}`));
      }
    }
  }

  next(predicate, what, ms = WAIT_MS) {
    const wait = new Promise((resolve, reject) => {
      this.waiters.push({ predicate, what, resolve, reject });
      this.flush();
    });
    return withTimeout(wait, ms, `${this.name}: ${what}`).catch((e) => {
      this.waiters = this.waiters.filter((w) => w.what !== what || w.predicate !== predicate);
      const recent = this.items.slice(-3).map((i) => JSON.stringify(i).slice(0, 200));
      throw new Error(`${e.message}${recent.length ? `; last unmatched: ${recent.join(' | ')}` : ''}`);
    });
  }

  /** The close code, once the socket has closed. */
  async closed(what, ms = WAIT_MS) {
    await until(() => this.closeCode !== undefined, `${this.name}: ${what}`, ms);
    return this.closeCode;
  }
}

function openSocket(url, name, decode, protocols) {
  const ws = new WebSocket(url, protocols);
  const inbox = new Inbox(ws, name, decode);
  ws.on('error', () => {}); // a socket error is followed by 'close', which the inbox reports to any waiter
  const opened = new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
    ws.once('unexpected-response', (_, res) => reject(new Error(`${name}: upgrade answered HTTP ${res.statusCode}`)));
  });
  return withTimeout(opened, WAIT_MS, `${name} to open ${url}`).then(() => ({ ws, inbox }));
}

function closeQuietly(ws) {
  if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
}

// ---------------------------------------------------------------------------------------------------------
// 1. Signal: the browser client's WebCrypto handshake and AES-GCM frames, over ws.

/** Opens a Signal connection and completes the handshake as the browser client does; keyFormat raw or spki. */
async function signalConnect(name, userId, roles, cleanup, keyFormat = 'raw') {
  const keyPair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const clientPublicKey = b64(await subtle.exportKey(keyFormat, keyPair.publicKey));
  let aesKey;

  const decode = async (frame) => {
    if (frame.event !== 'encrypted') return frame;
    const plain = await subtle.decrypt({ name: 'AES-GCM', iv: unb64(frame.data.iv) }, aesKey, unb64(frame.data.ct));
    return { ...JSON.parse(new TextDecoder().decode(plain)), wasEncrypted: true };
  };
  const encrypt = async (message) => {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, utf8.encode(JSON.stringify(message)));
    return JSON.stringify({ event: 'encrypted', data: { iv: b64(iv), ct: b64(ct) } });
  };

  const { ws, inbox } = await openSocket(`ws://${HOST}:${PORTS.signal}/ws`, name, decode);
  cleanup.push(() => closeQuietly(ws));
  ws.send(JSON.stringify({ event: 'authenticate', data: { type: 'Bearer', token: jwt(userId, roles), clientPublicKey } }));

  const connected = await inbox.next((m) => m.event === 'connected', 'connected');
  const { id, serverPublicKey, salt } = connected.data;
  assert(connected.data.userId === userId, `connected.userId ${connected.data.userId} != ${userId}`);
  assert(id && serverPublicKey && salt, `connected lacks id/serverPublicKey/salt: ${JSON.stringify(connected.data)}`);
  assert(unb64(salt).length === 32, 'salt is not 32 bytes');
  const serverKey = await subtle.importKey('raw', unb64(serverPublicKey), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const shared = await subtle.deriveBits({ name: 'ECDH', public: serverKey }, keyPair.privateKey, 256);
  const hkdfKey = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveBits']);
  const keyBits = await subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: unb64(salt), info: utf8.encode(ECDH_INFO) }, hkdfKey, 256);
  aesKey = await subtle.importKey('raw', keyBits, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  return { ws, inbox, id, encrypt };
}

async function signalCheck(step, cleanup) {
  const userId = `interop-${randomUUID().slice(0, 8)}`;
  const { ws, inbox, id, encrypt } = await signalConnect('signal', userId, ['user'], cleanup);
  step('authenticated, AES-256-GCM key derived (ECDH P-256 + HKDF-SHA256)');

  const admin = jwt('interop-admin', ['admin']);
  const list = await getJson(http('signal', '/v1/api/socket/websocket/clients'), { authorization: `Bearer ${admin}` });
  const me = list.clients.find((c) => c.id === id);
  assert(me, `client ${id} not in the REST client list`);
  assert(me.encrypted === true, 'REST list says the client is not encrypted');
  for (const room of ['ws-default', 'ws-notifications']) {
    assert(me.rooms.includes(room), `not auto-joined to ${room}: ${JSON.stringify(me.rooms)}`);
  }
  ws.send(JSON.stringify({ event: 'join', data: { rooms: ['ws-test-payment', 'ws-orders'] } }));
  const forbidden = await inbox.next((m) => m.event === 'error', 'ROOM_FORBIDDEN error for ws-orders');
  assert(forbidden.data.code === 'ROOM_FORBIDDEN', `expected ROOM_FORBIDDEN, got ${JSON.stringify(forbidden.data)}`);
  const joined = await inbox.next((m) => m.event === 'join', 'join answer');
  assert(JSON.stringify(joined.data.rooms) === '["ws-test-payment"]', `join answered ${JSON.stringify(joined.data)}`);
  step('auto-joined ws-default + ws-notifications; join ws-test-payment granted, ws-orders refused');

  // The server answers in order: an error for the app event would come before the heartbeat answer.
  ws.send(await encrypt({ event: 'interop.hello', data: { text: 'héllo ✓', n: 1 } }));
  ws.send(await encrypt({ event: 'heartbeat' }));
  const beat = await inbox.next((m) => m.event === 'heartbeat' || m.event === 'error', 'answer to an encrypted heartbeat');
  assert(beat.event === 'heartbeat', `encrypted app event refused: ${JSON.stringify(beat)}`);
  step('encrypted app event accepted, encrypted heartbeat answered');

  const service = jwt('interop-service', ['service']);
  const data = { orderId: randomUUID(), amount: '12.50', note: 'ünïcødé' };
  const sent = await postJson(http('signal', '/v1/api/socket/websocket/clients/rooms/ws-notifications/send'), service,
    { topic: 'interop.notice', data });
  assert(sent.status === 200, `room send answered ${sent.status}: ${sent.text}`);
  assert(sent.json.recipients >= 1, `room send reached ${sent.json.recipients} clients`);
  const notice = await inbox.next((m) => m.event === 'interop.notice', 'the room message');
  assert(notice.wasEncrypted, 'room message arrived in plaintext');
  assert(JSON.stringify(notice.data) === JSON.stringify(data), `room message data ${JSON.stringify(notice.data)}`);
  const unauthorized = await postJson(http('signal', '/v1/api/socket/websocket/clients/broadcast'), null, { topic: 'x', data: 1 });
  assert(unauthorized.status === 401, `REST without a token answered ${unauthorized.status}`);
  step('REST room send (service JWT) received and decrypted; REST without a token → 401');

  ws.send(JSON.stringify({ event: 'heartbeat' }));
  const plainBeat = await inbox.next((m) => m.event === 'heartbeat', 'heartbeat answer');
  assert(typeof plainBeat.data?.time === 'string', `heartbeat answer without time: ${JSON.stringify(plainBeat)}`);
  step('plaintext heartbeat answered');

  ws.send(JSON.stringify({ event: 'interop.plain', data: {} }));
  const refused = await inbox.next((m) => m.event === 'error', 'ENCRYPTION_REQUIRED');
  assert(refused.data.code === 'ENCRYPTION_REQUIRED', `plaintext app event answered ${JSON.stringify(refused.data)}`);
  step('plaintext app event refused with ENCRYPTION_REQUIRED');

  // roles as a plain string, as some identity providers write the claim
  const pos = await signalConnect('signal-pos', `interop-pos-${randomUUID().slice(0, 8)}`, 'pos', cleanup, 'spki');
  pos.ws.send(await pos.encrypt({ event: 'join', data: { rooms: ['ws-orders', 'ws-payment'] } }));
  const posJoined = await pos.inbox.next((m) => m.event === 'join' || m.event === 'error', 'join answer for pos');
  assert(JSON.stringify(posJoined.data?.rooms) === '["ws-orders","ws-payment"]', `pos join answered ${JSON.stringify(posJoined)}`);
  pos.ws.send(JSON.stringify({ event: 'leave', data: { rooms: ['ws-payment', 'ws-default', 'ws-test-payment'] } }));
  const posLeft = await pos.inbox.next((m) => m.event === 'leave' || m.event === 'error', 'leave answer for pos');
  assert(JSON.stringify(posLeft.data?.rooms) === '["ws-payment","ws-default"]', `pos leave answered ${JSON.stringify(posLeft)}`);
  const direct = { orderId: randomUUID() };
  const toOne = await postJson(http('signal', `/v1/api/socket/websocket/clients/${pos.id}/send`), service,
    { topic: 'order.ready', data: direct });
  assert(toOne.status === 200 && toOne.json.recipients === 1, `client send answered ${toOne.status}: ${toOne.text}`);
  const got = await pos.inbox.next((m) => m.event === 'order.ready', 'the client message');
  assert(got.wasEncrypted && got.data.orderId === direct.orderId, `client message ${JSON.stringify(got)}`);
  const everyone = await postJson(http('signal', '/v1/api/socket/websocket/clients/broadcast'), service,
    { topic: 'interop.broadcast', data: { n: 7 } });
  assert(everyone.status === 200 && everyone.json.recipients >= 2, `broadcast answered ${everyone.status}: ${everyone.text}`);
  for (const client of [inbox, pos.inbox]) {
    const b = await client.next((m) => m.event === 'interop.broadcast', 'the broadcast');
    assert(b.wasEncrypted && b.data.n === 7, `broadcast ${JSON.stringify(b)}`);
  }
  assert(!inbox.items.some((m) => m.event === 'order.ready'), 'the client send reached another client');
  step('second client (SPKI key, roles claim "pos" as a string): encrypted join of ws-orders + ws-payment granted, '
    + 'leave answers the rooms it was in; REST client send reaches only it; broadcast reaches both, each under its own key');

  // Near the REST body limit (64 KiB): the encrypted frame is larger than any inbound frame may be.
  const big = { blob: 'x'.repeat(60 * 1024) };
  const bigSend = await postJson(http('signal', `/v1/api/socket/websocket/clients/${id}/send`), service, { topic: 'interop.big', data: big });
  assert(bigSend.status === 200 && bigSend.json.recipients === 1, `60 KiB send answered ${bigSend.status}: ${bigSend.text.slice(0, 200)}`);
  const bigGot = await inbox.next((m) => m.event === 'interop.big', 'the 60 KiB message');
  assert(bigGot.wasEncrypted && bigGot.data.blob === big.blob, 'the 60 KiB message arrived altered');
  step('a 60 KiB REST send arrives whole (encrypted frame above 80 KiB)');

  const status = await getJson(http('signal', '/v1/api/socket/websocket/clients/status'));
  assert(status.isReady === true && status.clientCount >= 2, `status ${JSON.stringify(status)}`);
  const kicked = await postJson(http('signal', `/v1/api/socket/websocket/clients/${pos.id}/disconnect`), service);
  assert(kicked.status === 200 && kicked.json.disconnected === true, `disconnect answered ${kicked.status}: ${kicked.text}`);
  const code = await pos.inbox.closed('close 4010');
  assert(code === 4010, `REST disconnect closed the socket with ${code}`);
  step('GET /status (no auth) ready; REST disconnect closes that client with 4010');
}

// ---------------------------------------------------------------------------------------------------------
// 2. Web Flow: unmodified @stomp/stompjs; the only Node-specific part is handing it the ws WebSocket.

function stompSession(name) {
  const messages = [];
  const waiters = [];
  const heartbeats = { in: 0, out: 0, lost: false };
  const client = new StompClient({
    webSocketFactory: () => new WebSocket(`ws://${HOST}:${PORTS.webflow}/websocket`, client.stompVersions.protocolVersions()),
    reconnectDelay: 0,
    heartbeatIncoming: STOMP_HEARTBEAT_MS,
    heartbeatOutgoing: STOMP_HEARTBEAT_MS,
    debug: (line) => {
      if (line === '<<< PONG') heartbeats.in++;
      if (line === '>>> PING') heartbeats.out++;
      if (VERBOSE) console.log(`  ${name}: ${line}`);
    },
  });
  client.onHeartbeatLost = () => {
    heartbeats.lost = true;
  };
  let closeCode;
  client.onWebSocketClose = (event) => {
    closeCode = event.code;
  };
  const onMessage = (topic) => (message) => {
    const item = { topic, destination: message.headers.destination, body: JSON.parse(message.body) };
    if (VERBOSE) console.log(`  ${name} <- ${JSON.stringify(item)}`);
    messages.push(item);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(item)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(item);
      }
    }
  };
  let stompError;
  const connected = new Promise((resolve, reject) => {
    client.onConnect = (frame) => {
      client.subscribe('/user/topic/registration', onMessage('registration'));
      client.subscribe('/user/topic/authorization', onMessage('authorization'));
      resolve(frame);
    };
    client.onStompError = (frame) => {
      stompError = frame.headers.message;
      reject(new Error(`${name}: STOMP ERROR ${frame.headers.message}`));
    };
    client.onWebSocketError = () => reject(new Error(`${name}: WebSocket error`));
  });
  client.activate();
  return {
    client,
    messages,
    heartbeats,
    error: () => stompError,
    closeCode: () => closeCode,
    connected: withTimeout(connected, WAIT_MS, `${name} CONNECTED`),
    next(predicate, what) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return withTimeout(new Promise((resolve) => waiters.push({ predicate, resolve })), WAIT_MS, `${name}: ${what}`);
    },
  };
}

async function webflowCheck(step, cleanup) {
  const page = stompSession('page');
  cleanup.push(() => page.client.deactivate());
  const other = stompSession('other-page');
  cleanup.push(() => other.client.deactivate());
  const [frame] = await Promise.all([page.connected, other.connected]);
  assert(frame.headers.version === '1.2', `negotiated STOMP ${frame.headers.version}`);
  assert(page.client.webSocket.protocol === 'v12.stomp', `subprotocol ${page.client.webSocket.protocol}`);
  step('two stompjs sessions connected (STOMP 1.2, v12.stomp), subscribed to both user topics');

  const webSocketId = `interop-${randomUUID()}`;
  page.client.publish({ destination: '/app/registration', body: JSON.stringify({ webSocketId }) });
  const reply = await page.next((m) => m.topic === 'registration', 'registration reply');
  assert(reply.body.webSocketId === webSocketId, `registration reply ${JSON.stringify(reply.body)}`);
  step('registration answered on /user/topic/registration');

  const service = jwt('interop-bank-core', ['service']);
  const noRole = await postJson(http('webflow', '/api/authorizations'), jwt('someone', ['user']), { webSocketId, authResult: 'X' });
  assert(noRole.status === 403, `POST without the service role answered ${noRole.status}`);
  const posted = await postJson(http('webflow', '/api/authorizations'), service, { webSocketId, authResult: 'CONFIRMED' });
  assert(posted.status === 200, `POST /api/authorizations answered ${posted.status}: ${posted.text}`);
  assert(posted.json.delivered === true, `authorization not delivered: ${posted.text}`);
  const auth = await page.next((m) => m.topic === 'authorization', 'authorization message');
  assert(auth.body.webSocketId === webSocketId && auth.body.authResult === 'CONFIRMED', `authorization ${JSON.stringify(auth.body)}`);
  step('POST /api/authorizations (service JWT) delivered on /user/topic/authorization; user JWT → 403');

  // operationId addressing: the page registers sha256(operationId), the service knows only the operationId.
  const operationId = randomUUID();
  const derived = createHash('sha256').update(operationId, 'utf8').digest('hex');
  // Non-ASCII result: the MESSAGE's content-length must count bytes, or stompjs cuts the body.
  const failed = 'FAILED — zamítnuto ✗';
  const queued = await postJson(http('webflow', '/api/authorizations'), service, { operationId, authResult: failed });
  assert(queued.json?.queued === true, `notification before registration not held: ${queued.text}`);
  other.client.publish({ destination: '/app/registration', body: JSON.stringify({ webSocketId: derived }) });
  await other.next((m) => m.topic === 'registration' && m.body.webSocketId === derived, 'second registration reply');
  const held = await other.next((m) => m.topic === 'authorization', 'held authorization');
  assert(held.body.webSocketId === derived && held.body.authResult === failed, `held notification ${JSON.stringify(held.body)}`);
  step('notification sent before registration (by operationId) held and delivered on registration');

  // The published protocol's own registration line (SEND on /user/topic/registration), and its
  // webSocketId → session map where the latest registration wins.
  const seedId = `seed-${randomUUID()}`;
  const firstTab = stompSession('seed-first-tab');
  cleanup.push(() => firstTab.client.deactivate());
  await firstTab.connected;
  firstTab.client.publish({ destination: '/user/topic/registration', body: JSON.stringify({ webSocketId: seedId }) });
  const seedReply = await firstTab.next((m) => m.topic === 'registration', 'reply to the registration on /user/topic/registration');
  assert(JSON.stringify(seedReply.body) === JSON.stringify({ webSocketId: seedId }), `registration reply ${JSON.stringify(seedReply.body)}`);
  const secondTab = stompSession('seed-second-tab');
  cleanup.push(() => secondTab.client.deactivate());
  await secondTab.connected;
  secondTab.client.publish({ destination: '/user/topic/registration', body: JSON.stringify({ webSocketId: seedId }) });
  await secondTab.next((m) => m.topic === 'registration', 'second tab registration reply');
  await until(() => firstTab.closeCode() !== undefined, 'the first tab\'s socket to close');
  assert(firstTab.error() === 'webSocketId was registered by a newer session', `first tab got ERROR ${firstTab.error()}`);
  const seedPosted = await postJson(http('webflow', '/api/authorizations'), service, { webSocketId: seedId, authResult: 'CONFIRMED' });
  assert(seedPosted.json?.delivered === true, `authorization for the second tab: ${seedPosted.text}`);
  const seedAuth = await secondTab.next((m) => m.topic === 'authorization', 'authorization on the second tab');
  assert(JSON.stringify(seedAuth.body) === JSON.stringify({ webSocketId: seedId, authResult: 'CONFIRMED' }), `authorization ${JSON.stringify(seedAuth.body)}`);
  step('registration SENT to /user/topic/registration answered; the same webSocketId from a second tab wins, the first tab gets ERROR and is closed');

  // Quiet time for a leak to show up, long enough for several heart-beats both ways when they are short.
  const quietMs = Math.max(1000, Math.min(5 * STOMP_HEARTBEAT_MS, 5000));
  await new Promise((resolve) => setTimeout(resolve, quietMs));
  const leaked = other.messages.filter((m) => m.topic === 'authorization' && m.body.webSocketId === webSocketId);
  assert(leaked.length === 0, `the other session saw the page's notification: ${JSON.stringify(leaked)}`);
  const crossed = page.messages.filter((m) => m.body.webSocketId === derived);
  assert(crossed.length === 0, `the page saw the other session's messages: ${JSON.stringify(crossed)}`);
  assert(!page.error() && !other.error(), `STOMP error: ${page.error() ?? other.error()}`);
  step('no session saw the other session\'s user-topic messages');

  if (5 * STOMP_HEARTBEAT_MS <= quietMs) {
    const hb = page.heartbeats;
    assert(!hb.lost && page.client.connected, `heart-beat lost (in ${hb.in}, out ${hb.out})`);
    assert(hb.in >= 3 && hb.out >= 3, `too few heart-beats in ${quietMs} ms at ${STOMP_HEARTBEAT_MS} ms: in ${hb.in}, out ${hb.out}`);
    step(`STOMP heart-beats at ${STOMP_HEARTBEAT_MS} ms both ways for ${quietMs} ms (in ${hb.in}, out ${hb.out}), session kept`);
  }

  const intruder = stompSession('intruder');
  cleanup.push(() => intruder.client.deactivate());
  await intruder.connected;
  intruder.client.publish({ destination: '/topic/authorization', body: JSON.stringify({ webSocketId, authResult: 'FAKE' }) });
  await until(() => intruder.closeCode() !== undefined, 'the intruder\'s socket to close');
  assert(intruder.error() === 'SEND to this destination is not allowed', `forbidden SEND got ERROR ${intruder.error()}`);
  const again = await postJson(http('webflow', '/api/authorizations'), service, { webSocketId, authResult: 'CONFIRMED' });
  assert(again.json?.delivered === true, `after the intruder: ${again.text}`);
  const second = await page.next((m) => m.topic === 'authorization' && m !== auth, 'second authorization message');
  assert(second.body.authResult === 'CONFIRMED' && !page.messages.some((m) => m.body.authResult === 'FAKE'), 'page saw the forbidden SEND');
  step('a SEND to another destination gets ERROR and closes only that session; the page still gets its notifications');

  await page.client.deactivate();
  let answer;
  await until(async () => {
    answer = await postJson(http('webflow', '/api/authorizations'), service, { webSocketId, authResult: 'LATE' });
    return answer.json?.delivered === false;
  }, 'the page\'s registration to be removed');
  assert(answer.json.queued === true, `after DISCONNECT: ${answer.text}`);
  step('after stompjs deactivate (DISCONNECT) the registration is gone: a new notification is held, not delivered');
}

/** Polls condition (may be async) every 100 ms until it is true; bounded. */
async function until(condition, what, ms = WAIT_MS) {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------------------------------------------------
// 3. Wallet: ethers v6 signTypedData exactly as the seed's buildSignedMessage.

async function buildSignedMessage(signer, domain, messageTypes, type, payload) {
  const callerAddress = await signer.getAddress();
  const deadline = Math.floor(Date.now() / 1000) + 300;
  const payloadHash = ethers.keccak256(ethers.toUtf8Bytes(JSON.stringify(payload)));
  const messageData = { type, callerAddress, deadline, payloadHash };
  const sig = await signer.signTypedData(domain, messageTypes, messageData);
  const { v, r, s } = ethers.Signature.from(sig);
  const hash = ethers.TypedDataEncoder.hash(domain, messageTypes, messageData);
  return { type, callerAddress, deadline, payload, signature: { hash, v: v < 27 ? v + 27 : v, r, s } };
}

async function walletCheck(step, cleanup) {
  // As a browser dApp on its own origin fetches it: the answer must carry CORS, or the page cannot read it.
  const res = await withTimeout(fetch(http('wallet', '/basic-data'), { headers: { origin: 'https://dapp.example' } }),
    WAIT_MS, 'GET /basic-data');
  assert(res.ok, `GET /basic-data answered ${res.status}`);
  const cors = res.headers.get('access-control-allow-origin');
  assert(cors === '*' || cors === 'https://dapp.example', `GET /basic-data without CORS for a dApp origin (${cors})`);
  const basic = await res.json();
  const { domain, types, tokens } = basic;
  assert(domain.name === 'WalletGateway' && domain.version === '1', `domain ${JSON.stringify(domain)}`);
  assert(tokens.length > 0, '/basic-data lists no tokens');
  assert(ethers.TypedDataEncoder.hashDomain(domain) === basic.domainSeparator, 'domainSeparator differs from ethers\' hashDomain');
  assert(basic.webSocketUrl === `ws://${HOST}:${PORTS.wallet}/ws`, `webSocketUrl ${basic.webSocketUrl}`);
  step(`GET /basic-data (CORS ${cors}): domain chainId ${domain.chainId}, ${tokens.length} tokens, separator matches ethers`);

  const wallet = new ethers.Wallet(WALLET_KEY);
  const funded = WALLET_FUND.split(',').map((e) => e.split('=')).find(([a]) => a.toLowerCase() === wallet.address.toLowerCase());
  assert(funded, 'the test wallet is not in INTEROP_WALLET_FUND');
  const signed = async (type, payload) => JSON.stringify(await buildSignedMessage(wallet, domain, types, type, payload));

  const { ws, inbox } = await openSocket(basic.webSocketUrl, 'wallet');
  cleanup.push(() => closeQuietly(ws));
  const domainSeparators = tokens.map((t) => t.domainSeparator);
  // Quotes, a backslash and non-ASCII: the server must hash the payload text exactly as JSON.stringify wrote it.
  const balanceId = `bal-"ü✓\\-${randomUUID()}`;
  const getBalance = await signed('GET_BALANCE', { requestId: balanceId, domainSeparators });
  ws.send(getBalance);
  const result = await inbox.next((m) => m.payload?.requestId === balanceId, 'BALANCE_RESULT');
  assert(result.type === 'BALANCE_RESULT', `GET_BALANCE answered ${JSON.stringify(result)}`);
  assert(result.payload.balances.length === tokens.length, `balances ${JSON.stringify(result.payload.balances)}`);
  result.payload.balances.forEach((b, i) => {
    assert(b.domainSeparator === domainSeparators[i].toLowerCase(), `balance ${i} is for ${b.domainSeparator}`);
    assert(b.balance === funded[1], `balance ${b.balance} on ${tokens[i].symbol}, funded ${funded[1]}`);
  });
  step(`signed GET_BALANCE → BALANCE_RESULT, ${funded[1]} on every token`);

  const usdc = tokens.find((t) => t.symbol === 'USDC') ?? tokens[0];
  for (const kind of ['TRANSFERS', 'BALANCE']) {
    const subId = randomUUID();
    ws.send(await signed(`SUBSCRIBE_${kind}`, { requestId: subId, domainSeparators: [usdc.domainSeparator] }));
    const subscribed = await inbox.next((m) => m.payload?.requestId === subId, `SUBSCRIBED ${kind}`);
    assert(subscribed.type === 'SUBSCRIBED' && subscribed.payload.subscription === kind, `subscribe answered ${JSON.stringify(subscribed)}`);
  }
  const to = ethers.Wallet.createRandom().address;
  // The payer's consent: an EIP-712 Transfer in the gateway's domain, typed as /basic-data publishes it.
  const transferData = { from: wallet.address, to, amount: '250', domainSeparator: usdc.domainSeparator,
    deadline: Math.floor(Date.now() / 1000) + 300 };
  const transferSig = ethers.Signature.from(await wallet.signTypedData(domain, basic.transferTypes, transferData));
  const transfer = await postJson(http('wallet', '/api/wallet/transfers'), jwt('interop-ops', ['service']),
    { ...transferData, signature: { v: transferSig.v, r: transferSig.r, s: transferSig.s } });
  assert(transfer.status === 200, `POST /api/wallet/transfers answered ${transfer.status}: ${transfer.text}`);
  const push = await inbox.next((m) => m.type === 'TRANSFER', 'TRANSFER push');
  const p = push.payload;
  assert(p.from === wallet.address.toLowerCase() && p.to === to.toLowerCase(), `TRANSFER parties ${JSON.stringify(p)}`);
  assert(p.amount === '250' && p.domainSeparator === usdc.domainSeparator.toLowerCase(), `TRANSFER ${JSON.stringify(p)}`);
  assert(p.txHash === transfer.json.txHash, `TRANSFER txHash ${p.txHash} != REST ${transfer.json.txHash}`);
  const update = await inbox.next((m) => m.type === 'BALANCE_UPDATE', 'BALANCE_UPDATE push');
  const left = (BigInt(funded[1]) - 250n).toString();
  assert(update.payload.address === wallet.address.toLowerCase() && update.payload.balance === left
    && update.payload.domainSeparator === usdc.domainSeparator.toLowerCase(), `BALANCE_UPDATE ${JSON.stringify(update.payload)}`);
  step(`SUBSCRIBE_TRANSFERS/BALANCE → SUBSCRIBED; REST transfer (service JWT, EIP-712 Transfer signed by ethers) → TRANSFER and BALANCE_UPDATE (${left}) pushes`);

  ws.send(getBalance);
  const replay = await inbox.next((m) => m.type === 'ERROR', 'REPLAYED');
  assert(replay.payload.errorCode === 'REPLAYED' && replay.payload.requestId === balanceId, `replay answered ${JSON.stringify(replay.payload)}`);
  const tampered = JSON.parse(await signed('GET_BALANCE', { requestId: randomUUID(), domainSeparators }));
  tampered.payload.domainSeparators = [usdc.domainSeparator];
  ws.send(JSON.stringify(tampered));
  const bad = await inbox.next((m) => m.type === 'ERROR', 'INVALID_SIGNATURE');
  assert(bad.payload.errorCode === 'INVALID_SIGNATURE', `tampered payload answered ${JSON.stringify(bad.payload)}`);
  const parity = JSON.parse(await signed('GET_BALANCE', { requestId: randomUUID(), domainSeparators: [usdc.domainSeparator] }));
  parity.signature.v -= 27; // yParity form (0/1), as viem and raw secp256k1 libraries give it
  ws.send(JSON.stringify(parity));
  const parityAnswer = await inbox.next((m) => m.payload?.requestId === parity.payload.requestId, 'answer to v as 0/1');
  assert(parityAnswer.type === 'BALANCE_RESULT', `v ${parity.signature.v} answered ${JSON.stringify(parityAnswer)}`);
  const other = ethers.Wallet.createRandom();
  ws.send(JSON.stringify(await buildSignedMessage(other, domain, types, 'GET_BALANCE', { requestId: randomUUID() })));
  const mismatch = await inbox.next((m) => m.type === 'ERROR', 'ADDRESS_MISMATCH');
  assert(mismatch.payload.errorCode === 'ADDRESS_MISMATCH', `another signer answered ${JSON.stringify(mismatch.payload)}`);
  step('replayed envelope → REPLAYED; tampered payload → INVALID_SIGNATURE; v as 0/1 accepted; another signer → ADDRESS_MISMATCH');

  // The documented client sends its first three messages back to back on open, before any answer.
  const burstFrames = [];
  for (const type of ['GET_BALANCE', 'SUBSCRIBE_BALANCE', 'SUBSCRIBE_TRANSFERS']) {
    const requestId = randomUUID();
    burstFrames.push({ type, requestId, frame: await signed(type, { requestId, domainSeparators }) });
  }
  const fresh = await openSocket(basic.webSocketUrl, 'wallet-burst');
  cleanup.push(() => closeQuietly(fresh.ws));
  burstFrames.forEach((b) => fresh.ws.send(b.frame));
  for (const b of burstFrames) {
    const answer = await fresh.inbox.next((m) => m.payload?.requestId === b.requestId, `answer to ${b.type}`);
    const expected = b.type === 'GET_BALANCE' ? 'BALANCE_RESULT' : 'SUBSCRIBED';
    assert(answer.type === expected, `${b.type} sent in a burst on open answered ${JSON.stringify(answer)}`);
  }
  step('three signed messages sent back to back on open (the documented client) all answered');
}

// ---------------------------------------------------------------------------------------------------------
// 4. SecureCall: two ws clients, a whole call, PKD, coturn REST-API credentials.

function checkTurn(iceServers, clientId) {
  assert(Array.isArray(iceServers) && iceServers.length > 0, `iceServers ${JSON.stringify(iceServers)}`);
  const turn = iceServers.find((s) => s.username !== undefined);
  assert(turn, `no TURN entry with credentials in ${JSON.stringify(iceServers)}`);
  const urls = [].concat(turn.urls);
  assert(urls.every((u) => /^turns?:/.test(u)), `TURN urls ${JSON.stringify(urls)}`);
  const [expiry, user] = turn.username.split(':');
  assert(user === clientId, `TURN username ${turn.username} is not for ${clientId}`);
  assert(Number(expiry) > Date.now() / 1000, `TURN credential already expired (${expiry})`);
  const expected = createHmac('sha1', TURN_SECRET).update(turn.username, 'utf8').digest('base64');
  assert(turn.credential === expected, 'TURN credential is not base64(HMAC-SHA1(secret, username))');
}

async function securecallCheck(step, cleanup) {
  const url = `ws://${HOST}:${PORTS.securecall}/signal`;
  const suffix = randomUUID().slice(0, 8);
  const aliceId = `alice-${suffix}`;
  const bobId = `bob-${suffix}`;
  const alice = await openSocket(url, 'alice');
  cleanup.push(() => closeQuietly(alice.ws));
  const bob = await openSocket(url, 'bob');
  cleanup.push(() => closeQuietly(bob.ws));
  const send = (who, type, payload) => who.ws.send(JSON.stringify({ type, payload }));
  const expect = async (who, type, what = type) => {
    const m = await who.inbox.next((x) => x.type === type || x.type === 'ERROR', what);
    assert(m.type === type, `${what}: got ${JSON.stringify(m)}`);
    return m.payload;
  };

  send(alice, 'REGISTER', { clientId: aliceId });
  send(bob, 'REGISTER', { clientId: bobId });
  const aliceReg = await expect(alice, 'REGISTERED');
  const bobReg = await expect(bob, 'REGISTERED');
  assert(aliceReg.clientId === aliceId && bobReg.clientId === bobId, 'REGISTERED for the wrong clientId');
  checkTurn(aliceReg.iceServers, aliceId);
  checkTurn(bobReg.iceServers, bobId);
  const thief = await openSocket(url, 'thief');
  cleanup.push(() => closeQuietly(thief.ws));
  send(thief, 'REGISTER', { clientId: aliceId });
  const taken = await thief.inbox.next((m) => m.type === 'ERROR', 'CLIENT_ID_TAKEN');
  assert(taken.payload.code === 'CLIENT_ID_TAKEN', `second REGISTER answered ${JSON.stringify(taken.payload)}`);
  step('both REGISTERED; TURN credentials verify as coturn REST-API HMAC-SHA1; taken id refused');

  const sdpOffer = 'v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
  send(alice, 'CALL_INITIATE', { targetId: bobId, sdpOffer });
  const initiated = await expect(alice, 'CALL_INITIATED');
  const incoming = await expect(bob, 'INCOMING_CALL');
  const { callId } = initiated;
  assert(incoming.callId === callId && incoming.callerId === aliceId, `INCOMING_CALL ${JSON.stringify(incoming)}`);
  assert(incoming.sdpOffer === sdpOffer, 'the SDP offer was not relayed byte for byte');
  checkTurn(incoming.iceServers, bobId);
  const sdpAnswer = { type: 'answer', sdp: 'v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' };
  send(bob, 'CALL_ACCEPT', { callId, sdpAnswer });
  const accepted = await expect(alice, 'CALL_ACCEPTED');
  assert(accepted.callId === callId && JSON.stringify(accepted.sdpAnswer) === JSON.stringify(sdpAnswer), `CALL_ACCEPTED ${JSON.stringify(accepted)}`);
  step('CALL_INITIATE → CALL_INITIATED + INCOMING_CALL (offer intact, callee TURN creds); CALL_ACCEPT → CALL_ACCEPTED');

  const aliceCandidate = 'candidate:1 1 udp 2122260223 192.168.1.5 54321 typ host';
  const bobCandidate = { candidate: 'candidate:2 1 udp 2122260223 192.168.1.6 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
  send(alice, 'ICE_CANDIDATE', { callId, candidate: aliceCandidate });
  send(bob, 'ICE_CANDIDATE', { callId, candidate: bobCandidate });
  const atBob = await expect(bob, 'ICE_CANDIDATE');
  const atAlice = await expect(alice, 'ICE_CANDIDATE');
  assert(atBob.candidate === aliceCandidate, `bob got candidate ${JSON.stringify(atBob)}`);
  assert(JSON.stringify(atAlice.candidate) === JSON.stringify(bobCandidate), `alice got candidate ${JSON.stringify(atAlice)}`);
  send(alice, 'CALL_END', { callId });
  const ended = await expect(bob, 'CALL_ENDED');
  assert(ended.callId === callId && ended.reason === 'hangup', `CALL_ENDED ${JSON.stringify(ended)}`);
  send(bob, 'ICE_CANDIDATE', { callId, candidate: aliceCandidate });
  const gone = await bob.inbox.next((m) => m.type === 'ERROR', 'CALL_NOT_FOUND');
  assert(gone.payload.code === 'CALL_NOT_FOUND', `candidate after the end answered ${JSON.stringify(gone.payload)}`);
  step('ICE candidates relayed both ways (string and object); CALL_END → CALL_ENDED hangup; ended call → CALL_NOT_FOUND');

  const pkdKey = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const publicKey = b64(await subtle.exportKey('spki', pkdKey.publicKey));
  send(alice, 'PKD_REGISTER', { clientId: aliceId, publicKey });
  const stored = await expect(alice, 'PKD_RESULT', 'PKD_REGISTER confirmation');
  assert(stored.clientId === aliceId && stored.publicKey === publicKey, `PKD_REGISTER answered ${JSON.stringify(stored)}`);
  send(bob, 'PKD_LOOKUP', { clientId: aliceId });
  const found = await expect(bob, 'PKD_RESULT', 'PKD_LOOKUP result');
  assert(found.clientId === aliceId && found.publicKey === publicKey, `PKD_LOOKUP answered ${JSON.stringify(found)}`);
  send(bob, 'PKD_LOOKUP', { clientId: `nobody-${suffix}` });
  const missing = await bob.inbox.next((m) => m.type === 'ERROR', 'KEY_NOT_FOUND');
  assert(missing.payload.code === 'KEY_NOT_FOUND', `lookup of an unknown id answered ${JSON.stringify(missing.payload)}`);
  send(bob, 'PKD_REGISTER', { clientId: aliceId, publicKey: 'x' });
  const notOwn = await bob.inbox.next((m) => m.type === 'ERROR', 'INVALID_CLIENT_ID');
  assert(notOwn.payload.code === 'INVALID_CLIENT_ID', `PKD_REGISTER for another id answered ${JSON.stringify(notOwn.payload)}`);
  step('PKD_REGISTER (WebCrypto SPKI) → PKD_RESULT; lookup by the peer; unknown → KEY_NOT_FOUND; foreign id refused');

  send(alice, 'PING', { t: 42 });
  const pong = await expect(alice, 'PONG');
  assert(pong.t === 42, `PONG payload ${JSON.stringify(pong)}`);
  send(alice, 'TURN_CREDENTIALS', {});
  const fresh = await expect(alice, 'TURN_CREDENTIALS');
  checkTurn(fresh.iceServers, aliceId);
  step('PING → PONG with its payload; TURN_CREDENTIALS → fresh valid credentials');

  send(bob, 'CALL_INITIATE', { targetId: aliceId, sdpOffer, callId: `reject-${suffix}` });
  await expect(bob, 'CALL_INITIATED', 'CALL_INITIATED (bob calls alice)');
  const ring = await expect(alice, 'INCOMING_CALL', 'INCOMING_CALL at alice');
  assert(ring.callId === `reject-${suffix}` && ring.callerId === bobId, `INCOMING_CALL ${JSON.stringify(ring)}`);
  send(bob, 'CALL_ACCEPT', { callId: ring.callId, sdpAnswer: 'x' });
  const notCallee = await bob.inbox.next((m) => m.type === 'ERROR', 'NOT_A_PARTICIPANT');
  assert(notCallee.payload.code === 'NOT_A_PARTICIPANT', `caller accepting its own call answered ${JSON.stringify(notCallee.payload)}`);
  send(alice, 'CALL_REJECT', { callId: ring.callId });
  const rejected = await expect(bob, 'CALL_REJECTED');
  assert(rejected.callId === ring.callId, `CALL_REJECTED ${JSON.stringify(rejected)}`);

  send(alice, 'CALL_INITIATE', { targetId: bobId, sdpOffer });
  const third = await expect(alice, 'CALL_INITIATED', 'CALL_INITIATED (third call)');
  await expect(bob, 'INCOMING_CALL', 'INCOMING_CALL (third call)');
  send(bob, 'CALL_ACCEPT', { callId: third.callId, sdpAnswer });
  await expect(alice, 'CALL_ACCEPTED', 'CALL_ACCEPTED (third call)');
  bob.ws.close(1000);
  const dropped = await expect(alice, 'CALL_ENDED', 'CALL_ENDED after bob left');
  assert(dropped.callId === third.callId && dropped.reason === 'disconnected', `CALL_ENDED ${JSON.stringify(dropped)}`);
  send(alice, 'CALL_INITIATE', { targetId: bobId, sdpOffer });
  const offline = await alice.inbox.next((m) => m.type === 'ERROR', 'TARGET_OFFLINE');
  assert(offline.payload.code === 'TARGET_OFFLINE', `calling a gone client answered ${JSON.stringify(offline.payload)}`);
  step('caller cannot accept its own call; CALL_REJECT → CALL_REJECTED; callee drops → CALL_ENDED disconnected; then TARGET_OFFLINE');
}

// ---------------------------------------------------------------------------------------------------------
// 5. Fingerprint: API key auth, device subscription, a simulated scan to its end, ping/pong.

async function fingerprintCheck(step, cleanup) {
  const devices = await getJson(http('fingerprint', '/api/devices'), { 'x-api-key': FINGERPRINT_KEY });
  assert(devices.devices.some((d) => d.id === DEVICE_ID), `${DEVICE_ID} not in GET /api/devices: ${JSON.stringify(devices)}`);
  step(`GET /api/devices (X-API-Key) lists ${DEVICE_ID}`);

  const { ws, inbox } = await openSocket(`ws://${HOST}:${PORTS.fingerprint}/`, 'fingerprint');
  cleanup.push(() => closeQuietly(ws));
  ws.send(JSON.stringify({ type: 'auth', apiKey: FINGERPRINT_KEY }));
  const auth = await inbox.next((m) => m.type?.startsWith('auth:'), 'auth answer');
  assert(auth.type === 'auth:success', `auth answered ${JSON.stringify(auth)}`);
  assert(auth.permissions.includes('device:read') && auth.permissions.includes('fingerprint:scan'), `permissions ${auth.permissions}`);
  const status = await inbox.next((m) => m.type === 'service:status', 'service:status');
  assert(status.status === 'running', `service:status ${JSON.stringify(status)}`);
  ws.send(JSON.stringify({ type: 'subscribe', deviceId: DEVICE_ID }));
  const sub = await inbox.next((m) => m.type?.startsWith('subscribe:'), 'subscribe answer');
  assert(sub.type === 'subscribe:success' && sub.deviceId === DEVICE_ID, `subscribe answered ${JSON.stringify(sub)}`);
  step(`auth:success + service:status running; subscribed to ${DEVICE_ID}`);

  const admin = await openSocket(`ws://${HOST}:${PORTS.fingerprint}/ws`, 'fingerprint-admin');
  cleanup.push(() => closeQuietly(admin.ws));
  admin.ws.send(JSON.stringify({ type: 'auth', token: jwt('interop-admin', ['admin']) }));
  const adminAuth = await admin.inbox.next((m) => m.type?.startsWith('auth:'), 'admin auth answer');
  assert(adminAuth.type === 'auth:success' && adminAuth.permissions.includes('admin'), `admin auth answered ${JSON.stringify(adminAuth)}`);
  step('admin JWT on /ws → auth:success with admin');

  ws.send(JSON.stringify({ type: 'scan:start', deviceId: DEVICE_ID, options: { timeout: 10000, qualityThreshold: 50 } }));
  const started = await inbox.next((m) => m.type === 'scan:started' || m.type === 'scan:error', 'scan:started');
  assert(started.type === 'scan:started' && started.deviceId === DEVICE_ID, `scan:start answered ${JSON.stringify(started)}`);
  const { scanId } = started;
  ws.send(JSON.stringify({ type: 'scan:start', deviceId: DEVICE_ID }));
  const busy = await inbox.next((m) => m.type === 'scan:error' && m.code === 1002, 'scan:error 1002 busy');
  // Exactly the reference's refusal, and never retryable: its example client would restart the scan in a loop.
  assert(Object.keys(busy).sort().join() === 'code,message,timestamp,type' && busy.message === 'Device is busy',
    `busy error ${JSON.stringify(busy)}`);
  const endTypes = ['scan:complete', 'scan:error', 'scan:timeout', 'scan:stopped'];
  const end = await inbox.next((m) => m.scanId === scanId && endTypes.includes(m.type), 'the end of the scan', 15000);
  if (end.type === 'scan:complete') {
    assert(typeof end.template === 'string' && end.template.length > 0, 'scan:complete without a template');
    assert(end.quality >= 50 && end.quality <= 100, `quality ${end.quality}`);
    assert(inbox.items.some((m) => m.type === 'fingerprint:detected' && m.scanId === scanId), 'no fingerprint:detected before scan:complete');
  } else {
    // The simulated reader may be configured to fail; the outcome must still be one of the seed's.
    assert(end.type !== 'scan:stopped', 'scan stopped by nobody');
  }
  const adminEnd = await admin.inbox.next((m) => m.scanId === scanId && m.type === end.type, 'the same scan end at the admin');
  // The template is biometric data: only the connection that started the scan gets it.
  assert(!('template' in adminEnd), `the admin got the template: ${Object.keys(adminEnd)}`);
  await admin.inbox.next((m) => m.type === 'log:entry', 'a log:entry at the admin');
  step(`scan:start → scan:started, second start → 1002 busy {type,message,code,timestamp}, ends with ${end.type}${end.quality ? ` (quality ${end.quality})` : ''}; the admin saw it unsubscribed (without the template), and log:entry`);

  ws.send(JSON.stringify({ type: 'scan:start', deviceId: DEVICE_ID, options: {} }));
  const second = await inbox.next((m) => m.type === 'scan:started' || m.type === 'scan:error', 'second scan:started');
  assert(second.type === 'scan:started', `second scan:start answered ${JSON.stringify(second)}`);
  ws.send(JSON.stringify({ type: 'scan:stop', scanId: second.scanId }));
  const stopped = await inbox.next((m) => m.scanId === second.scanId && endTypes.includes(m.type), 'scan:stopped');
  assert(stopped.type === 'scan:stopped', `scan:stop answered ${JSON.stringify(stopped)}`);
  ws.send(JSON.stringify({ type: 'scan:stop', scanId: second.scanId }));
  const gone = await inbox.next((m) => m.type === 'scan:error' && m.code === 1003, 'scan:error 1003');
  assert(gone.scanId === second.scanId, `stopping a stopped scan answered ${JSON.stringify(gone)}`);
  ws.send(JSON.stringify({ type: 'unsubscribe', deviceId: DEVICE_ID }));
  await inbox.next((m) => m.type === 'unsubscribe:success' && m.deviceId === DEVICE_ID, 'unsubscribe:success');
  step('scan:start (options {}) → scan:stop → scan:stopped; stopping it again → 1003; unsubscribe:success');

  ws.send(JSON.stringify({ type: 'ping' }));
  const pong = await inbox.next((m) => m.type === 'pong', 'pong');
  assert(typeof pong.timestamp === 'string', `pong ${JSON.stringify(pong)}`);
  let serverPing = '';
  if (FINGERPRINT_HEARTBEAT_MS <= 2000) {
    const ping = await inbox.next((m) => m.type === 'ping', 'the server\'s ping', 3 * FINGERPRINT_HEARTBEAT_MS);
    assert(typeof ping.timestamp === 'string', `server ping ${JSON.stringify(ping)}`);
    ws.send(JSON.stringify({ type: 'pong' })); // as the seed's client answers
    serverPing = '; server ping answered with pong';
  }
  const scan = await getJson(http('fingerprint', `/api/scans/${scanId}`), { 'x-api-key': FINGERPRINT_KEY });
  assert(scan.scanId === scanId && scan.status === end.type.replace('scan:', ''), `GET /api/scans/${scanId}: ${JSON.stringify(scan)}`);
  step(`ping → pong${serverPing}; GET /api/scans/{id} agrees with the WebSocket outcome`);
}

// ---------------------------------------------------------------------------------------------------------

const checks = [
  ['signal', signalCheck],
  ['webflow', webflowCheck],
  ['wallet', walletCheck],
  ['securecall', securecallCheck],
  ['fingerprint', fingerprintCheck],
];

// A client that fails after its check has already failed on something else must not end the run.
await runChecks(checks, { checkMs: CHECK_MS, runMs: RUN_MS });
