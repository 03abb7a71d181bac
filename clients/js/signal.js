// Switchboard Signal client for browsers (and Node 20+ with a WebSocket implementation passed in).
// Dependency-free: WebCrypto (ECDH P-256, HKDF-SHA256, AES-256-GCM) and the WebSocket API only.

const DEFAULT_ECDH_INFO = 'nx-signal-ws-v1';
const HEARTBEAT_MS = 30000;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Standard base64 (not base64url), as the server expects. */
export function toBase64(bytes) {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Delay before reconnect attempt n (1-based): interval × multiplier^(n−1), rounded down, capped. */
export function reconnectDelay(reconnect, attempt) {
  const { interval, multiplier, maxInterval } = reconnectOptions(reconnect);
  return Math.min(Math.floor(interval * multiplier ** (attempt - 1)), maxInterval);
}

function reconnectOptions(reconnect = {}) {
  return {
    enabled: reconnect.enabled ?? true,
    interval: reconnect.interval ?? 3000,
    multiplier: reconnect.multiplier ?? 1.5,
    maxInterval: reconnect.maxInterval ?? 30000,
    maxRetries: reconnect.maxRetries ?? 5,
  };
}

/**
 * Derives the AES-256-GCM session key from our ECDH private key and the server's `connected` data:
 * HKDF-SHA256(ikm = shared X coordinate, salt, info = UTF-8(ecdhInfo)) → 32 bytes.
 */
export async function deriveSessionKey(subtle, privateKey, serverPublicKeyBase64, saltBase64, ecdhInfo) {
  const serverKey = await subtle.importKey('raw', fromBase64(serverPublicKeyBase64),
    { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const shared = await subtle.deriveBits({ name: 'ECDH', public: serverKey }, privateKey, 256);
  const hkdfKey = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveBits']);
  const keyBits = await subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: fromBase64(saltBase64), info: utf8.encode(ecdhInfo) }, hkdfKey, 256);
  return subtle.importKey('raw', keyBits, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** Seals one application message as the `data` of an `encrypted` frame (fresh 12-byte IV). */
export async function sealMessage(subtle, key, plaintext, iv = globalThis.crypto.getRandomValues(new Uint8Array(12))) {
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, key, utf8.encode(plaintext));
  return { iv: toBase64(iv), ct: toBase64(ct) };
}

/** Opens the `data` of an `encrypted` frame; rejects when the key is wrong or the ciphertext was altered. */
export async function openMessage(subtle, key, data) {
  const plain = await subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(data.iv) }, key, fromBase64(data.ct));
  return fromUtf8.decode(plain);
}

export class SignalClient {
  /**
   * @param {object} options  url (or urls: endpoints of one cluster, tried in turn at each reconnect), token, ecdhInfo, autoJoinRooms, reconnect {enabled, interval, multiplier,
   *   maxInterval, maxRetries}, heartbeatInterval (ms), requireEncryption, WebSocket (constructor; defaults to
   *   the global one), crypto (defaults to globalThis.crypto).
   */
  constructor(options) {
    if (!options || !(options.url || options.urls?.length)) throw new TypeError('SignalClient needs options.url or options.urls');
    // Several endpoints (one per node): each reconnect moves on to the next, so the clients of a node that
    // died reach another node within the backoff. `url` is the one the next attempt uses.
    this.urls = options.urls?.length ? [...options.urls] : [options.url];
    this.urlIndex = 0;
    this.url = this.urls[0];
    this.token = options.token;
    this.ecdhInfo = options.ecdhInfo ?? DEFAULT_ECDH_INFO;
    this.reconnect = reconnectOptions(options.reconnect);
    this.heartbeatInterval = options.heartbeatInterval ?? HEARTBEAT_MS;
    this.requireEncryption = options.requireEncryption ?? true;
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.subtle = (options.crypto ?? globalThis.crypto).subtle;
    this.handlers = new Map();
    // Rooms to (re)join after every connect: autoJoinRooms plus those the server granted through joinRooms.
    this.rooms = new Set(options.autoJoinRooms ?? []);
    // Last stream position seen per room ({epoch, offset}); sent as `recover` on every reconnect.
    this.positions = new Map();
    this.pendingRoomRequests = [];
    this.socket = null;
    this.key = null;
    this.info = null;
    this.retries = 0;
    this.closedByUser = false;
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
    this.connectWaiter = null;
  }

