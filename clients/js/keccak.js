// Keccak-256 (the original Keccak padding 0x01 that Ethereum uses, not SHA3-256's 0x06), dependency-free.
// State: 25 lanes of 64 bits held as pairs of 32-bit halves, so no BigInt on the hot path.

const ROUND_CONSTANTS = [
  [0x00000001, 0x00000000], [0x00008082, 0x00000000], [0x0000808a, 0x80000000], [0x80008000, 0x80000000],
  [0x0000808b, 0x00000000], [0x80000001, 0x00000000], [0x80008081, 0x80000000], [0x00008009, 0x80000000],
  [0x0000008a, 0x00000000], [0x00000088, 0x00000000], [0x80008009, 0x00000000], [0x8000000a, 0x00000000],
  [0x8000808b, 0x00000000], [0x0000008b, 0x80000000], [0x00008089, 0x80000000], [0x00008003, 0x80000000],
  [0x00008002, 0x80000000], [0x00000080, 0x80000000], [0x0000800a, 0x00000000], [0x8000000a, 0x80000000],
  [0x80008081, 0x80000000], [0x00008080, 0x80000000], [0x80000001, 0x00000000], [0x80008008, 0x80000000],
];
// Rotation offsets and pi-step destinations, indexed by lane x + 5y.
const ROTATIONS = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
const RATE_BYTES = 136;

function keccakF(lo, hi) {
  const cLo = new Uint32Array(5);
  const cHi = new Uint32Array(5);
  const bLo = new Uint32Array(25);
  const bHi = new Uint32Array(25);
  for (let round = 0; round < 24; round++) {
    for (let x = 0; x < 5; x++) {
      cLo[x] = lo[x] ^ lo[x + 5] ^ lo[x + 10] ^ lo[x + 15] ^ lo[x + 20];
      cHi[x] = hi[x] ^ hi[x + 5] ^ hi[x + 10] ^ hi[x + 15] ^ hi[x + 20];
    }
    for (let x = 0; x < 5; x++) {
      const nLo = cLo[(x + 1) % 5];
      const nHi = cHi[(x + 1) % 5];
      const dLo = cLo[(x + 4) % 5] ^ ((nLo << 1) | (nHi >>> 31));
      const dHi = cHi[(x + 4) % 5] ^ ((nHi << 1) | (nLo >>> 31));
      for (let y = 0; y < 25; y += 5) {
        lo[x + y] ^= dLo;
        hi[x + y] ^= dHi;
      }
    }
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        const from = x + 5 * y;
        const to = y + 5 * ((2 * x + 3 * y) % 5);
        const r = ROTATIONS[from];
        const l = lo[from];
        const h = hi[from];
        if (r === 0) {
          bLo[to] = l;
          bHi[to] = h;
        } else if (r < 32) {
          bLo[to] = (l << r) | (h >>> (32 - r));
          bHi[to] = (h << r) | (l >>> (32 - r));
        } else if (r === 32) {
          bLo[to] = h;
          bHi[to] = l;
        } else {
          bLo[to] = (h << (r - 32)) | (l >>> (64 - r));
          bHi[to] = (l << (r - 32)) | (h >>> (64 - r));
        }
      }
    }
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        lo[x + y] = bLo[x + y] ^ (~bLo[((x + 1) % 5) + y] & bLo[((x + 2) % 5) + y]);
        hi[x + y] = bHi[x + y] ^ (~bHi[((x + 1) % 5) + y] & bHi[((x + 2) % 5) + y]);
      }
    }
    lo[0] ^= ROUND_CONSTANTS[round][0];
    hi[0] ^= ROUND_CONSTANTS[round][1];
  }
}

/** Keccak-256 of bytes (Uint8Array) or of a string's UTF-8; returns 32 bytes. */
export function keccak256(input) {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const lo = new Uint32Array(25);
  const hi = new Uint32Array(25);
  const padded = new Uint8Array((Math.floor(bytes.length / RATE_BYTES) + 1) * RATE_BYTES);
  padded.set(bytes);
  padded[bytes.length] ^= 0x01;
  padded[padded.length - 1] ^= 0x80;
  for (let offset = 0; offset < padded.length; offset += RATE_BYTES) {
    for (let lane = 0; lane < RATE_BYTES / 8; lane++) {
      const i = offset + lane * 8;
      lo[lane] ^= padded[i] | (padded[i + 1] << 8) | (padded[i + 2] << 16) | (padded[i + 3] << 24);
      hi[lane] ^= padded[i + 4] | (padded[i + 5] << 8) | (padded[i + 6] << 16) | (padded[i + 7] << 24);
    }
    keccakF(lo, hi);
  }
  const out = new Uint8Array(32);
  for (let lane = 0; lane < 4; lane++) {
    for (let b = 0; b < 4; b++) {
      out[lane * 8 + b] = (lo[lane] >>> (8 * b)) & 0xff;
      out[lane * 8 + 4 + b] = (hi[lane] >>> (8 * b)) & 0xff;
    }
  }
  return out;
}

export function toHex(bytes) {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function fromHex(hex) {
  const digits = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits)) throw new TypeError(`not hex: ${hex}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** keccak256 as 0x-prefixed hex. */
export function keccak256Hex(input) {
  return toHex(keccak256(input));
}
