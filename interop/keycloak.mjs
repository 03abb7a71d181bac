// Identity-provider check: tokens issued by a real Keycloak (realm interop/keycloak/realm.json) used against
// a node whose jwt section points at that realm's JWK Set. Signal (WebSocket and REST), SecureCall in token
// mode and Web Flow's REST API with stompjs receiving, plus the refusals: a user without the role, an expired
// token, a token of another realm, a forged token carrying Keycloak's key id, a token without the service's
// audience. Started by scripts/interop (check name keycloak), which starts Keycloak and the node.
import { EventEmitter } from 'node:events';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Client as StompClient } from '@stomp/stompjs';
import { EncryptedWebSocketClient } from './seed/signal-client.mjs';
import { EventRecorder, assert, request, runChecks, withTimeout, WAIT_MS } from './seed/harness.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`keycloak: ${name} is not set (run scripts/interop keycloak)`);
    process.exit(2);
  }
  return value;
};
const HOST = process.env.INTEROP_HOST ?? '127.0.0.1';
const SIGNAL = Number(env('INTEROP_SIGNAL_PORT'));
const SECURECALL = Number(env('INTEROP_SECURECALL_PORT'));
const WEBFLOW = Number(env('INTEROP_WEBFLOW_PORT'));
const ECDH_INFO = env('INTEROP_ECDH_INFO');
const KEYCLOAK = env('INTEROP_KEYCLOAK_URL');
const REALM = env('INTEROP_KEYCLOAK_REALM');
const ADMIN_PASSWORD = env('INTEROP_KEYCLOAK_ADMIN_PASSWORD');
const ISSUER = `${KEYCLOAK}/realms/${REALM}`;
const SIGNAL_REST = `http://${HOST}:${SIGNAL}/v1/api/socket/websocket/clients`;

// The realm file's credentials: test-only values, committed with the realm.
const USERS = { 'till-1': 'till-1-interop-password', guest: 'guest-interop-password' };
const CLIENT_SECRETS = { 'orders-backend': 'orders-backend-interop-secret', reporting: 'reporting-interop-secret' };

const claims = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
const header = (token) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));

async function tokenEndpoint(realm, form) {
  const answer = await withTimeout(fetch(`${KEYCLOAK}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  }), 3 * WAIT_MS, `the ${realm} token endpoint`);
  const json = await answer.json();
  assert(answer.ok && json.access_token, `token endpoint (${form.grant_type}, ${form.client_id}) answered ${answer.status}: ${JSON.stringify(json)}`);
  return json.access_token;
}

const passwordGrant = (clientId, username, realm = REALM, password = USERS[username]) =>
  tokenEndpoint(realm, { grant_type: 'password', client_id: clientId, username, password, scope: 'openid' });
const clientCredentials = (clientId) =>
  tokenEndpoint(REALM, { grant_type: 'client_credentials', client_id: clientId, client_secret: CLIENT_SECRETS[clientId] });

/** A token with a genuine Keycloak token's header and claims, signed by a key Keycloak never had. */
function forge(genuine) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part(header(genuine))}.${part({ ...claims(genuine), jti: randomUUID() })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`;
}

function signalClient(name, token, cleanup) {
  const client = new EncryptedWebSocketClient({ url: `ws://${HOST}:${SIGNAL}/ws`, ecdhInfo: ECDH_INFO, token, reconnect: false });
  const events = new EventRecorder(client, name, ['connected', 'disconnected', 'join', 'error', 'order.new']);
  cleanup.push(() => client.disconnect());
  return { client, events };
}

/** SecureCall messages {type, payload} as events named by type. */
async function secureCallSocket(name, cleanup) {
  const ws = new WebSocket(`ws://${HOST}:${SECURECALL}/signal`);
  const emitter = new EventEmitter();
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString('utf8'));
    emitter.emit(message.type, message.payload);
  });
  ws.on('error', () => {});
  const events = new EventRecorder(emitter, name, ['REGISTERED', 'ERROR', 'CALL_INITIATED', 'INCOMING_CALL']);
  await withTimeout(new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  }), WAIT_MS, `${name} to open`);
  cleanup.push(() => ws.close(1000));
  return { send: (type, payload) => ws.send(JSON.stringify({ type, payload })), events };
}

