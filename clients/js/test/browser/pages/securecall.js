import { SecureCallClient } from '/sdk/securecall.js';
import { fail, log, params } from '/pages/log.js';

const state = window.testState;
const client = new SecureCallClient({ url: params.get('url'), clientId: params.get('clientId') });

function watch(pc) {
  pc.addEventListener('iceconnectionstatechange', () => log(`ICE ${pc.iceConnectionState}`));
  pc.addEventListener('icecandidate', (e) => {
    if (e.candidate) state.localCandidates = (state.localCandidates ?? 0) + 1;
  });
}

function useChannel(channel) {
  channel.onopen = () => {
    state.channelOpen = true;
    log(`data channel "${channel.label}" open`);
    if (params.get('role') === 'caller') channel.send(`ping from ${client.clientId}`);
  };
  channel.onmessage = (event) => {
    state.events.push(event.data);
    log(`received over the data channel: ${event.data}`);
    if (params.get('role') === 'callee') channel.send(`echo: ${event.data}`);
  };
}

client.on('incoming', ({ callerId, accept }) => {
  log(`incoming call from ${callerId}`);
  accept((pc) => {
    watch(pc);
    pc.ondatachannel = (event) => useChannel(event.channel);
  }).catch(fail);
});

client.connect().then(async (registered) => {
  state.registered = true;
  state.iceServers = registered.iceServers;
  log(`registered ${registered.clientId}; TURN: ${registered.iceServers.map((s) => [].concat(s.urls).join(' ')).join(', ')}`);
  if (params.get('role') === 'caller') {
    const call = await client.call(params.get('target'), (pc) => {
      watch(pc);
      useChannel(pc.createDataChannel('switchboard'));
    });
    state.callId = call.callId;
    log(`call ${call.callId} accepted`);
  }
}).catch(fail);
