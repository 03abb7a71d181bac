import { fail, log, params } from '/pages/log.js';

// The SDK as the node serves it (management server, /sdk/), imported across origins.
const { SignalClient } = await import(params.get('sdk'));
log(`SDK loaded from ${params.get('sdk')}`);

const client = new SignalClient({
  url: params.get('url'),
  token: params.get('token'),
  ecdhInfo: params.get('ecdhInfo'),
  autoJoinRooms: ['ws-test-payment'],
});
client.on('error', (e) => fail(`${e.code}: ${e.message}`));
client.on('join', (data) => {
  window.testState.joined = data.rooms;
  log(`joined ${data.rooms.join(', ')}`);
});
client.on(params.get('topic'), (data, meta) => {
  window.testState.events.push({ data, meta });
  log(`decrypted ${params.get('topic')}: ${JSON.stringify(data)}`);
});
client.connect().then((info) => {
  window.testState.clientId = info.id;
  log(`connected as ${info.userId} (client ${info.id}), AES-256-GCM key derived with WebCrypto`);
}, fail);
