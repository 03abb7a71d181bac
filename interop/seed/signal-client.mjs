// The Signal browser client of the client integration guide, written from that guide alone: WebCrypto
// (crypto.subtle) and the standard WebSocket API, nothing Switchboard-specific. Node 20 has both
// (globalThis.crypto; WebSocket comes from the ws package, which implements the browser API).
//
// On the wire it sends exactly what the guide shows:
//   {event: "authenticate", data: {type: "Bearer", token, clientPublicKey}}   (plaintext, right in onopen)
//   {event: "encrypted", data: {iv, ct}}                                      (every application event)
//   {event: "heartbeat"}                                                      (plaintext, every 30 s)
//   {event: "join" | "leave", data: {rooms: [...]}}                           (plaintext)
// and it expects {event: "connected", data: {id, userId, time, serverPublicKey, salt}}, then encrypted
// frames whose plaintext is {event, data}. The guide names join/leave and joinRooms(rooms) but does not spell
// out the field that carries the rooms; `rooms` is the one assumption made here.
import WebSocket from 'ws';

const subtle = globalThis.crypto.subtle;
const toBase64 = (bytes) => Buffer.from(bytes).toString('base64');
const fromBase64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));
const PLAINTEXT_EVENTS = new Set(['authenticate', 'connected', 'error', 'heartbeat', 'join', 'leave']);
const silent = { info() {}, warn() {}, error() {}, debug() {} };

export class EncryptedWebSocketClient {
  /**
   * @param options url, ecdhInfo, token, autoJoinRooms, heartbeatInterval (30000), reconnect (true),
   *   reconnectInterval (3000), backoffMultiplier (1.5), maxReconnectInterval (30000), maxRetries (5), logger
   */
  constructor(options) {
    this.options = {
      autoJoinRooms: [],
      heartbeatInterval: 30000,
      reconnect: true,
      reconnectInterval: 3000,
      backoffMultiplier: 1.5,
      maxReconnectInterval: 30000,
      maxRetries: 5,
      logger: silent,
      ...options,
    };
    this.handlers = new Map();
    this.state = 'disconnected';
    this.retryCount = 0;
    this.closedByUser = false;
    this.ws = null;
    this.aesKey = null;
    this.ecdhKeyPair = null;
    this.heartbeatTimer = null;
  }

  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(handler);
  }

  emit(event, data) {
    for (const handler of this.handlers.get(event) ?? []) handler(data);
  }

  isConnected() {
    return this.state === 'authenticated';
  }

  updateToken(token) {
    this.options.token = token;
  }

  /** Opens the socket; the 'connected' event (and the 'authenticated' state) follows the handshake. */
  async connect() {
    this.closedByUser = false;
    this.ecdhKeyPair = await this.generateECDHKeyPair();
    const publicKeyB64 = toBase64(await subtle.exportKey('raw', this.ecdhKeyPair.publicKey));
    this.state = 'connecting';
    const ws = new WebSocket(this.options.url);
    this.ws = ws;
    ws.onopen = () => {
      this.state = 'authenticating';
      this.sendRaw({ event: 'authenticate', data: { type: 'Bearer', token: this.options.token, clientPublicKey: publicKeyB64 } });
    };
    let incoming = Promise.resolve();
    ws.onmessage = (message) => {
      incoming = incoming.then(() => this.handleMessage(message.data)).catch((e) => {
        this.options.logger.error('message handling failed', e.message);
        this.emit('client_error', e);
      });
    };
    ws.onerror = () => {};
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      incoming.then(() => this.handleClose(event.code));
    };
  }

  async generateECDHKeyPair() {
    return subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  }

  async deriveAESKey(serverPublicKeyB64, saltB64) {
    const serverPublicKey = await subtle.importKey('raw', fromBase64(serverPublicKeyB64),
      { name: 'ECDH', namedCurve: 'P-256' }, false, []);
    const sharedSecret = await subtle.deriveBits({ name: 'ECDH', public: serverPublicKey }, this.ecdhKeyPair.privateKey, 256);
    const hkdfKey = await subtle.importKey('raw', sharedSecret, 'HKDF', false, ['deriveKey']);
    return subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: fromBase64(saltB64), info: new TextEncoder().encode(this.options.ecdhInfo) },
      hkdfKey, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  }

  async handleMessage(text) {
    const message = JSON.parse(text);
    if (message.event === 'connected') {
      const { serverPublicKey, salt } = message.data;
      if (!serverPublicKey || !salt) throw new Error('connected without serverPublicKey/salt: encryption not established');
      this.aesKey = await this.deriveAESKey(serverPublicKey, salt);
      this.state = 'authenticated';
      this.retryCount = 0;
      this.startHeartbeat();
      this.emit('connected', message.data);
      if (this.options.autoJoinRooms.length) this.joinRooms(this.options.autoJoinRooms);
      return;
    }
    if (message.event === 'encrypted') {
      const { iv, ct } = message.data;
      const plain = await subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv) }, this.aesKey, fromBase64(ct));
      const inner = JSON.parse(new TextDecoder().decode(plain));
      this.emit(inner.event, inner.data);
      return;
    }
    this.emit(message.event, message.data);
  }

  handleClose(code) {
    this.cleanup();
    this.emit('disconnected', code);
    if (this.closedByUser || !this.options.reconnect) return;
    this.retryCount++;
    if (this.retryCount > this.options.maxRetries) {
      this.emit('reconnect_failed');
      return;
    }
    const delay = Math.min(
      this.options.reconnectInterval * this.options.backoffMultiplier ** (this.retryCount - 1),
      this.options.maxReconnectInterval);
    setTimeout(() => this.connect(), delay);
  }

  /** Drops every piece of key material of this connection: a reconnect starts from a new key pair. */
  cleanup() {
    this.aesKey = null;
    this.ecdhKeyPair = null;
    this.state = 'disconnected';
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  startHeartbeat() {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => this.sendRaw({ event: 'heartbeat' }), this.options.heartbeatInterval);
  }

  sendRaw(message) {
    this.ws.send(JSON.stringify(message));
  }

  /** Sends an application event inside an encrypted frame. */
  async send(event, data) {
    if (!this.isConnected() || !this.aesKey) throw new Error('Cannot send — encryption not established');
    if (PLAINTEXT_EVENTS.has(event)) {
      this.sendRaw(data === undefined ? { event } : { event, data });
      return;
    }
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, this.aesKey, new TextEncoder().encode(JSON.stringify({ event, data })));
    this.sendRaw({ event: 'encrypted', data: { iv: toBase64(iv), ct: toBase64(ct) } });
  }

  joinRooms(rooms) {
    this.sendRaw({ event: 'join', data: { rooms } });
  }

  leaveRooms(rooms) {
    this.sendRaw({ event: 'leave', data: { rooms } });
  }

  disconnect() {
    this.closedByUser = true;
    if (this.ws) this.ws.close(1000);
  }
}
