// Browser tests: Debian's Chromium (headless, driven by playwright-core, no downloaded browser) loads pages that
// use the SDK against a real node started by scripts/browser-test. Screenshots go to BROWSER_ARTIFACTS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { startStaticServer } from './server.mjs';
import { nextEvent, postJson, testNode } from '../support/node.mjs';
import { webSocketIdForOperation } from '../../webflow.js';
import { SignalClient } from '../../signal.js';
import WebSocket from 'ws';

const node = testNode();
if (!node) throw new Error('no node: run scripts/browser-test');
const artifacts = process.env.BROWSER_ARTIFACTS ?? 'target/browser-artifacts';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WAIT_MS = 15000;

let browser;
let pages;
let profile;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  pages = await startStaticServer();
  profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
  // Without the background-networking flags Chromium stalls on a closed network. WebRTC: loopback candidates
  // allowed and host IPs not hidden behind mDNS names (nothing resolves .local here).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns'],
  });
});

after(async () => {
  await browser?.close();
  await pages?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function open(path, query) {
  const page = await browser.newPage();
  const console = [];
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  await page.goto(`${pages.origin}${path}?${new URLSearchParams(query)}`);
  page.consoleLines = console;
  return page;
}

/** Waits until the page's testState satisfies the predicate (a function source run in the page). */
async function until(page, predicate, what) {
  try {
    await page.waitForFunction(predicate, null, { timeout: WAIT_MS, polling: 100 });
  } catch (e) {
    const state = await page.evaluate(() => JSON.stringify(window.testState)).catch(() => '?');
    throw new Error(`${what}: ${e.message.split('\n')[0]}; page state ${state}; console ${page.consoleLines.join(' | ')}`);
  }
}

async function shoot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

test('signal.js served by the Signal port, in Chromium: authenticates, receives a REST room push and decrypts it', async () => {
  const topic = 'browser.notice';
  const page = await open('/pages/signal.html', {
    sdk: node.http('signal', '/sdk/signal.js'),
    url: node.ws('signal', '/ws'), token: node.jwt('browser-user', ['user']), ecdhInfo: node.ecdhInfo, topic,
  });
  await until(page, () => window.testState.joined?.includes('ws-test-payment'), 'connected and joined ws-test-payment');
  const data = { orderId: randomUUID(), note: 'déjà vu ✓ 🔐' };
  const sent = await postJson(node.http('signal', '/v1/api/socket/websocket/clients/rooms/ws-test-payment/send'),
    node.jwt('browser-service', ['service']), { topic, data });
  assert.equal(sent.status, 200);
  assert.ok(sent.json.recipients >= 1);
  await until(page, () => window.testState.events.length > 0, 'the room push');
  const state = await page.evaluate(() => window.testState);
  assert.deepEqual(state.events[0].data, data);
  assert.deepEqual(state.errors, []);
  await shoot(page, 'signal');
  await page.close();
});

test('@stomp/stompjs in Chromium: registers and receives its authorization', async () => {
  const operationId = randomUUID();
  const webSocketId = await webSocketIdForOperation(operationId);
  const page = await open('/pages/webflow.html', { url: node.ws('webflow', '/websocket'), webSocketId });
  await until(page, () => window.testState.registered, 'registered');
  const posted = await postJson(node.http('webflow', '/api/authorizations'), node.jwt('bank', ['service']),
    { operationId, authResult: 'CONFIRMED' });
  assert.equal(posted.json.delivered, true);
  await until(page, () => window.testState.events.length > 0, 'the authorization');
  const state = await page.evaluate(() => window.testState);
  assert.deepEqual(state.events, [{ webSocketId, authResult: 'CONFIRMED' }]);
  assert.deepEqual(state.errors, []);
  await shoot(page, 'webflow');
  await page.close();
});

test('SecureCall in Chromium: two pages open a WebRTC data channel through the signaling on loopback', async () => {
  const suffix = randomUUID().slice(0, 8);
  const url = node.ws('securecall', '/signal');
  const callee = await open('/pages/securecall.html', { url, clientId: `bob-${suffix}`, role: 'callee' });
  await until(callee, () => window.testState.registered, 'callee registered');
  const caller = await open('/pages/securecall.html', { url, clientId: `alice-${suffix}`, role: 'caller', target: `bob-${suffix}` });
  await until(caller, () => window.testState.events.length > 0, 'the echo over the data channel');
  const callerState = await caller.evaluate(() => window.testState);
  const calleeState = await callee.evaluate(() => window.testState);
  assert.deepEqual(calleeState.events, [`ping from alice-${suffix}`]);
  assert.deepEqual(callerState.events, [`echo: ping from alice-${suffix}`]);
  assert.ok(callerState.iceServers.some((s) => s.username?.endsWith(`:alice-${suffix}`)), 'no TURN credentials for the caller');
  assert.deepEqual([...callerState.errors, ...calleeState.errors], []);
  await shoot(caller, 'securecall-caller');
  await shoot(callee, 'securecall-callee');
  await caller.close();
  await callee.close();
});

test('operator console in Chromium: lists a live client and a device, streams a scan, sends to a room, disconnects', async (t) => {
  const userId = `console-user-${randomUUID().slice(0, 8)}`;
  const client = new SignalClient({
    url: node.ws('signal', '/ws'), token: node.jwt(userId, ['user']), ecdhInfo: node.ecdhInfo, WebSocket,
    autoJoinRooms: ['ws-test-payment'], reconnect: { enabled: false },
  });
  t.after(() => client.close());
  const joined = nextEvent(client, 'join');
  const { id: clientId } = await client.connect();
  await joined;

  const page = await browser.newPage();
  const lines = [];
  page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  const failing = (what) => async (e) => {
    const status = await page.evaluate(() => document.getElementById('status')?.textContent).catch(() => '?');
    throw new Error(`${what}: ${e.message.split('\n')[0]}; status ${status}; console ${lines.join(' | ')}`);
  };
  await page.goto(node.http('management', '/console/'));

  // A token without the admin role is refused at sign-in.
  await page.fill('#token', node.jwt('not-an-admin', ['service']));
  await page.click('#sign-in button[type=submit]');
  await page.waitForFunction(() => document.getElementById('sign-in-error').textContent.includes('refused'), null, { timeout: WAIT_MS });
  assert.equal(await page.isHidden('#console'), true);

  await page.fill('#token', node.jwt('operator', ['admin'], 600));
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector(`tr[data-client="${clientId}"]`, { timeout: WAIT_MS }).catch(failing('the live Signal client'));
  const row = await page.textContent(`tr[data-client="${clientId}"]`);
  assert.ok(row.includes(userId) && row.includes('ws-test-payment'), row);
  await page.waitForSelector('tr[data-device="device-001"]', { timeout: WAIT_MS }).catch(failing('the simulated device'));
  const members = await page.textContent('#members');
  assert.match(members, /this node/);
  assert.match(members, /signal \d+/);
  assert.equal(await page.locator('#chart-connections polyline').count(), 1, 'one connections line for the one member');
  await page.waitForFunction(() => document.getElementById('log-state').textContent === '(live)', null, { timeout: WAIT_MS })
    .catch(failing('the Fingerprint admin stream'));

  // A scan started by someone else (REST, API key) shows in the console's log stream and live device status.
  const started = await fetch(node.http('fingerprint', '/api/scans'), {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': node.fingerprintKey },
    body: JSON.stringify({ deviceId: 'device-001', options: { timeout: 10000 } }),
  });
  assert.equal(started.status, 201);
  const { scanId } = await started.json();
  await page.waitForFunction((id) => [...document.querySelectorAll('#log li')].some((li) => li.textContent.includes('Scan started') && li.textContent.includes(id)),
    scanId, { timeout: WAIT_MS }).catch(failing('the scan in the log stream'));
  await page.waitForFunction((id) => [...document.querySelectorAll('#log li')].some((li) => li.textContent.includes('Scan ended') && li.textContent.includes(id)),
    scanId, { timeout: WAIT_MS }).catch(failing('the end of the scan in the log stream'));
  await shoot(page, 'console');

  // Send to a room from the console: the client receives and decrypts it.
  const pushed = nextEvent(client, 'console.notice', WAIT_MS);
  await page.fill('#room-name', 'ws-test-payment');
  await page.fill('#room-topic', 'console.notice');
  await page.fill('#room-data', JSON.stringify({ from: 'operator', n: 1 }));
  await page.click('#room-send button[type=submit]');
  assert.deepEqual((await pushed).data, { from: 'operator', n: 1 });
  await page.waitForFunction(() => /delivered to [1-9]/.test(document.getElementById('room-result').textContent), null, { timeout: WAIT_MS });

  // Disconnect from the console: the client is closed with 4010 and leaves the list.
  const closed = nextEvent(client, 'disconnected', WAIT_MS);
  await page.click(`tr[data-client="${clientId}"] button`);
  assert.equal((await closed).data.code, 4010);
  await page.waitForSelector(`tr[data-client="${clientId}"]`, { state: 'detached', timeout: WAIT_MS }).catch(failing('the client leaving the list'));
  assert.match(await page.textContent('#signal-notice'), new RegExp(`Disconnected ${clientId}`));
  await shoot(page, 'console-after-disconnect');
  // (Chromium reports the refused sign-in's 403 as a console error; uncaught exceptions are what must not happen.)
  assert.deepEqual(lines.filter((l) => l.startsWith('pageerror')), []);
  await page.close();
});
