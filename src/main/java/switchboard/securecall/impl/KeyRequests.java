package switchboard.securecall.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import switchboard.securecall.SecureCallProtocol.ErrorCode;
import switchboard.securecall.SecureCallSession;
import switchboard.ws.WsConnection;

import java.util.Objects;

import static switchboard.securecall.SecureCallProtocol.CLIENT_ID_RULE;
import static switchboard.securecall.SecureCallProtocol.PKD_RESULT;
import static switchboard.securecall.SecureCallProtocol.frame;
import static switchboard.securecall.SecureCallProtocol.id;
import static switchboard.securecall.SecureCallProtocol.string;

/** PKD_REGISTER and PKD_LOOKUP against the public-key directory. Keys are stored and relayed, never logged. */
public final class KeyRequests {

  private final KeyDirectory keys;
  private final int maxPublicKeyChars;
  private final ErrorReplies errors;

  public KeyRequests(KeyDirectory keys, int maxPublicKeyChars, ErrorReplies errors) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.maxPublicKeyChars = maxPublicKeyChars;
    this.errors = Objects.requireNonNull(errors, "errors");
  }

  public Future<Void> register(WsConnection c, SecureCallSession s, JsonObject payload) {
    String clientId = string(payload, "clientId");
    if (clientId == null || !clientId.equals(s.clientId())) {
      return errors.reply(c, ErrorCode.INVALID_CLIENT_ID, "a key may only be registered for your own clientId");
    }
    String publicKey = string(payload, "publicKey");
    if (publicKey == null || publicKey.length() > maxPublicKeyChars) {
      return errors.reply(c, ErrorCode.INVALID_MESSAGE,
          "publicKey must be a non-empty string of at most " + maxPublicKeyChars + " characters");
    }
    return keys.register(clientId, publicKey).onSuccess(v -> c.send(result(clientId, publicKey)));
  }

  public Future<Void> lookup(WsConnection c, JsonObject payload) {
    String clientId = id(payload, "clientId");
    if (clientId == null) {
      return errors.reply(c, ErrorCode.INVALID_CLIENT_ID, "clientId " + CLIENT_ID_RULE);
    }
    return keys.lookup(clientId).compose(publicKey -> {
      if (publicKey == null) {
        return errors.reply(c, ErrorCode.KEY_NOT_FOUND, "no key registered for this clientId");
      }
      c.send(result(clientId, publicKey));
      return Future.succeededFuture();
    });
  }

  private static String result(String clientId, String publicKey) {
    return frame(PKD_RESULT, new JsonObject().put("clientId", clientId).put("publicKey", publicKey)).encode();
  }
}
