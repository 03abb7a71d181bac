package switchboard.securecall.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import switchboard.securecall.SecureCallProtocol.ErrorCode;
import switchboard.securecall.SecureCallSession;
import switchboard.ws.WsConnection;

import java.security.SecureRandom;
import java.util.Objects;

import static switchboard.securecall.SecureCallProtocol.CLIENT_ID_RULE;
import static switchboard.securecall.SecureCallProtocol.PKD_CHALLENGE;
import static switchboard.securecall.SecureCallProtocol.PKD_RESULT;
import static switchboard.securecall.SecureCallProtocol.frame;
import static switchboard.securecall.SecureCallProtocol.id;
import static switchboard.securecall.SecureCallProtocol.string;

/**
 * PKD_REGISTER and PKD_LOOKUP against the public-key directory. Keys are stored and relayed, never logged.
 *
 * <p>Trust on first use: the first key stored for a clientId is taken as it comes. After that only a
 * connection whose registration a token proved, or one that signs a fresh server challenge with the stored
 * key, replaces it; so whoever merely holds a free clientId cannot swap a user's key for their own.
 */
public final class KeyRequests {

  private final SecureRandom random = new SecureRandom();
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
    return keys.lookup(clientId).compose(stored -> {
      if (stored == null || stored.equals(publicKey) || s.tokenProven()) {
        return store(c, clientId, publicKey);
      }
      Object signature = payload.getValue("signature");
      if (signature == null) {
        KeyChallenge challenge = KeyChallenge.issue(random, publicKey, System.currentTimeMillis());
        s.keyChallenge(challenge);
        c.send(frame(PKD_CHALLENGE, new JsonObject().put("clientId", clientId).put("nonce", challenge.nonce()))
            .encode());
        return Future.succeededFuture();
      }
      KeyChallenge challenge = s.keyChallenge();
      // One answer per challenge, right or wrong, so a signature cannot be guessed at.
      s.keyChallenge(null);
      if (challenge == null || challenge.expired(System.currentTimeMillis())) {
        return errors.reply(c, ErrorCode.INVALID_SIGNATURE, "no open challenge; send PKD_REGISTER without a signature");
      }
      if (!challenge.publicKey().equals(publicKey) || !(signature instanceof String sig)
          || !KeySignatures.verifies(stored, challenge.nonce(), sig)) {
        return errors.reply(c, ErrorCode.INVALID_SIGNATURE,
            "signature must be the stored key's signature over the challenge nonce");
      }
      return store(c, clientId, publicKey);
    });
  }

  private Future<Void> store(WsConnection c, String clientId, String publicKey) {
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
