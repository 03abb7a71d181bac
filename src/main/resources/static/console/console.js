// Switchboard operator console: polls the management server's admin API (/api/...) with the operator's JWT and
// follows the Fingerprint admin stream (devices' live status, log:entry) over that service's WebSocket.
import { PALETTE, lineChart } from './charts.js';

const POLL_MS = 3000;
const LOG_LIMIT = 200;
const TOKEN_KEY = 'switchboard.console.token';
const $ = (id) => document.getElementById(id);

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  timer: null,
  fingerprint: null,          // the admin WebSocket
  fingerprintRetry: null,
  overview: null,
};

/** An element with text children only: nothing from the server is ever parsed as HTML. */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'on') Object.entries(v).forEach(([event, fn]) => e.addEventListener(event, fn));
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function rows(tbody, items, render, empty) {
  tbody.replaceChildren(...(items.length ? items.map(render)
    : [el('tr', {}, el('td', { colspan: tbody.closest('table').querySelectorAll('th').length, class: 'count' }, empty))]));
}

const time = (value) => (value ? new Date(value).toLocaleTimeString() : '');

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(method, path, body) {
  const headers = { authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new HttpError(res.status, json.message ?? json.error ?? `HTTP ${res.status}`);
  return json;
}

// ---- sign-in ----

async function signIn(token) {
  state.token = token;
  try {
    await refresh();
  } catch (e) {
    signOut(e.status === 401 || e.status === 403 ? `Sign-in refused: ${e.message}` : `Sign-in failed: ${e.message}`);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('sign-in').hidden = true;
  $('console').hidden = false;
  $('sign-out').hidden = false;
  state.timer = setInterval(() => refresh().catch(onPollError), POLL_MS);
  openFingerprintStream();
}

function signOut(message = '') {
  clearInterval(state.timer);
  clearTimeout(state.fingerprintRetry);
  state.fingerprint?.close();
  state.fingerprint = null;
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  $('console').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('where').textContent = '';
}

function onPollError(e) {
  if (e.status === 401 || e.status === 403) signOut(`Signed out: ${e.message}`);
  else $('status').textContent = `Last refresh failed (${time(Date.now())}): ${e.message}`;
}

// ---- polling ----

async function refresh() {
  const [overview, signal, calls, webflow, devices] = await Promise.all([
    api('GET', '/api/overview'), api('GET', '/api/signal/clients'), api('GET', '/api/securecall/calls'),
    api('GET', '/api/webflow/sessions'), api('GET', '/api/fingerprint/devices')]);
  state.overview = overview;
  $('status').textContent = '';
  $('where').textContent = `node ${overview.node} · ${overview.members.length} member(s) · updated ${time(Date.now())}`;
  renderMembers(overview);
  renderSignal(signal);
  renderCalls(calls);
  renderWebflow(webflow);
  renderWallet(overview);
  renderDevices(devices);
}

function renderMembers(overview) {
  rows($('members'), overview.members, (m) => {
    const services = Object.entries(m.services ?? {});
    const sum = (key) => services.reduce((total, [, s]) => total + (s[key] ?? 0), 0);
    return el('tr', {}, el('td', { class: 'mono' }, m.node + (m.node === overview.node ? ' (this node)' : '')),
      el('td', {}, m.reachable ? 'yes' : `no (${m.error ?? 'no answer'})`),
      el('td', {}, services.map(([name, s]) => `${name} ${s.connections}`).join(' · ')),
      el('td', {}, m.reachable ? sum('inPerSec').toFixed(1) : ''),
      el('td', {}, m.reachable ? sum('outPerSec').toFixed(1) : ''));
  }, 'no members');
  const reachable = overview.members.filter((m) => m.reachable);
  const series = (key) => reachable.map((m, i) => ({
    color: PALETTE[i % PALETTE.length], points: (m.history ?? []).map((h) => ({ t: h.t, v: h[key] })),
  }));
  lineChart($('chart-connections'), series('connections'));
  lineChart($('chart-in'), series('inPerSec'));
  lineChart($('chart-out'), series('outPerSec'));
  $('legend').replaceChildren(...reachable.map((m, i) => el('span', {},
    el('i', { class: 'swatch', 'data-color': PALETTE[i % PALETTE.length] }), m.node.slice(0, 8))));
  for (const swatch of $('legend').querySelectorAll('.swatch')) swatch.style.background = swatch.dataset.color;
}

function renderSignal(signal) {
  $('signal-count').textContent = `(${signal.total})`;
  rows($('signal-clients'), signal.clients, (c) => el('tr', { 'data-client': c.clientId },
    el('td', { class: 'mono' }, c.clientId), el('td', {}, c.userId), el('td', { class: 'mono' }, c.node?.slice(0, 8)),
    el('td', {}, (c.rooms ?? []).join(', ')), el('td', {}, time(c.connectedAt)),
    el('td', {}, el('button', { on: { click: () => disconnect(c.clientId) } }, 'Disconnect'))), 'no clients');
  rows($('signal-rooms'), signal.rooms, (r) => el('tr', {}, el('td', {}, r.room), el('td', {}, r.clients)), 'no joined rooms');
  $('room-names').replaceChildren(...signal.rooms.map((r) => el('option', { value: r.room })));
}

function renderCalls(calls) {
  $('calls-count').textContent = `(${calls.total} calls, ${calls.registeredClients} registered clients)`;
  rows($('calls'), calls.calls, (c) => el('tr', {}, el('td', { class: 'mono' }, c.callId), el('td', {}, c.callerId),
    el('td', {}, c.calleeId), el('td', {}, c.state), el('td', {}, time(c.createdAt))), 'no live calls');
}

function renderWebflow(webflow) {
  $('webflow-count').textContent = `(${webflow.total})`;
  rows($('webflow-sessions'), webflow.sessions, (s) => el('tr', {}, el('td', { class: 'mono' }, s.webSocketId),
    el('td', { class: 'mono' }, s.session), el('td', { class: 'mono' }, s.node?.slice(0, 8))), 'no registered sessions');
}

function renderWallet(overview) {
  rows($('wallet-connections'), overview.members.filter((m) => m.services?.wallet), (m) => el('tr', {},
    el('td', { class: 'mono' }, m.node.slice(0, 8)), el('td', {}, m.services.wallet.connections),
    el('td', {}, m.services.wallet.inPerSec), el('td', {}, m.services.wallet.outPerSec)), 'the wallet gateway runs on no member');
}

function renderDevices(devices) {
  $('devices-count').textContent = `(${devices.total})`;
  rows($('devices'), devices.devices, (d) => {
    return el('tr', { 'data-device': d.id }, el('td', { class: 'mono' }, d.id), el('td', {}, d.model),
      el('td', {}, d.serialNumber), el('td', { class: `status-${d.status}` }, d.status), el('td', { class: 'mono' }, d.node?.slice(0, 8)));
  }, 'no devices');
}

// ---- actions ----

async function disconnect(clientId) {
  try {
    await api('POST', `/api/signal/clients/${encodeURIComponent(clientId)}/disconnect`);
    await refresh();
    $('signal-notice').textContent = `Disconnected ${clientId} (${time(Date.now())})`;
  } catch (e) {
    if (e.status === 401 || e.status === 403) onPollError(e);
    else $('signal-notice').textContent = `Disconnect of ${clientId} refused: ${e.message}`;
  }
}

async function sendToRoom(event) {
  event.preventDefault();
  const room = $('room-name').value.trim();
  const raw = $('room-data').value.trim();
  let data = null;
  if (raw) {
    try {
      data = JSON.parse(raw);
    } catch {
      $('room-result').textContent = 'data is not JSON';
      return;
    }
  }
  try {
    const answer = await api('POST', `/api/signal/rooms/${encodeURIComponent(room)}/send`, { topic: $('room-topic').value.trim(), data });
    $('room-result').textContent = `delivered to ${answer.recipients} client(s)${answer.partial ? ' (some node did not answer)' : ''}`;
  } catch (e) {
    $('room-result').textContent = `refused: ${e.message}`;
  }
}

// ---- Fingerprint admin stream ----

/** The Fingerprint WebSocket on this host: the service's port and scheme as this node reports them. */
function fingerprintUrl() {
  const urls = state.overview?.services?.fingerprint?.urls ?? [];
  const ws = urls.find((u) => u.endsWith('/ws'));
  if (!ws) return null;
  const url = new URL(ws);
  url.hostname = location.hostname;
  return url.href;
}

function openFingerprintStream() {
  const url = fingerprintUrl();
  if (!url) {
    $('log-state').textContent = '(Fingerprint does not run on this node)';
    return;
  }
  $('log-state').textContent = '(connecting)';
  const socket = new WebSocket(url);
  state.fingerprint = socket;
  socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: state.token }));
  socket.onmessage = (message) => {
    let frame;
    try {
      frame = JSON.parse(message.data);
    } catch {
      return;
    }
    onFingerprintFrame(socket, frame);
  };
  socket.onclose = (e) => {
    if (state.fingerprint !== socket) return;
    $('log-state').textContent = `(closed ${e.code}; reconnecting)`;
    state.fingerprintRetry = setTimeout(openFingerprintStream, POLL_MS);
  };
}

