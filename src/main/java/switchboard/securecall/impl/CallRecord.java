package switchboard.securecall.impl;

import io.vertx.core.json.JsonObject;

/**
 * One call as the cluster-wide call table holds it. The nodes of both parties are fixed for the call's
 * life: a party that disconnects ends the call, so a reconnect elsewhere never inherits it.
 *
 * @param createdAt epoch milliseconds of CALL_INITIATE
 */
public record CallRecord(String callId, String callerId, String calleeId, String callerNode, String calleeNode,
                         State state, long createdAt) {

  /** ringing → active → (removed); ringing → (removed) on reject, cancel, timeout or disconnect. */
  public enum State { RINGING, ACTIVE }

  public boolean isParticipant(String clientId) {
    return callerId.equals(clientId) || calleeId.equals(clientId);
  }

  public String peerOf(String clientId) {
    return callerId.equals(clientId) ? calleeId : callerId;
  }

  public String peerNodeOf(String clientId) {
    return callerId.equals(clientId) ? calleeNode : callerNode;
  }

  public CallRecord activated() {
    return new CallRecord(callId, callerId, calleeId, callerNode, calleeNode, State.ACTIVE, createdAt);
  }

  /** Always the same members in the same order, so compare-and-set on the stored form works. */
  public JsonObject toJson() {
    return new JsonObject().put("callId", callId).put("callerId", callerId).put("calleeId", calleeId)
        .put("callerNode", callerNode).put("calleeNode", calleeNode).put("state", state.name())
        .put("createdAt", createdAt);
  }

  public static CallRecord fromJson(JsonObject json) {
    return new CallRecord(json.getString("callId"), json.getString("callerId"), json.getString("calleeId"),
        json.getString("callerNode"), json.getString("calleeNode"), State.valueOf(json.getString("state")),
        json.getLong("createdAt"));
  }
}