  /** Registers a handler for an event name; returns a function that removes it. */
  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(handler);
    return () => this.handlers.get(event)?.delete(handler);
  }

  /** Opens the connection; resolves with the `connected` data, rejects if this first attempt fails. */
  connect() {
    if (this.info) return Promise.resolve(this.info);
    if (this.connectWaiter) return this.connectWaiter.promise;
    this.closedByUser = false;
    let resolve;
    let reject;
    const promise = new Promise((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    this.connectWaiter = { promise, resolve, reject };
    this.open();
    return promise;
  }

  get connected() {
    return this.info !== null;
  }

  /** The client id the server gave this connection (null while not connected). */
  get id() {
    return this.info?.id ?? null;
  }

  /** Sends one application event, encrypted under this connection's key. */
  async send(event, data) {
    if (!this.info) throw new Error('Cannot send — not connected');
    const message = JSON.stringify(data === undefined ? { event } : { event, data });
    if (!this.key) {
      if (this.requireEncryption) throw new Error('Cannot send — encryption not established');
      this.socket.send(message);
      return;
    }
    const socket = this.socket;
    const sealed = await sealMessage(this.subtle, this.key, message);
    socket.send(JSON.stringify({ event: 'encrypted', data: sealed }));
  }

  /** Joins rooms; resolves with the rooms the server granted (refused rooms arrive as `error` events). */
  joinRooms(rooms) {
    return this.roomRequest('join', rooms).then((granted) => {
      granted.forEach((room) => this.rooms.add(room));
      return granted;
    });
  }

  /** Leaves rooms; resolves with the rooms the client had been a member of. They are not re-joined. */
  leaveRooms(rooms) {
    rooms.forEach((room) => {
      this.rooms.delete(room);
      this.positions.delete(room);
    });
    return this.roomRequest('leave', rooms);
  }

  /** The token used by the next (re)connect; the current connection is unaffected. */
  updateToken(token) {
    this.token = token;
  }

  /** Closes the connection and stops reconnecting. */
  close() {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.socket) this.socket.close(1000);
    this.dropConnection();
    this.connectWaiter?.reject(new Error('closed'));
    this.connectWaiter = null;
  }

  /** The last {epoch, offset} seen per room, as sent in `recover`. */
  streamPositions() {
    return Object.fromEntries([...this.positions].map(([room, p]) => [room, { ...p }]));
  }

  roomRequest(kind, rooms) {
    if (!this.info) return Promise.reject(new Error(`Cannot ${kind} — not connected`));
    return new Promise((resolve, reject) => {
      this.pendingRoomRequests.push({ kind, resolve, reject });
      this.socket.send(JSON.stringify({ event: kind, data: { rooms } }));
    });
  }

  async open() {
    // A fresh key pair for every connection: a key never outlives its socket.
    let keyPair;
    try {
      keyPair = await this.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
    } catch (e) {
      this.failAttempt(e);
      return;
    }
    const clientPublicKey = toBase64(await this.subtle.exportKey('raw', keyPair.publicKey));
    const socket = new this.WebSocket(this.url);
    this.socket = socket;
    // Frames are handled one at a time in arrival order even though decryption is asynchronous.
    let chain = Promise.resolve();
    socket.onopen = () => {
      const data = { type: 'Bearer', token: this.token, clientPublicKey };
      if (this.positions.size > 0) data.recover = this.streamPositions();
      socket.send(JSON.stringify({ event: 'authenticate', data }));
    };
    socket.onmessage = (message) => {
      chain = chain.then(() => this.receive(socket, keyPair, String(message.data))).catch((e) => this.emit('error', {
        code: 'CLIENT_ERROR', message: e.message,
      }));
    };
    socket.onclose = (event) => {
      chain = chain.then(() => this.closed(socket, event.code, event.reason));
    };
    socket.onerror = () => {};
  }

  async receive(socket, keyPair, text) {
    if (socket !== this.socket) return;
    let frame = JSON.parse(text);
    if (frame.event === 'connected') {
      const { serverPublicKey, salt } = frame.data;
      if (serverPublicKey && salt) {
        this.key = await deriveSessionKey(this.subtle, keyPair.privateKey, serverPublicKey, salt, this.ecdhInfo);
      } else if (this.requireEncryption) {
        socket.close(1000, 'server without encryption');
        return;
      }
      this.info = frame.data;
      this.retries = 0;
      this.startHeartbeat();
      if (this.rooms.size > 0) {
        this.roomRequest('join', [...this.rooms]).catch(() => {});
      }
      this.connectWaiter?.resolve(frame.data);
      this.connectWaiter = null;
      this.emit('connected', frame.data);
      return;
    }
    if (frame.event === 'encrypted') {
      frame = JSON.parse(await openMessage(this.subtle, this.key, frame.data));
    }
    if ((frame.event === 'join' || frame.event === 'leave') && this.pendingRoomRequests[0]?.kind === frame.event) {
      this.pendingRoomRequests.shift().resolve(frame.data?.rooms ?? []);
    }
    const meta = {};
    if (typeof frame.room === 'string' && Number.isInteger(frame.offset)) {
      const last = this.positions.get(frame.room);
      // A replayed message may overlap one already seen: drop it by offset within the same epoch.
      if (last && last.epoch === frame.epoch && frame.offset <= last.offset) return;
      this.positions.set(frame.room, { epoch: frame.epoch, offset: frame.offset });
      Object.assign(meta, { room: frame.room, offset: frame.offset, epoch: frame.epoch });
    }
    this.emit(frame.event, frame.data, meta);
  }

  closed(socket, code, reason) {
    if (socket !== this.socket) return;
    const wasConnected = this.info !== null;
    this.dropConnection();
    this.socket = null;
    if (wasConnected) this.emit('disconnected', { code, reason });
    if (this.closedByUser) return;
    if (this.connectWaiter) {
      this.failAttempt(Object.assign(new Error(`connection closed before connected (${code})`), { code }));
      return;
    }
    this.scheduleReconnect();
  }

  failAttempt(error) {
    const waiter = this.connectWaiter;
    this.connectWaiter = null;
    if (waiter) {
      waiter.reject(error);
      return;
    }
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (!this.reconnect.enabled) return;
    if (this.retries >= this.reconnect.maxRetries) {
      this.emit('reconnect_failed', { attempts: this.retries });
      return;
    }
    this.retries++;
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    this.url = this.urls[this.urlIndex];
    const delay = reconnectDelay(this.reconnect, this.retries);
    this.emit('reconnecting', { attempt: this.retries, delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closedByUser) this.open();
    }, delay);
  }

  dropConnection() {
    this.key = null;
    this.info = null;
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    for (const pending of this.pendingRoomRequests.splice(0)) pending.reject(new Error('disconnected'));
  }

  startHeartbeat() {
    clearInterval(this.heartbeatTimer);
    const socket = this.socket;
    this.heartbeatTimer = setInterval(() => {
      if (socket.readyState === 1) socket.send('{"event":"heartbeat"}');
    }, this.heartbeatInterval);
  }

  emit(event, data, meta = {}) {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      try {
        handler(data, meta);
      } catch (e) {
        if (event !== 'error') this.emit('error', { code: 'HANDLER_ERROR', message: e.message });
      }
    }
  }
}
