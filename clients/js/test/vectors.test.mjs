// Offline: the SDK's crypto reproduces the shared vectors, made with browser WebCrypto and ethers v6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { ethers } from 'ethers';
import { deriveSessionKey, fromBase64, openMessage, reconnectDelay, sealMessage, SignalClient, toBase64 } from '../signal.js';
import { keccak256Hex } from '../keccak.js';
import { domainSeparator, payloadHash, signGatewayMessage, splitSignature, typedDataHash, walletSigner } from '../wallet.js';

// The Signal vectors live with the Java Signal SDK (clients/java), the others with the server's tests.
const vectorDirs = process.env.SWITCHBOARD_VECTORS ? [process.env.SWITCHBOARD_VECTORS]
  : ['../../../src/test/resources/vectors', '../../java/src/test/resources/vectors'].map((d) => new URL(d, import.meta.url).pathname);
const load = (name) => {
  const dir = vectorDirs.find((d) => existsSync(`${d}/${name}`));
  if (!dir) throw new Error(`vector file ${name} is in none of ${vectorDirs.join(', ')}`);
  return JSON.parse(readFileSync(`${dir}/${name}`, 'utf8'));
};
const subtle = globalThis.crypto.subtle;

async function importPrivate(pkcs8) {
  return subtle.importKey('pkcs8', fromBase64(pkcs8), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
}

for (const c of load('signal-ecdh.json').cases) {
  test(`signal ${c.id}: ${c.title}`, async () => {
    // Client side: our private key, the server's raw public key and salt from `connected`.
    const clientKey = await deriveSessionKey(subtle, await importPrivate(c.client.privateKeyPkcs8),
      c.server.publicKeyRaw, c.salt, c.info);
    // Server side of the same handshake must agree (the derivation is symmetric).
    const serverKey = await deriveSessionKey(subtle, await importPrivate(c.server.privateKeyPkcs8),
      c.client.publicKeyRaw, c.salt, c.info);
    for (const m of c.messages) {
      const sealed = await sealMessage(subtle, clientKey, m.plaintext, fromBase64(m.iv));
      assert.equal(sealed.ct, m.ciphertext);
      assert.equal(JSON.stringify({ event: 'encrypted', data: sealed }), m.wireFrame);
      assert.equal(await openMessage(subtle, serverKey, { iv: m.iv, ct: m.ciphertext }), m.plaintext);
      const tampered = fromBase64(m.ciphertext);
      tampered[0] ^= 1;
      await assert.rejects(openMessage(subtle, clientKey, { iv: m.iv, ct: toBase64(tampered) }));
    }
  });
}

test('signal: reconnect delays follow 3000 × 1.5^(n−1), rounded down, capped at 30000', () => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => reconnectDelay({}, n));
  assert.deepEqual(delays, [3000, 4500, 6750, 10125, 15187, 22781, 30000, 30000]);
  assert.equal(reconnectDelay({ interval: 100, multiplier: 2, maxInterval: 250 }, 3), 250);
});

test('keccak256: known answers and multi-block input agree with ethers', () => {
  assert.equal(keccak256Hex(''), '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  assert.equal(keccak256Hex('abc'), '0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
  for (const length of [1, 135, 136, 137, 271, 272, 1000]) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
    assert.equal(keccak256Hex(bytes), ethers.keccak256(bytes), `length ${length}`);
  }
});

for (const c of load('eip712.json').cases) {
  test(`wallet ${c.id}: ${c.title}`, () => {
    assert.equal(payloadHash(c.payloadJson), ethers.keccak256(ethers.toUtf8Bytes(c.payloadJson)));
    if (c.id !== 'eip712-pub-neg-tampered-payload') assert.equal(payloadHash(c.payloadJson), c.payloadHash);
    assert.equal(domainSeparator(c.domain), c.domainSeparator);
    assert.equal(typedDataHash(c.domain, c.types, c.signedMessage), c.hash);
    if (c.expect === 'valid' || c.expect === 'expired-deadline') {
      const { v, r, s } = splitSignature(c.signatureHex);
      assert.deepEqual({ v, r, s }, { v: c.v, r: c.r, s: c.s });
    }
  });
}

test('wallet: a signed envelope from an ethers Wallet equals the vector byte for byte', async () => {
  const c = load('eip712.json').cases.find((x) => x.id === 'eip712-pub-01');
  const wallet = new ethers.Wallet(c.signerPrivateKey);
  const envelope = await signGatewayMessage(wallet, c, c.type, JSON.parse(c.payloadJson), { deadline: c.deadline });
  assert.equal(envelope, c.envelope);
});

test('wallet: an EIP-1193 provider is asked for eth_signTypedData_v4 with the full typed data', async () => {
  const c = load('eip712.json').cases.find((x) => x.id === 'eip712-pub-01');
  const wallet = new ethers.Wallet(c.signerPrivateKey);
  const calls = [];
  // A provider backed by a real key: it signs what it is given, as a browser wallet does.
  const provider = {
    async request({ method, params }) {
      calls.push(method);
      if (method === 'eth_requestAccounts') return [wallet.address];
      assert.equal(method, 'eth_signTypedData_v4');
      assert.equal(params[0], wallet.address);
      const typed = JSON.parse(params[1]);
      assert.deepEqual(typed.types.EIP712Domain.map((f) => f.name), Object.keys(c.domain));
      const { EIP712Domain, ...types } = typed.types;
      return wallet.signTypedData(typed.domain, types, typed.message);
    },
  };
  const envelope = await signGatewayMessage(walletSigner(provider), c, c.type, JSON.parse(c.payloadJson), { deadline: c.deadline });
  assert.equal(envelope, c.envelope);
  assert.deepEqual(calls, ['eth_requestAccounts', 'eth_signTypedData_v4']);
});

test('signal: with several urls, each reconnect moves on to the next endpoint', async () => {
  // A stand-in socket (no server offline): it opens, answers authenticate with a plaintext `connected`, and
  // records the endpoint it was made for; the test closes it as a dying node would.
  const sockets = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      sockets.push(this);
      setTimeout(() => this.onopen?.(), 0);
    }
    send(text) {
      if (JSON.parse(text).event === 'authenticate') {
        setTimeout(() => this.onmessage?.({ data: JSON.stringify({ event: 'connected', data: { id: `c${sockets.length}` } }) }), 0);
      }
    }
    close() {}
  }
  const urls = ['ws://node-a/ws', 'ws://node-b/ws', 'ws://node-c/ws'];
  const client = new SignalClient({ urls, token: 't', requireEncryption: false, WebSocket: FakeSocket,
    reconnect: { interval: 1, maxInterval: 1 }, heartbeatInterval: 60000 });
  const connected = () => new Promise((resolve) => { const off = client.on('connected', (d) => { off(); resolve(d); }); });
  await client.connect();
  for (let drop = 0; drop < 3; drop++) {
    const again = connected();
    sockets.at(-1).onclose({ code: 1006, reason: '' });
    await again;
  }
  client.close();
  assert.deepEqual(sockets.map((s) => s.url), [...urls, urls[0]]);
  assert.equal(new SignalClient({ url: urls[1], token: 't' }).url, urls[1]);
});
