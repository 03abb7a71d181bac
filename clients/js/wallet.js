// Switchboard wallet gateway helper: builds EIP-712 signed GatewayMessage envelopes and talks to the gateway.
// Signing is delegated to the wallet: an EIP-1193 provider (eth_signTypedData_v4, e.g. window.ethereum) or an
// ethers v6 Signer (signTypedData). Hashing (Keccak-256, EIP-712) is done here, without dependencies.
import { fromHex, keccak256, toHex } from './keccak.js';

const utf8 = new TextEncoder();
const DOMAIN_FIELDS = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
  { name: 'salt', type: 'bytes32' },
];

/** The EIP712Domain type for a domain object: the standard fields it has, in the standard order. */
export function domainType(domain) {
  return DOMAIN_FIELDS.filter((field) => domain[field.name] !== undefined);
}

function word(value) {
  const bytes = new Uint8Array(32);
  let n = BigInt(value);
  if (n < 0n) n += 1n << 256n;
  for (let i = 31; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return bytes;
}

function encodeValue(type, value) {
  if (type === 'string') return keccak256(utf8.encode(value));
  if (type === 'bytes') return keccak256(fromHex(value));
  if (type === 'address') return word(BigInt(value));
  if (type === 'bool') return word(value ? 1 : 0);
  if (/^u?int\d*$/.test(type)) return word(value);
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed) {
    const out = new Uint8Array(32);
    out.set(fromHex(value).subarray(0, Number(fixed[1])));
    return out;
  }
  throw new TypeError(`EIP-712 type ${type} is not supported by this helper (atomic types only)`);
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** hashStruct(primaryType, message) for a struct of atomic fields. */
export function hashStruct(name, fields, message) {
  const signature = `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;
  const encoded = fields.map((f) => encodeValue(f.type, message[f.name]));
  return keccak256(concat([keccak256(utf8.encode(signature)), ...encoded]));
}

export function domainSeparator(domain) {
  return toHex(hashStruct('EIP712Domain', domainType(domain), domain));
}

function primaryTypeOf(types) {
  const names = Object.keys(types).filter((n) => n !== 'EIP712Domain');
  if (names.length !== 1) throw new TypeError('types must hold exactly one struct besides EIP712Domain');
  return names[0];
}

/** The EIP-712 digest keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)), 0x-hex. */
export function typedDataHash(domain, types, message) {
  const primaryType = primaryTypeOf(types);
  return toHex(keccak256(concat([
    new Uint8Array([0x19, 0x01]),
    fromHex(domainSeparator(domain)),
    hashStruct(primaryType, types[primaryType], message),
  ])));
}

/** keccak256 of the UTF-8 of exactly this JSON text. */
export function payloadHash(payloadJson) {
  return toHex(keccak256(utf8.encode(payloadJson)));
}

/** Splits a 65-byte signature into {v, r, s}, v as 27/28. */
export function splitSignature(signatureHex) {
  const bytes = fromHex(signatureHex);
  if (bytes.length !== 65) throw new TypeError(`a signature has 65 bytes, got ${bytes.length}`);
  const v = bytes[64] < 27 ? bytes[64] + 27 : bytes[64];
  return { v, r: toHex(bytes.subarray(0, 32)), s: toHex(bytes.subarray(32, 64)) };
}

/**
 * Wraps an EIP-1193 provider or an ethers Signer as {getAddress(), signTypedData(domain, types, message)}.
 * For a provider, `address` picks the account; otherwise the first of eth_requestAccounts.
 */
export function walletSigner(source, address) {
  if (typeof source.signTypedData === 'function' && typeof source.getAddress === 'function') return source;
  if (typeof source.request !== 'function') throw new TypeError('need an EIP-1193 provider or an ethers Signer');
  let account = address;
  const getAddress = async () => {
    if (!account) [account] = await source.request({ method: 'eth_requestAccounts' });
    if (!account) throw new Error('the provider gave no account');
    return account;
  };
  return {
    getAddress,
    async signTypedData(domain, types, message) {
      const primaryType = primaryTypeOf(types);
      const typedData = { types: { EIP712Domain: domainType(domain), ...types }, domain, primaryType, message };
      return source.request({ method: 'eth_signTypedData_v4', params: [await getAddress(), JSON.stringify(typedData)] });
    },
  };
}

/**
 * Builds the JSON text of one signed gateway message. The payload is serialised once; the same text is hashed
 * and sent, since the gateway hashes the payload bytes exactly as they arrive.
 * @param signer an EIP-1193 provider, an ethers Signer, or walletSigner(...)
 * @param basicData {domain, types} from GET /basic-data
 */
export async function signGatewayMessage(signer, basicData, type, payload, options = {}) {
  const wallet = walletSigner(signer, options.address);
  const callerAddress = await wallet.getAddress();
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const deadline = options.deadline ?? now + (options.ttlSeconds ?? 300);
  const payloadJson = JSON.stringify(payload);
  const message = { type, callerAddress, deadline, payloadHash: payloadHash(payloadJson) };
  const { domain, types } = basicData;
  const hash = typedDataHash(domain, types, message);
  const { v, r, s } = splitSignature(await wallet.signTypedData(domain, types, message));
  const head = JSON.stringify({ type, callerAddress, deadline });
  const signature = JSON.stringify({ hash, v, r, s });
  return `${head.slice(0, -1)},"payload":${payloadJson},"signature":${signature}}`;
}

/** GET {baseUrl}/basic-data: webSocketUrl, domain, types, tokens. */
export async function fetchBasicData(baseUrl) {
  const res = await fetch(new URL('/basic-data', baseUrl));
  if (!res.ok) throw new Error(`GET /basic-data answered ${res.status}`);
  return res.json();
}

/**
 * A gateway connection: request(type, payload) signs, sends and resolves with the answer carrying the same
 * requestId (an ERROR answer rejects, with errorCode on the error); on(type, handler) receives pushes
 * (TRANSFER, BALANCE_UPDATE).
 */
export class WalletClient {
  constructor({ basicData, signer, address, WebSocket: impl = globalThis.WebSocket, url }) {
    this.basicData = basicData;
    this.signer = walletSigner(signer, address);
    this.WebSocket = impl;
    this.url = url ?? basicData.webSocketUrl;
    this.pending = new Map();
    this.handlers = new Map();
    this.socket = null;
  }

  open() {
    return new Promise((resolve, reject) => {
      const socket = new this.WebSocket(this.url);
      this.socket = socket;
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`cannot open ${this.url}`));
      socket.onmessage = (event) => this.receive(JSON.parse(String(event.data)));
      socket.onclose = (event) => {
        for (const waiter of this.pending.values()) waiter.reject(new Error(`closed (${event.code})`));
        this.pending.clear();
        this.emit('close', { code: event.code });
      };
    });
  }

  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type)?.delete(handler);
  }

  async request(type, payload) {
    const requestId = payload.requestId ?? globalThis.crypto.randomUUID();
    const body = { ...payload, requestId };
    const frame = await signGatewayMessage(this.signer, this.basicData, type, body);
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.socket.send(frame);
    });
  }

  close() {
    this.socket?.close(1000);
  }

  receive(message) {
    const waiter = this.pending.get(message.payload?.requestId);
    if (waiter) {
      this.pending.delete(message.payload.requestId);
      if (message.type === 'ERROR') {
        waiter.reject(Object.assign(new Error(message.payload.message ?? message.payload.errorCode),
          { errorCode: message.payload.errorCode }));
      } else {
        waiter.resolve(message);
      }
      return;
    }
    for (const handler of [...(this.handlers.get(message.type) ?? [])]) handler(message.payload, message);
  }

  emit(type, payload) {
    for (const handler of [...(this.handlers.get(type) ?? [])]) handler(payload);
  }
}
