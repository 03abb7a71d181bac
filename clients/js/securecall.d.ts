export interface IncomingCall {
  callId: string;
  callerId: string;
  call: SecureCall;
  /** Answers; prepare runs before the answer is made (add tracks, set ondatachannel). */
  accept(prepare?: (pc: RTCPeerConnection) => void | Promise<void>): Promise<SecureCall>;
  reject(): void;
}

export declare class SecureCallClient {
  constructor(options: {
    url: string;
    clientId: string;
    token?: string;
    WebSocket?: { new (url: string): WebSocket };
    RTCPeerConnection?: { new (config?: RTCConfiguration): RTCPeerConnection };
    rtcConfiguration?: RTCConfiguration;
  });
  readonly clientId: string;
  /** The iceServers (STUN/TURN with credentials) of the last REGISTERED or TURN_CREDENTIALS. */
  iceServers: RTCIceServer[];
  connect(): Promise<{ clientId: string; iceServers: RTCIceServer[] }>;
  refreshTurnCredentials(): Promise<{ iceServers: RTCIceServer[]; ttlSeconds: number }>;
  call(targetId: string, prepare?: (pc: RTCPeerConnection) => void | Promise<void>): Promise<SecureCall>;
  on(type: 'incoming', handler: (call: IncomingCall) => void): () => void;
  on(type: 'error', handler: (error: { code: string; message: string }) => void): () => void;
  on(type: 'close', handler: (event: { code: number }) => void): () => void;
  on(type: string, handler: (payload: any) => void): () => void;
  send(type: string, payload?: unknown): void;
  close(): void;
}

export declare class SecureCall {
  readonly callId: string | null;
  readonly peerId: string;
  readonly pc: RTCPeerConnection;
  /** Resolves once the callee accepted (caller side) or the answer was sent (callee side). */
  readonly accepted: Promise<SecureCall>;
  /** Resolves with the reason: hangup, rejected, timeout, disconnected. */
  readonly ended: Promise<string>;
  hangup(): void;
  reject(): void;
}
