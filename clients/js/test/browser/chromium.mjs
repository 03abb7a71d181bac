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
import { postJson, testNode } from '../support/node.mjs';
import { webSocketIdForOperation } from '../../webflow.js';

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

test('signal.js served by the node, in Chromium: authenticates, receives a REST room push and decrypts it', async () => {
  const topic = 'browser.notice';
  const page = await open('/pages/signal.html', {
    sdk: node.http('management', '/sdk/signal.js'),
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
