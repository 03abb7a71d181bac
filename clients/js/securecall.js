// Switchboard SecureCall helper: drives an RTCPeerConnection through the signaling WebSocket.
// The server relays SDP and candidates as objects (RTCSessionDescriptionInit / RTCIceCandidateInit) and hands
// out TURN credentials in REGISTERED, INCOMING_CALL and TURN_CREDENTIALS, used here as iceServers.

/**
 * One registered signaling connection. call(targetId) and answering incoming calls give SecureCall sessions,
 * each with its RTCPeerConnection. Events: incoming ({callId, callerId, accept(), reject()}), error, close.
 */
export class SecureCallClient {
  /**
   * @param options {url, clientId, token? (JWT mode), WebSocket?, RTCPeerConnection?, rtcConfiguration?
   *   (merged into every RTCPeerConnection; iceServers from the server are used unless it sets its own)}
   */
  constructor(options) {
    this.url = options.url;
    this.clientId = options.clientId;
    this.token = options.token;
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.RTCPeerConnection = options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    this.rtcConfiguration = options.rtcConfiguration ?? {};
    this.iceServers = [];
    this.calls = new Map();
    this.handlers = new Map();
    this.waiters = [];
    this.socket = null;
  }

  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type)?.delete(handler);
  }

  /** Opens the socket and registers; resolves with the REGISTERED payload. */
  connect() {
    return new Promise((resolve, reject) => {
      const socket = new this.WebSocket(this.url);
      this.socket = socket;
      socket.onopen = () => {
        const payload = { clientId: this.clientId };
        if (this.token) payload.token = this.token;
        this.send('REGISTER', payload);
      };
      socket.onmessage = (event) => this.receive(JSON.parse(String(event.data)));
      socket.onerror = () => reject(new Error(`cannot open ${this.url}`));
      socket.onclose = (event) => {
        for (const call of [...this.calls.values()]) call.finish('disconnected');
        this.emit('close', { code: event.code });
      };
      this.expect('REGISTERED').then((payload) => {
        this.iceServers = payload.iceServers ?? [];
        resolve(payload);
      }, reject);
    });
  }

  /** Fresh TURN credentials (TURN_CREDENTIALS); updates the iceServers used by later calls. */
  async refreshTurnCredentials() {
    this.send('TURN_CREDENTIALS', {});
    const payload = await this.expect('TURN_CREDENTIALS');
    this.iceServers = payload.iceServers;
    return payload;
  }

  /**
   * Calls targetId. prepare(pc) runs before the offer is made: add tracks or create data channels there.
   * Resolves with the call once the callee accepted; rejects on CALL_REJECTED or an ERROR.
   */
  async call(targetId, prepare = () => {}) {
    const call = new SecureCall(this, null, targetId, this.iceServers);
    await prepare(call.pc);
    const offer = await call.pc.createOffer();
    await call.pc.setLocalDescription(offer);
    this.send('CALL_INITIATE', { targetId, sdpOffer: { type: offer.type, sdp: offer.sdp } });
    const initiated = await this.expect('CALL_INITIATED', (p) => p.targetId === targetId);
    call.bind(initiated.callId);
    await call.accepted;
    return call;
  }

  send(type, payload) {
    this.socket.send(JSON.stringify(payload === undefined ? { type } : { type, payload }));
  }

  close() {
    this.socket?.close(1000);
  }

  expect(type, match = () => true) {
    return new Promise((resolve, reject) => {
      this.waiters.push({ type, match, resolve, reject });
    });
  }

  receive(message) {
    const { type, payload = {} } = message;
    if (type === 'ERROR') {
      const waiter = this.waiters.shift();
      const error = Object.assign(new Error(payload.message ?? payload.code), { code: payload.code });
      if (waiter) waiter.reject(error);
      else this.emit('error', payload);
      return;
    }
    const index = this.waiters.findIndex((w) => w.type === type && w.match(payload));
    if (index >= 0) {
      this.waiters.splice(index, 1)[0].resolve(payload);
      return;
    }
    const call = this.calls.get(payload.callId);
    switch (type) {
      case 'INCOMING_CALL': {
        const incoming = new SecureCall(this, payload.callId, payload.callerId, payload.iceServers ?? this.iceServers);
        this.emit('incoming', {
          callId: payload.callId,
          callerId: payload.callerId,
          call: incoming,
          accept: (prepare) => incoming.answer(payload.sdpOffer, prepare),
          reject: () => incoming.reject(),
        });
        break;
      }
      case 'CALL_ACCEPTED':
        call?.remoteAnswer(payload.sdpAnswer);
        break;
      case 'CALL_REJECTED':
        call?.rejected();
        break;
      case 'ICE_CANDIDATE':
        call?.remoteCandidate(payload.candidate);
        break;
      case 'CALL_ENDED':
        call?.finish(payload.reason);
        break;
      default:
        this.emit(type, payload);
    }
  }

  emit(type, payload) {
    for (const handler of [...(this.handlers.get(type) ?? [])]) handler(payload);
  }
}

