// The node under test: ports and secrets from the SWITCHBOARD_TEST_* variables set by scripts/js-test.
import { createHmac } from 'node:crypto';

export function testNode() {
  const env = process.env;
  if (!env.SWITCHBOARD_TEST_SIGNAL_PORT) return null;
  const host = env.SWITCHBOARD_TEST_HOST ?? '127.0.0.1';
  const port = (name) => Number(env[`SWITCHBOARD_TEST_${name}_PORT`]);
  const ports = {
    signal: port('SIGNAL'),
    securecall: port('SECURECALL'),
    webflow: port('WEBFLOW'),
    wallet: port('WALLET'),
    fingerprint: port('FINGERPRINT'),
    management: port('MANAGEMENT'),
  };
  return {
    host,
    ports,
    ecdhInfo: env.SWITCHBOARD_TEST_ECDH_INFO,
    walletKey: env.SWITCHBOARD_TEST_WALLET_KEY,
    walletFund: env.SWITCHBOARD_TEST_WALLET_FUND,
    fingerprintKey: env.SWITCHBOARD_TEST_FINGERPRINT_KEY,
    http: (service, path) => `http://${host}:${ports[service]}${path}`,
    ws: (service, path) => `ws://${host}:${ports[service]}${path}`,
    /** An HS256 platform JWT, minted as a back end would. */
    jwt(sub, roles, ttlSeconds = 300) {
      const b64url = (text) => Buffer.from(text).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
      const body = b64url(JSON.stringify({ sub, roles, iat: now, exp: now + ttlSeconds }));
      const sig = createHmac('sha256', env.SWITCHBOARD_TEST_JWT_SECRET).update(`${head}.${body}`).digest('base64url');
      return `${head}.${body}.${sig}`;
    },
  };
}

export async function postJson(url, token, body) {
  const headers = body === undefined ? {} : { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export async function getJson(url, headers = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Resolves with the first event of that name the client emits (after now). */
export function nextEvent(client, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const off = client.on(event, (data, meta) => {
      clearTimeout(timer);
      off();
      resolve({ data, meta });
    });
  });
}
