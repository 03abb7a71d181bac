package switchboard.securecall.impl;

/** One call a connection is a party to, with where the other party sits. Confined to the event loop. */
public final class CallLeg {

  final String callId;
  final String peerId;
  final String peerNode;
  long ringTimer = -1;

  CallLeg(String callId, String peerId, String peerNode) {
    this.callId = callId;
    this.peerId = peerId;
    this.peerNode = peerNode;
  }
}