/** One call: pc is its RTCPeerConnection; ended resolves with the reason. */
export class SecureCall {
  constructor(client, callId, peerId, iceServers) {
    this.client = client;
    this.callId = null;
    this.peerId = peerId;
    this.pc = new client.RTCPeerConnection({ iceServers, ...client.rtcConfiguration });
    // Candidates gathered before the callId is known (caller side) wait here.
    this.outbox = [];
    // Remote candidates wait until the remote description is set.
    this.remoteReady = new Promise((resolve) => {
      this.remoteReadyResolve = resolve;
    });
    this.pc.onicecandidate = (event) => {
      if (!event.candidate) return;
      const candidate = event.candidate.toJSON();
      if (this.callId) client.send('ICE_CANDIDATE', { callId: this.callId, candidate });
      else this.outbox.push(candidate);
    };
    this.accepted = new Promise((resolve, reject) => {
      this.acceptedResolve = resolve;
      this.acceptedReject = reject;
    });
    this.accepted.catch(() => {});
    this.endedPromise = new Promise((resolve) => {
      this.endedResolve = resolve;
    });
    if (callId) this.bind(callId);
  }

  bind(callId) {
    this.callId = callId;
    this.client.calls.set(callId, this);
    for (const candidate of this.outbox.splice(0)) this.client.send('ICE_CANDIDATE', { callId, candidate });
  }

  async answer(sdpOffer, prepare = () => {}) {
    await prepare(this.pc);
    await this.pc.setRemoteDescription(typeof sdpOffer === 'string' ? { type: 'offer', sdp: sdpOffer } : sdpOffer);
    this.remoteReadyResolve();
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.client.send('CALL_ACCEPT', { callId: this.callId, sdpAnswer: { type: answer.type, sdp: answer.sdp } });
    this.acceptedResolve(this);
    return this;
  }

  reject() {
    this.client.send('CALL_REJECT', { callId: this.callId });
    this.finish('rejected');
  }

  async remoteAnswer(sdpAnswer) {
    await this.pc.setRemoteDescription(typeof sdpAnswer === 'string' ? { type: 'answer', sdp: sdpAnswer } : sdpAnswer);
    this.remoteReadyResolve();
    this.acceptedResolve(this);
  }

  async remoteCandidate(candidate) {
    const init = typeof candidate === 'string' ? { candidate, sdpMid: '0', sdpMLineIndex: 0 } : candidate;
    await this.remoteReady;
    if (this.pc.signalingState !== 'closed') await this.pc.addIceCandidate(init);
  }

  rejected() {
    this.acceptedReject(Object.assign(new Error('call rejected'), { code: 'CALL_REJECTED' }));
    this.finish('rejected');
  }

  /** Hangs up: tells the peer and closes the peer connection. */
  hangup() {
    if (this.callId) this.client.send('CALL_END', { callId: this.callId });
    this.finish('hangup');
  }

  get ended() {
    return this.endedPromise;
  }

  finish(reason) {
    if (this.finished) return;
    this.finished = true;
    if (this.callId) this.client.calls.delete(this.callId);
    this.acceptedReject(Object.assign(new Error(`call ended (${reason})`), { code: reason }));
    this.pc.close();
    this.endedResolve(reason);
  }
}
