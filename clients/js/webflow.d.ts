/** The parts of @stomp/stompjs's Client this helper uses. */
export interface StompClientLike {
  onConnect: (frame: any) => void;
  onStompError: (frame: { headers: Record<string, string> }) => void;
  subscribe(destination: string, callback: (message: { body: string }) => void): unknown;
  publish(params: { destination: string; body: string }): void;
  activate(): void;
  deactivate(): Promise<void> | void;
}

export interface AuthorizationNotice { webSocketId: string; authResult: string }

export interface AuthorizationFlow {
  client: StompClientLike;
  webSocketId: string;
  registration: { webSocketId: string };
  notifications: AuthorizationNotice[];
  waitForAuthorization(ms?: number): Promise<AuthorizationNotice>;
  close(): Promise<void> | void;
}

export declare const REGISTRATION_TOPIC: '/user/topic/registration';
export declare const AUTHORIZATION_TOPIC: '/user/topic/authorization';
export declare const REGISTRATION_DESTINATION: '/app/registration';

export declare function webSocketIdForOperation(operationId: string, crypto?: Crypto): Promise<string>;
export declare function startAuthorizationFlow(options: {
  webSocketId: string;
  /** @stomp/stompjs's Client class (with brokerURL), or `client`, a configured instance. */
  Client?: new (config: Record<string, unknown>) => StompClientLike;
  client?: StompClientLike;
  brokerURL?: string;
  stompConfig?: Record<string, unknown>;
  onAuthorization?: (notice: AuthorizationNotice) => void;
  connectTimeoutMs?: number;
}): Promise<AuthorizationFlow>;
