import { Client } from '/vendor/stompjs/index.js';
import { startAuthorizationFlow } from '/sdk/webflow.js';
import { fail, log, params } from '/pages/log.js';

startAuthorizationFlow({
  Client,
  brokerURL: params.get('url'),
  webSocketId: params.get('webSocketId'),
  onAuthorization: (notification) => {
    window.testState.events.push(notification);
    log(`authorization: ${JSON.stringify(notification)}`);
  },
}).then((flow) => {
  window.testState.registered = flow.registration.webSocketId;
  log(`STOMP ${flow.client.connectedVersion} connected, registered ${flow.registration.webSocketId}`);
}, fail);
