// Switchboard Web Flow helper: the registration / authorization flow over a caller-supplied @stomp/stompjs.
// No import of stompjs here: pass its Client class (or an already configured Client instance).

export const REGISTRATION_TOPIC = '/user/topic/registration';
export const AUTHORIZATION_TOPIC = '/user/topic/authorization';
export const REGISTRATION_DESTINATION = '/app/registration';

/** sha256 hex of an operationId: the webSocketId a page registers when the back end knows only the operationId. */
export async function webSocketIdForOperation(operationId, crypto = globalThis.crypto) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(operationId));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Connects, subscribes to both user topics, registers webSocketId and calls onAuthorization for every
 * notification. Resolves (once registered) with {client, webSocketId, registration, waitForAuthorization(ms),
 * close()}.
 * @param options {Client (stompjs Client class) | client (instance), brokerURL, webSocketId, onAuthorization,
 *   connectTimeoutMs, stompConfig (extra stompjs options, e.g. webSocketFactory or heartbeats)}
 */
export function startAuthorizationFlow(options) {
  const { webSocketId, onAuthorization = () => {}, connectTimeoutMs = 10000 } = options;
  if (!webSocketId) throw new TypeError('webSocketId is required');
  const client = options.client ?? new options.Client({
    brokerURL: options.brokerURL,
    reconnectDelay: 5000,
    ...options.stompConfig,
  });
  const notifications = [];
  const waiters = [];
  const deliver = (notification) => {
    notifications.push(notification);
    onAuthorization(notification);
    for (const waiter of waiters.splice(0)) waiter(notification);
  };

  return new Promise((resolve, reject) => {
    let registered = false;
    const timer = setTimeout(() => {
      client.deactivate();
      reject(new Error(`not registered within ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    client.onConnect = () => {
      // Subscribed before the SEND, so the reply and a held notification cannot be missed; re-done on reconnect.
      client.subscribe(REGISTRATION_TOPIC, (message) => {
        const body = JSON.parse(message.body);
        if (body.webSocketId !== webSocketId || registered) return;
        registered = true;
        clearTimeout(timer);
        resolve({
          client,
          webSocketId,
          registration: body,
          notifications,
          waitForAuthorization(ms = 60000) {
            if (notifications.length > 0) return Promise.resolve(notifications[notifications.length - 1]);
            return new Promise((ok, fail) => {
              const t = setTimeout(() => fail(new Error(`no authorization within ${ms} ms`)), ms);
              waiters.push((n) => {
                clearTimeout(t);
                ok(n);
              });
            });
          },
          close: () => client.deactivate(),
        });
      });
      client.subscribe(AUTHORIZATION_TOPIC, (message) => {
        const body = JSON.parse(message.body);
        if (body.webSocketId === webSocketId) deliver(body);
      });
      client.publish({ destination: REGISTRATION_DESTINATION, body: JSON.stringify({ webSocketId }) });
    };
    client.onStompError = (frame) => {
      if (registered) return;
      clearTimeout(timer);
      client.deactivate();
      reject(new Error(`STOMP ERROR: ${frame.headers.message}`));
    };
    client.activate();
  });
}
