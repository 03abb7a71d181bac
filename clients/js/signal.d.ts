export interface ReconnectOptions {
  /** Reconnect after a close the application did not ask for (default true). */
  enabled?: boolean;
  /** Delay of the first attempt in ms (default 3000). */
  interval?: number;
  /** Growth per attempt (default 1.5). */
  multiplier?: number;
  /** Upper bound of the delay in ms (default 30000). */
  maxInterval?: number;
  /** Consecutive failed attempts before `reconnect_failed` (default 5). */
  maxRetries?: number;
}

export interface SignalClientOptions {
  /** The server endpoint; required unless `urls` is given. */
  url?: string;
  /** Endpoints of one cluster (e.g. one per node): the first is used, and each reconnect moves on to the next. */
  urls?: string[];
  token: string;
  /** HKDF info string; must equal the server's signal.ecdhInfo (default "nx-signal-ws-v1"). */
  ecdhInfo?: string;
  /** Rooms joined after every (re)connect, in addition to the server's auto-joined rooms. */
  autoJoinRooms?: string[];
  reconnect?: ReconnectOptions;
  /** Heartbeat period in ms (default 30000). */
  heartbeatInterval?: number;
  /** Refuse a server that offers no encryption (default true). */
  requireEncryption?: boolean;
  /** WebSocket constructor (default globalThis.WebSocket; pass `ws` on Node 20). */
  WebSocket?: { new (url: string): WebSocket };
  /** WebCrypto implementation (default globalThis.crypto). */
  crypto?: Crypto;
}

export interface ConnectedData {
  id: string;
  userId: string;
  serverPublicKey?: string;
  salt?: string;
  time: string;
}

/** Stream position of a room delivery, present when the server numbers room messages (resume). */
export interface DeliveryMeta {
  room?: string;
  offset?: number;
  epoch?: string;
}

export interface StreamPosition {
  epoch: string;
  offset: number;
}

export type Handler = (data: any, meta: DeliveryMeta) => void;

export declare class SignalClient {
  constructor(options: SignalClientOptions);
  readonly connected: boolean;
  readonly id: string | null;
  connect(): Promise<ConnectedData>;
  on(event: 'connected', handler: (data: ConnectedData) => void): () => void;
  on(event: 'disconnected', handler: (data: { code: number; reason: string }) => void): () => void;
  on(event: 'reconnecting', handler: (data: { attempt: number; delay: number }) => void): () => void;
  on(event: 'reconnect_failed', handler: (data: { attempts: number }) => void): () => void;
  on(event: 'error', handler: (data: { code: string; message: string }) => void): () => void;
  on(event: string, handler: Handler): () => void;
  send(event: string, data?: unknown): Promise<void>;
  joinRooms(rooms: string[]): Promise<string[]>;
  leaveRooms(rooms: string[]): Promise<string[]>;
  updateToken(token: string): void;
  close(): void;
  streamPositions(): Record<string, StreamPosition>;
}

export declare function reconnectDelay(reconnect: ReconnectOptions, attempt: number): number;
export declare function deriveSessionKey(subtle: SubtleCrypto, privateKey: CryptoKey, serverPublicKeyBase64: string,
  saltBase64: string, ecdhInfo: string): Promise<CryptoKey>;
export declare function sealMessage(subtle: SubtleCrypto, key: CryptoKey, plaintext: string, iv?: Uint8Array):
  Promise<{ iv: string; ct: string }>;
export declare function openMessage(subtle: SubtleCrypto, key: CryptoKey, data: { iv: string; ct: string }): Promise<string>;
export declare function toBase64(bytes: ArrayBuffer | Uint8Array): string;
export declare function fromBase64(text: string): Uint8Array;
