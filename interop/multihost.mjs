// Cross-host checks on a netns cluster made by `scripts/cluster --netns 3` (started by scripts/multihost-check):
// Signal room sends across nodes, kill -9 detection and ghost time, partition/heal merge time and delivery,
// and a rogue node whose certificate the cluster CA did not sign. Prints every figure; exits 1 on a failure.
import { createHmac, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';

const env = (name) => {
  const value = process.env[name];
  if (!value) { console.error(`multihost: ${name} is not set (run scripts/multihost-check)`); process.exit(2); }
  return value;
};
const NODES = env('MH_NODES').split(',');
const ROGUE = env('MH_ROGUE');
const JWT_SECRET = env('MH_JWT_SECRET');
const ECDH_INFO = env('MH_ECDH_INFO');
const ROOM = 'ws-notifications';
const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const failures = [];
const figures = {};

function check(ok, what) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

function jwt(sub, roles) {
  const now = Math.floor(Date.now() / 1000);
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, roles, iat: now, exp: now + 900 })}`;
  return `${body}.${createHmac('sha256', JWT_SECRET).update(body).digest('base64url')}`;
}
const SERVICE = jwt('multihost-service', ['service']);
const ADMIN = jwt('multihost-admin', ['admin']);

function cluster(args, extraEnv = {}) {
  execFileSync('scripts/cluster', args, { stdio: ['ignore', 'inherit', 'inherit'], timeout: 60000, env: { ...process.env, ...extraEnv } });
}

async function fetchJson(url, options = {}, timeoutMs = 3000) {
  const started = performance.now();
  try {
    const res = await fetch(url, { ...options, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null, ms: performance.now() - started };
  } catch (e) {
    return { status: 0, error: String(e), ms: performance.now() - started };
  }
}

const roomSend = (host, topic, data, timeoutMs = 8000) => fetchJson(
  `http://${host}:3500/v1/api/socket/websocket/clients/rooms/${ROOM}/send`,
  { method: 'POST', headers: { authorization: `Bearer ${SERVICE}`, 'content-type': 'application/json' },
    body: JSON.stringify({ topic, data }) }, timeoutMs);

const clientList = (host) => fetchJson(`http://${host}:3500/v1/api/socket/websocket/clients`,
  { headers: { authorization: `Bearer ${ADMIN}` } }, 2000);

const members = async (host) => {
  const health = await fetchJson(`http://${host}:9100/health`, {}, 2000);
  return health.json?.cluster?.members?.length ?? health.json?.members?.length ?? -1;
};

/** A Signal client (browser handshake: ECDH P-256, HKDF-SHA256, AES-GCM) recording every topic message. */
async function signalClient(host, name) {
  const keyPair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const ws = new WebSocket(`ws://${host}:3500/ws`);
  const received = [];
  let aesKey;
  let connected;
  const ready = new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('close', () => reject(new Error(`${name} closed before connecting`)));
    ws.on('message', async (raw) => {
      let frame = JSON.parse(raw.toString());
      if (frame.event === 'connected') {
        const { serverPublicKey, salt } = frame.data;
        connected = frame.data;
        const serverKey = await subtle.importKey('raw', unb64(serverPublicKey), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
        const shared = await subtle.deriveBits({ name: 'ECDH', public: serverKey }, keyPair.privateKey, 256);
        const hkdf = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveBits']);
        const bits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: unb64(salt), info: utf8.encode(ECDH_INFO) }, hkdf, 256);
        aesKey = await subtle.importKey('raw', bits, { name: 'AES-GCM' }, false, ['decrypt']);
        resolve();
        return;
      }
      if (frame.event === 'encrypted' && aesKey) {
        const plain = await subtle.decrypt({ name: 'AES-GCM', iv: unb64(frame.data.iv) }, aesKey, unb64(frame.data.ct));
        frame = JSON.parse(new TextDecoder().decode(plain));
      }
      received.push({ event: frame.event, data: frame.data, at: performance.now() });
    });
    ws.on('open', async () => {
      const clientPublicKey = b64(await subtle.exportKey('raw', keyPair.publicKey));
      ws.send(JSON.stringify({ event: 'authenticate', data: { type: 'Bearer', token: jwt(`mh-${name}`, ['user']), clientPublicKey } }));
    });
  });
  await Promise.race([ready, sleep(8000).then(() => { throw new Error(`${name} on ${host}: no 'connected' within 8 s`); })]);
  // As the SDKs do: a heartbeat well inside the server's idle timeout (90 s), so long phases keep the socket.
  const beat = setInterval(() => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ event: 'heartbeat' })); }, 20000);
  ws.on('close', () => clearInterval(beat));
  return {
    name, host, ws, received, id: connected.id,
    count: (topic, pred = () => true) => received.filter((m) => m.event === topic && pred(m.data)).length,
    waitFor: async (topic, pred, ms) => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        if (received.some((m) => m.event === topic && pred(m.data))) return true;
        await sleep(20);
      }
      return false;
    },
    closed: () => ws.readyState !== WebSocket.OPEN,
    close: () => { clearInterval(beat); try { ws.terminate(); } catch { /* already gone */ } },
  };
}

