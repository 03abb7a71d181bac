package switchboard.securecall.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.securecall.TurnConfig;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;

/**
 * Time-limited TURN credentials by coturn's REST-API scheme ({@code use-auth-secret}): the username is
 * {@code "<expiry unix seconds>:<clientId>"}, the credential {@code base64(HMAC-SHA1(secret, username))},
 * both over UTF-8 bytes. coturn recomputes the HMAC with its {@code static-auth-secret} and refuses the
 * username once the expiry has passed, so nothing is shared between this server and coturn but the secret.
 */
public final class TurnCredentials {

  private final TurnConfig config;
  private final SecretKeySpec key;

  public TurnCredentials(TurnConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.key = new SecretKeySpec(config.signingSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA1");
  }

  /** {@code "<expiry>:<userId>"}. */
  public static String username(long expiryEpochSeconds, String userId) {
    return expiryEpochSeconds + ":" + userId;
  }

  /** base64(HMAC-SHA1(secret, username)), UTF-8 on both inputs. */
  public static String credential(String secret, String username) {
    return sign(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"), username);
  }

  private static String sign(SecretKeySpec key, String username) {
    try {
      // A Mac per call: instances are not thread-safe and creating one costs about a microsecond.
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(key);
      return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is not available", e);
    }
  }

  /**
   * The {@code iceServers} array for {@code new RTCPeerConnection({iceServers})}: the STUN URLs (if any),
   * then the TURN URLs with a fresh username and credential valid for the configured TTL.
   */
  public JsonArray iceServers(String clientId, long nowEpochSeconds) {
    String username = username(nowEpochSeconds + config.ttlSeconds(), clientId);
    JsonArray servers = new JsonArray();
    if (!config.stunUrls().isEmpty()) {
      servers.add(new JsonObject().put("urls", new JsonArray(config.stunUrls())));
    }
    servers.add(new JsonObject()
        .put("urls", new JsonArray(config.urls()))
        .put("username", username)
        .put("credential", sign(key, username)));
    return servers;
  }

  /** {@link #iceServers(String, long)} as of now. */
  public JsonArray iceServers(String clientId) {
    return iceServers(clientId, System.currentTimeMillis() / 1000);
  }

  public long ttlSeconds() {
    return config.ttlSeconds();
  }
}