function onFingerprintFrame(socket, frame) {
  switch (frame.type) {
    case 'auth:success':
      $('log-state').textContent = '(live)';
      break;
    case 'auth:error':
      $('log-state').textContent = `(refused: ${frame.message})`;
      break;
    case 'ping':
      socket.send(JSON.stringify({ type: 'pong' }));
      break;
    case 'log:entry':
      appendLog(frame);
      break;
    case 'device:status':
      setLiveStatus(frame.deviceId, frame.status);
      break;
    case 'device:connected':
      setLiveStatus(frame.device?.id, frame.device?.status ?? 'connected');
      break;
    case 'device:disconnected':
      setLiveStatus(frame.deviceId ?? frame.device?.id, 'disconnected');
      break;
    default:
  }
}

// The row shows an event's status at once; the next poll reads the same status from the device directory.
function setLiveStatus(deviceId, status) {
  if (!deviceId || !status) return;
  const cell = document.querySelector(`tr[data-device="${CSS.escape(deviceId)}"] td:nth-child(4)`);
  if (cell) {
    cell.textContent = status;
    cell.className = `status-${status}`;
  }
}

function appendLog(entry) {
  const meta = Object.entries(entry.metadata ?? {}).filter(([k]) => k !== 'node')
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ');
  const item = el('li', { class: entry.level ?? 'info' }, `${time(entry.timestamp)} ${entry.level} ${entry.message} ${meta}`);
  $('log').prepend(item);
  while ($('log').children.length > LOG_LIMIT) $('log').lastElementChild.remove();
}

// ---- start ----

$('sign-in').addEventListener('submit', (e) => {
  e.preventDefault();
  signIn($('token').value.trim());
});
$('sign-out').addEventListener('click', () => signOut());
$('room-send').addEventListener('submit', sendToRoom);
if (state.token) signIn(state.token);