async function until(condition, ms, stepMs = 100) {
  const started = performance.now();
  while (performance.now() - started < ms) {
    if (await condition()) return performance.now() - started;
    await sleep(stepMs);
  }
  return null;
}

const p = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
};

/** Sends numbered room messages from NODES[0] every periodMs for durationMs; answers their latencies and failures. */
async function publishSeries(topic, periodMs, durationMs) {
  const latencies = [];
  const failed = [];
  const pending = [];
  let seq = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    const n = seq++;
    pending.push(roomSend(NODES[0], topic, { seq: n }).then((r) => {
      latencies.push(r.ms);
      if (r.status !== 200) failed.push({ seq: n, status: r.status });
    }));
    await sleep(periodMs);
  }
  await Promise.all(pending);
  return { sent: seq, latencies, failed };
}

function deliveries(client, topic, sent) {
  const counts = new Map();
  for (const m of client.received) if (m.event === topic) counts.set(m.data.seq, (counts.get(m.data.seq) ?? 0) + 1);
  let lost = 0; let duplicated = 0;
  for (let s = 0; s < sent; s++) {
    const c = counts.get(s) ?? 0;
    if (c === 0) lost++;
    if (c > 1) duplicated += c - 1;
  }
  return { lost, duplicated };
}

async function main() {
  // 1. Room send from node 0 reaches clients on every node.
  const perNode = 5;
  const clients = [];
  for (let i = 0; i < NODES.length; i++) {
    for (let k = 0; k < perNode; k++) clients.push(await signalClient(NODES[i], `n${i}c${k}`));
  }
  const listed = await clientList(NODES[0]);
  check(listed.json?.clients?.length === clients.length, `node 0 lists all ${clients.length} clients of the 3 nodes (listed ${listed.json?.clients?.length})`);
  const hello = randomUUID();
  const sent = await roomSend(NODES[0], 'mh.hello', { hello });
  check(sent.status === 200 && sent.json.recipients === clients.length, `room send from node 0 answered ${sent.status}, recipients ${sent.json?.recipients} of ${clients.length}`);
  for (let i = 1; i < NODES.length; i++) {
    const got = await Promise.all(clients.filter((c) => c.host === NODES[i]).map((c) => c.waitFor('mh.hello', (d) => d.hello === hello, 3000)));
    check(got.every(Boolean), `room message from node 0 reached all ${got.length} clients on node ${i}`);
  }

  // 2. kill -9 of node 2 while node 0 publishes 20/s.
  const victim = NODES.length - 1;
  const victimIds = new Set(clients.filter((c) => c.host === NODES[victim]).map((c) => c.id));
  const survivors = clients.filter((c) => c.host !== NODES[victim]);
  const series = publishSeries('mh.kill', 50, 12000);
  await sleep(2000);
  cluster(['kill', String(victim)]);
  const detect = until(async () => (await members(NODES[0])) === NODES.length - 1, 20000, 50);
  const ghosts = until(async () => {
    const list = await clientList(NODES[0]);
    return list.status === 200 && !list.json.clients.some((c) => victimIds.has(c.id));
  }, 20000, 100);
  const detectMs = await detect;
  const ghostMs = await ghosts;
  const { sent: killSent, latencies, failed } = await series;
  figures.detectionMs = detectMs === null ? 'not within 20 s' : Math.round(detectMs);
  figures.ghostMs = ghostMs === null ? 'not within 20 s' : Math.round(ghostMs);
  figures.killPublishP50Ms = Math.round(p(latencies, 0.5));
  figures.killPublishP99Ms = Math.round(p(latencies, 0.99));
  figures.killPublishFailures = failed.length;
  await sleep(500);
  let lost = 0; let duplicated = 0;
  for (const c of survivors) { const d = deliveries(c, 'mh.kill', killSent); lost += d.lost; duplicated += d.duplicated; }
  figures.killSurvivorDeliveries = `${killSent} messages x ${survivors.length} clients: ${lost} lost, ${duplicated} duplicated`;
  check(detectMs !== null && detectMs <= 8000, `kill -9 detected by node 0 in ${figures.detectionMs} ms (≤ 8000)`);
  check(ghostMs !== null && ghostMs <= 8000, `killed node's clients left node 0's list in ${figures.ghostMs} ms (≤ 8000)`);
  check(lost === 0 && duplicated === 0, `survivors across the kill: ${figures.killSurvivorDeliveries}`);
  clients.filter((c) => victimIds.has(c.id)).forEach((c) => c.close());

  // 3. Bring node 2 back, then cut node 1 off for 30 s and heal.
  cluster(['restart', String(victim)]);
  // The management server is deployed last, so /health on the restarted node means its services are up.
  const rejoinMs = await until(async () => (await members(NODES[victim])) === NODES.length, 90000, 250);
  check(rejoinMs !== null, `restarted node ${victim} rejoined (${rejoinMs === null ? 'no' : Math.round(rejoinMs)} ms)`);
  const cut = 1;
  const cutClients = [];
  for (let k = 0; k < perNode; k++) cutClients.push(await signalClient(NODES[cut], `cut${k}`));
  const others = [];
  for (const i of [0, victim]) others.push(await signalClient(NODES[i], `other${i}`));
  cluster(['partition', String(cut)]);
  await sleep(30000);
  const healedAt = performance.now();
  cluster(['heal', String(cut)]);
  const mergeMs = await until(async () => (await members(NODES[0])) === NODES.length && (await members(NODES[cut])) === NODES.length, 120000, 100);
  figures.mergeAfterHealMs = mergeMs === null ? 'not within 120 s' : Math.round(mergeMs);
  check(mergeMs !== null, `cluster merged ${figures.mergeAfterHealMs} ms after heal`);
  const relisted = await until(async () => {
    const list = await clientList(NODES[0]);
    return list.status === 200 && cutClients.every((c) => list.json.clients.some((x) => x.id === c.id));
  }, 10000, 100);
  figures.healedClientsListedAgainMs = relisted === null ? 'not within 10 s of the merge' : Math.round(relisted);
  check(relisted !== null, `healed node's clients listed cluster-wide again (${figures.healedClientsListedAgainMs} ms after merge)`);
  const sinceHeal = performance.now() - healedAt;
  if (sinceHeal < 10000) await sleep(10000 - sinceHeal);
  const after = await publishSeries('mh.healed', 100, 5000);
  await sleep(1000);
  let healLost = 0; let healDup = 0;
  for (const c of [...cutClients, ...others]) { const d = deliveries(c, 'mh.healed', after.sent); healLost += d.lost; healDup += d.duplicated; }
  figures.afterHeal = `${after.sent} messages x ${cutClients.length + others.length} clients (${cutClients.length} on the healed node): ${healLost} lost, ${healDup} duplicated, ${after.failed.length} failed sends`;
  check(healLost === 0 && healDup === 0, `room messages from 10 s after heal: ${figures.afterHeal}`);

  // 4. Rogue node: a certificate from another CA. It can reach Hazelcast (open-source Hazelcast cannot
  // authenticate members) but no event-bus peer accepts its TLS handshake, nor does it accept theirs.
  const rogueTls = env('MH_ROGUE_TLS_DIR');
  cluster(['--netns', 'add', env('MH_ROGUE_INDEX')], {
    SWITCHBOARD_CLUSTER_TLS_CERT: `${rogueTls}/rogue.pem`, SWITCHBOARD_CLUSTER_TLS_KEY: `${rogueTls}/rogue.key`,
    SWITCHBOARD_CLUSTER_TLS_CA: `${rogueTls}/ca.pem` });
  const rogueUp = await until(async () => (await fetchJson(`http://${ROGUE}:9100/health`, {}, 3000)).status === 200, 150000, 500);
  check(rogueUp !== null, 'rogue node started');
  if (rogueUp !== null) {
    const rogueClient = await signalClient(ROGUE, 'rogue');
    const honest = await signalClient(NODES[0], 'honest');
    const fromRogue = randomUUID();
    const rogueSend = await roomSend(ROGUE, 'mh.rogue', { fromRogue }, 20000);
    const fromHonest = randomUUID();
    const honestSend = await roomSend(NODES[0], 'mh.honest', { fromHonest }, 20000);
    // Barrier: a message sent by node 1 after both has reached the honest clients on nodes 0 and 2.
    const barrier = randomUUID();
    const barrierSend = await roomSend(NODES[1], 'mh.barrier', { barrier }, 20000);
    const barrierSeen = await honest.waitFor('mh.barrier', (d) => d.barrier === barrier, 5000);
    const barrierOn2 = await others[1].waitFor('mh.barrier', (d) => d.barrier === barrier, 5000);
    const honestAll = [honest, ...survivors, ...cutClients, ...others];
    const honestGotRogue = honestAll.filter((c) => c.count('mh.rogue') > 0).length;
    const rogueGotHonest = rogueClient.count('mh.honest') + rogueClient.count('mh.barrier');
    const honestClients = honestAll.length;
    figures.honestSocketsClosedBeforeRoguePhase = honestAll.filter((c) => c.closed()).length;
    figures.rogue = `rogue send answered ${rogueSend.status} in ${Math.round(rogueSend.ms)} ms (recipients ${rogueSend.json?.recipients}); `
      + `honest clients that got it: ${honestGotRogue} of ${honestClients}; honest send answered ${honestSend.status} in ${Math.round(honestSend.ms)} ms `
      + `(recipients ${honestSend.json?.recipients}); rogue client got ${rogueGotHonest} honest messages`;
    figures.sendLatencyWithRogueMemberMs = Math.round(barrierSend.ms);
    check(barrierSeen && barrierOn2, 'barrier message reached honest clients on nodes 0 and 2');
    check(honestSend.json?.recipients === honestClients, `honest send reached every honest client (${honestSend.json?.recipients} of ${honestClients})`);
    check(honestGotRogue === 0, 'no honest client received anything the rogue node sent');
    check(rogueGotHonest === 0, 'the rogue node\'s client received nothing from the honest nodes');
    rogueClient.close(); honest.close();
    cluster(['kill', env('MH_ROGUE_INDEX')]);
  }
  [...clients, ...cutClients, ...others].forEach((c) => c.close());
}

const deadline = setTimeout(() => { console.error('multihost: run exceeded 6 minutes'); process.exit(1); }, 360000);
main().then(() => {
  clearTimeout(deadline);
  console.log('\nfigures:');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v}`);
  if (failures.length) { console.log(`\n${failures.length} check(s) FAILED`); process.exit(1); }
  console.log('\nall multihost checks passed');
  process.exit(0);
}, (e) => {
  console.error(`multihost: ${e.stack || e}`);
  console.log('\nfigures so far:');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v}`);
  process.exit(1);
});
