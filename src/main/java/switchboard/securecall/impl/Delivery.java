package switchboard.securecall.impl;

import io.vertx.core.json.JsonObject;

/**
 * A frame for one client on whichever node holds it (carried in {@link switchboard.bus.NodeMessage.ToClient}),
 * with what the delivery does to the recipient's call legs. Frames that belong to a call reach only a
 * connection that is still a party to it, so nothing of a finished call leaks into a later session.
 *
 * @param frame    the wire frame, sent as is
 * @param effect   what happens to the recipient's leg of {@code callId}
 * @param callId   the call, or null for {@link Effect#NONE}
 * @param peerId   for {@link Effect#OPEN}: the other party
 * @param peerNode for {@link Effect#OPEN}: the node of the other party
 */
public record Delivery(JsonObject frame, Effect effect, String callId, String peerId, String peerNode) {

  public enum Effect {
    /** Deliver unconditionally. */
    NONE,
    /** The recipient becomes a party (INCOMING_CALL). */
    OPEN,
    /** Deliver only to a party (ICE_CANDIDATE). */
    KEEP,
    /** Deliver only to a party, and stop its ring timer (CALL_ACCEPTED). */
    ANSWERED,
    /** Deliver only to a party, which then is one no longer (CALL_REJECTED, CALL_ENDED). */
    CLOSE
  }

  public static Delivery of(JsonObject frame, Effect effect, String callId) {
    return new Delivery(frame, effect, callId, null, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("frame", frame).put("effect", effect.name());
    if (callId != null) {
      json.put("callId", callId);
    }
    if (peerId != null) {
      json.put("peerId", peerId).put("peerNode", peerNode);
    }
    return json;
  }

  public static Delivery fromJson(JsonObject json) {
    return new Delivery(json.getJsonObject("frame"), Effect.valueOf(json.getString("effect")),
        json.getString("callId"), json.getString("peerId"), json.getString("peerNode"));
  }
}