async function keycloakCheck(step, cleanup) {
  // The expired token first: its 1 s lifetime runs out while the others are fetched.
  const shortLived = await passwordGrant('pos-app-short-lived', 'till-1');
  const shortClaims = claims(shortLived);
  assert(shortClaims.exp - shortClaims.iat <= 2, `the short-lived client's token lives ${shortClaims.exp - shortClaims.iat} s`);
  const expiresAt = shortClaims.exp * 1000;
  const [till, guest, backend, reporting, otherRealm] = await Promise.all([
    passwordGrant('pos-app', 'till-1'),
    passwordGrant('pos-app', 'guest'),
    clientCredentials('orders-backend'),
    clientCredentials('reporting'),
    passwordGrant('admin-cli', 'admin', 'master', ADMIN_PASSWORD),
  ]);
  const tillClaims = claims(till);
  const backendClaims = claims(backend);
  assert(header(till).alg === 'RS256' && header(till).kid, `Keycloak token header ${JSON.stringify(header(till))}`);
  assert(tillClaims.iss === ISSUER && tillClaims.preferred_username === 'till-1', `till-1 token claims ${JSON.stringify(tillClaims)}`);
  assert([tillClaims.aud].flat().includes('switchboard') && tillClaims.realm_access?.roles?.includes('pos'),
    `till-1 token lacks aud switchboard or realm role pos: ${JSON.stringify(tillClaims)}`);
  assert([backendClaims.aud].flat().includes('switchboard-webflow') && backendClaims.realm_access?.roles?.includes('service'),
    `orders-backend token ${JSON.stringify(backendClaims)}`);
  step('Keycloak tokens: password grant (pos-app: till-1 with realm role pos, guest without), client credentials '
    + '(orders-backend, reporting: role service), RS256 with kid, aud from audience mappers, roles under realm_access.roles');

  const tillSignal = signalClient('signal-till', till, cleanup);
  await tillSignal.client.connect();
  const connected = await tillSignal.events.next('connected');
  assert(connected.userId === 'till-1', `connected.userId ${connected.userId} (jwt.userIdClaim preferred_username)`);
  tillSignal.client.joinRooms(['ws-orders']);
  const joined = await tillSignal.events.next('join', 'the answer to join ws-orders');
  assert(JSON.stringify(joined.rooms) === '["ws-orders"]', `join ws-orders answered ${JSON.stringify(joined)}`);
  assert(tillSignal.events.pending('error').length === 0, `errors: ${JSON.stringify(tillSignal.events.pending('error'))}`);
  const guestSignal = signalClient('signal-guest', guest, cleanup);
  await guestSignal.client.connect();
  assert((await guestSignal.events.next('connected')).userId === 'guest', 'guest userId');
  guestSignal.client.joinRooms(['ws-orders']);
  const refused = await guestSignal.events.next('error', 'the refusal of ws-orders');
  assert(refused.code === 'ROOM_FORBIDDEN', `guest join ws-orders answered ${JSON.stringify(refused)}`);
  const guestJoined = await guestSignal.events.next('join', 'the answer to the guest\'s join');
  assert(guestJoined.rooms.length === 0, `guest joined ${JSON.stringify(guestJoined)}`);
  step('Signal: till-1 authenticates (userId till-1) and joins ws-orders by its Keycloak role; guest gets ROOM_FORBIDDEN');

  const order = { orderId: randomUUID() };
  const sent = await request('POST', `${SIGNAL_REST}/rooms/ws-orders/send`, backend, { topic: 'order.new', data: order });
  assert(sent.status === 200 && sent.json.recipients === 1, `room send (orders-backend token) answered ${sent.status}: ${sent.text}`);
  const got = await tillSignal.events.next('order.new', 'the ws-orders message');
  assert(got.orderId === order.orderId, `ws-orders message ${JSON.stringify(got)}`);
  const list = await request('GET', SIGNAL_REST, reporting);
  assert(list.status === 200 && list.json.clients.some((c) => c.userId === 'till-1'), `list (reporting token) answered ${list.status}: ${list.text}`);
  const guestRest = await request('GET', SIGNAL_REST, guest);
  assert(guestRest.status === 403, `REST with the guest's token answered ${guestRest.status}`);
  step('Signal REST: room send with the orders-backend token reaches till-1 encrypted; list with the reporting token; guest token → 403');

  await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt + 1100 - Date.now())));
  const bad = { expired: shortLived, 'other realm': otherRealm, forged: forge(till) };
  for (const [what, token] of Object.entries(bad)) {
    const rest = await request('GET', SIGNAL_REST, token);
    assert(rest.status === 401, `Signal REST with the ${what} token answered ${rest.status}`);
    const ws = signalClient(`signal-${what}`, token, cleanup);
    await ws.client.connect();
    const code = await ws.events.next('disconnected', `the close for the ${what} token`);
    assert(code === 4002 && ws.events.pending('connected').length === 0, `the ${what} token: close ${code}`);
  }
  step('refused on Signal WebSocket (close 4002) and REST (401): an expired Keycloak token, a master-realm token '
    + '(other issuer and keys), a forged token with Keycloak\'s kid');

  const tillCall = await secureCallSocket('securecall-till', cleanup);
  tillCall.send('REGISTER', { clientId: 'till-1', token: till });
  const registered = await tillCall.events.next('REGISTERED');
  assert(registered.clientId === 'till-1', `REGISTERED ${JSON.stringify(registered)}`);
  const backendCall = await secureCallSocket('securecall-backend', cleanup);
  backendCall.send('REGISTER', { clientId: 'service-account-orders-backend', token: backend });
  await backendCall.events.next('REGISTERED', 'REGISTERED for the service account');
  tillCall.send('CALL_INITIATE', { targetId: 'service-account-orders-backend', sdpOffer: 'v=0\r\n' });
  await tillCall.events.next('CALL_INITIATED');
  const incoming = await backendCall.events.next('INCOMING_CALL');
  assert(incoming.callerId === 'till-1', `INCOMING_CALL ${JSON.stringify(incoming)}`);
  for (const [clientId, token, what] of [['till-2', till, 'another user\'s token'], ['till-1', shortLived, 'an expired token'],
    ['till-1', forge(till), 'a forged token']]) {
    const intruder = await secureCallSocket(`securecall-${what}`, cleanup);
    intruder.send('REGISTER', { clientId, token });
    const error = await intruder.events.next('ERROR', `the refusal of ${what}`);
    assert(error.code === 'INVALID_CLIENT_ID', `REGISTER ${clientId} with ${what} answered ${JSON.stringify(error)}`);
  }
  step('SecureCall (requireToken): till-1 and the orders-backend service account REGISTER with their Keycloak tokens '
    + 'and call; another user\'s, an expired and a forged token → INVALID_CLIENT_ID');

  const messages = [];
  let authorized;
  const authorization = new Promise((resolve) => {
    authorized = resolve;
  });
  const page = new StompClient({
    webSocketFactory: () => new WebSocket(`ws://${HOST}:${WEBFLOW}/websocket`, page.stompVersions.protocolVersions()),
    reconnectDelay: 0,
  });
  cleanup.push(() => page.deactivate());
  const registration = new Promise((resolve, reject) => {
    page.onConnect = () => {
      page.subscribe('/user/topic/registration', (m) => resolve(JSON.parse(m.body)));
      page.subscribe('/user/topic/authorization', (m) => {
        messages.push(JSON.parse(m.body));
        authorized();
      });
      page.publish({ destination: '/app/registration', body: JSON.stringify({ webSocketId }) });
    };
    page.onStompError = (frame) => reject(new Error(`STOMP ERROR ${frame.headers.message}`));
  });
  const webSocketId = `keycloak-${randomUUID()}`;
  page.activate();
  await withTimeout(registration, WAIT_MS, 'the Web Flow registration');
  const authorizations = `http://${HOST}:${WEBFLOW}/api/authorizations`;
  const noAudience = await request('POST', authorizations, reporting, { webSocketId, authResult: 'X' });
  assert(noAudience.status === 401, `Web Flow REST with a token lacking aud switchboard-webflow answered ${noAudience.status}`);
  const posted = await request('POST', authorizations, backend, { webSocketId, authResult: 'CONFIRMED' });
  assert(posted.status === 200 && posted.json.delivered === true, `Web Flow REST (orders-backend token) answered ${posted.status}: ${posted.text}`);
  await withTimeout(authorization, WAIT_MS, 'the authorization message');
  assert(messages.length === 1 && messages[0].webSocketId === webSocketId && messages[0].authResult === 'CONFIRMED',
    `the page got ${JSON.stringify(messages)}`);
  step('Web Flow: POST /api/authorizations with the orders-backend token (aud switchboard-webflow) delivered to a stompjs '
    + 'page; the reporting token (service role, no Web Flow audience) → 401');
}

runChecks([['keycloak', keycloakCheck]], { checkMs: 60000, only: [] });
