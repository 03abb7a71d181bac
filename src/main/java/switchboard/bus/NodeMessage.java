package switchboard.bus;

import io.vertx.core.json.JsonObject;

/**
 * The closed set of messages one node sends another to reach sockets it holds. Encoded as JSON on the
 * event bus (one codec: {@link #toJson()} / {@link #fromJson(JsonObject)}); each names its target in the
 * service's own terms (a connection id, a client id, a room).
 */
public sealed interface NodeMessage {

  /** A frame for one client. */
  record ToClient(String clientId, JsonObject frame) implements NodeMessage {
    public JsonObject toJson() {
      return new JsonObject().put("kind", "client").put("target", clientId).put("frame", frame);
    }
  }

  /** A frame for the local members of a room. */
  record ToRoom(String room, JsonObject frame) implements NodeMessage {
    public JsonObject toJson() {
      return new JsonObject().put("kind", "room").put("target", room).put("frame", frame);
    }
  }

  /** A frame for every local client. */
  record ToAll(JsonObject frame) implements NodeMessage {
    public JsonObject toJson() {
      return new JsonObject().put("kind", "all").put("frame", frame);
    }
  }

  /** Close one client's socket with a code. */
  record Disconnect(String clientId, int code, String reason) implements NodeMessage {
    public JsonObject toJson() {
      return new JsonObject().put("kind", "disconnect").put("target", clientId).put("code", code).put("reason", reason);
    }
  }

  JsonObject toJson();

  /** The one client a message is for; null when it is for a room or everyone. */
  static String clientOf(NodeMessage message) {
    if (message instanceof ToClient m) {
      return m.clientId();
    }
    if (message instanceof Disconnect m) {
      return m.clientId();
    }
    return null;
  }

  static NodeMessage fromJson(JsonObject json) {
    String kind = json.getString("kind", "");
    return switch (kind) {
      case "client" -> new ToClient(json.getString("target"), json.getJsonObject("frame"));
      case "room" -> new ToRoom(json.getString("target"), json.getJsonObject("frame"));
      case "all" -> new ToAll(json.getJsonObject("frame"));
      case "disconnect" -> new Disconnect(json.getString("target"), json.getInteger("code"), json.getString("reason"));
      default -> throw new IllegalArgumentException("unknown node message kind: " + kind);
    };
  }
}
