package switchboard.signal.client;

import io.vertx.core.json.JsonObject;
import switchboard.signal.crypto.EcdhKeyPair;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.InvalidPublicKeyException;
import switchboard.signal.crypto.SessionCipher;

import java.util.Base64;
import java.util.Objects;

/**
 * The client side of one Signal handshake, independent of any WebSocket library so a load generator can
 * drive it over its own sockets: a fresh P-256 key pair, the {@code authenticate} frame, then the session
 * cipher from the server's {@code connected} data. One instance per connection attempt; the private key
 * is dropped once the cipher exists.
 */
public final class ClientHandshake {

  private final HandshakeCrypto crypto;
  private EcdhKeyPair keyPair;

  public ClientHandshake(HandshakeCrypto crypto) {
    this.crypto = Objects.requireNonNull(crypto, "crypto");
    this.keyPair = crypto.generateKeyPair();
  }

  /** The client's public key as sent: raw point, base64. */
  public String publicKeyBase64() {
    return keyPair.publicKeyBase64();
  }

  /** {@code {"event":"authenticate","data":{"type":"Bearer","token","clientPublicKey"}}}. */
  public String authenticateFrame(String token) {
    return authenticateFrame(token, null);
  }

  /**
   * The authenticate frame with a resume request {@code {"<room>": {"epoch", "offset"}}}, or without one
   * when {@code recover} is null or empty.
   */
  public String authenticateFrame(String token, JsonObject recover) {
    JsonObject data = new JsonObject()
        .put("type", "Bearer").put("token", token).put("clientPublicKey", keyPair.publicKeyBase64());
    if (recover != null && !recover.isEmpty()) {
      data.put("recover", recover);
    }
    return new JsonObject().put("event", "authenticate").put("data", data).encode();
  }

  /**
   * Derives the session cipher from the {@code data} of the server's {@code connected} event.
   *
   * @throws HandshakeException when serverPublicKey or salt is missing or invalid
   */
  public SessionCipher complete(JsonObject connectedData, String ecdhInfo) throws HandshakeException {
    if (keyPair == null) {
      throw new HandshakeException("handshake already completed");
    }
    if (!(connectedData.getValue("serverPublicKey") instanceof String serverKey)
        || !(connectedData.getValue("salt") instanceof String saltB64)) {
      throw new HandshakeException("connected carries no serverPublicKey/salt: the server does not encrypt");
    }
    byte[] salt;
    try {
      salt = Base64.getDecoder().decode(saltB64);
    } catch (IllegalArgumentException e) {
      throw new HandshakeException("salt is not base64");
    }
    try {
      SessionCipher cipher = crypto.session(keyPair, HandshakeCrypto.parsePublicKey(serverKey), salt, ecdhInfo);
      keyPair = null;
      return cipher;
    } catch (InvalidPublicKeyException e) {
      throw new HandshakeException("serverPublicKey: " + e.getMessage());
    }
  }

  /** The server's connected event could not complete the handshake. */
  public static final class HandshakeException extends Exception {
    public HandshakeException(String message) {
      super(message, null, false, false);
    }
  }
}
