package switchboard.webflow.impl;

import io.vertx.core.json.JsonObject;

/**
 * One authorization event for a registered page: {@code {webSocketId | operationId, authResult}} as other
 * services send it, resolved to the webSocketId it is for. Delivered as {@code {"webSocketId","authResult"}}.
 */
public record AuthorizationNotice(String webSocketId, String authResult) {

  /** Longest authResult accepted ("CONFIRMED", "CANCELED", "FAILED", ...). */
  static final int MAX_AUTH_RESULT = 256;

  /**
   * Reads a request body; throws {@link IllegalArgumentException} with a message for the caller when a field
   * is missing, has the wrong type or is out of bounds. With both ids, they must agree.
   */
  public static AuthorizationNotice parse(JsonObject body) {
    if (body == null) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    Object authResult = body.getValue("authResult");
    if (!(authResult instanceof String result) || result.isEmpty() || result.length() > MAX_AUTH_RESULT) {
      throw new IllegalArgumentException("authResult must be a non-empty string of at most " + MAX_AUTH_RESULT
          + " characters");
    }
    Object webSocketId = body.getValue("webSocketId");
    Object operationId = body.getValue("operationId");
    String fromOperation = null;
    if (operationId != null) {
      if (!(operationId instanceof String op) || op.isEmpty() || op.length() > 1024) {
        throw new IllegalArgumentException("operationId must be a non-empty string of at most 1024 characters");
      }
      fromOperation = WebSocketIds.fromOperationId(op);
    }
    if (webSocketId != null) {
      if (!(webSocketId instanceof String id) || !WebSocketIds.isValid(id)) {
        throw new IllegalArgumentException("webSocketId must be 1-128 characters of [A-Za-z0-9._:+/=-]");
      }
      if (fromOperation != null && !fromOperation.equals(id)) {
        throw new IllegalArgumentException("webSocketId does not match operationId");
      }
      return new AuthorizationNotice(id, result);
    }
    if (fromOperation == null) {
      throw new IllegalArgumentException("webSocketId or operationId is required");
    }
    return new AuthorizationNotice(fromOperation, result);
  }

  /** The body delivered on the authorization topic, and kept while held. */
  public JsonObject toJson() {
    return new JsonObject().put("webSocketId", webSocketId).put("authResult", authResult);
  }

  public static AuthorizationNotice fromJson(JsonObject json) {
    return new AuthorizationNotice(json.getString("webSocketId"), json.getString("authResult"));
  }
}
