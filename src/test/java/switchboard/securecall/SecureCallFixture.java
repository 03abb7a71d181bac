package switchboard.securecall;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.config.ConfigReader;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.testing.WsTestClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/** Deploys SecureCall on a test platform and drives real clients through the protocol. */
final class SecureCallFixture {

  static final String TURN_SECRET = "fixture-turn-secret";

  private SecureCallFixture() {
  }

  /** A config on 127.0.0.1:0 with a known TURN secret, the given data directory and overrides on top. */
  static SecureCallConfig config(Path dataDir, JsonObject overrides) {
    JsonObject json = new JsonObject().put("host", "127.0.0.1").put("port", 0)
        .put("dataDir", dataDir.toString())
        .put("turn", new JsonObject().put("secrets", new JsonArray().add(TURN_SECRET)));
    json.mergeIn(overrides, true);
    return new SecureCallDefinition().parse(new ConfigReader(json), Profile.DEV);
  }

  /** Deploys the verticle; answers it so a test can read the port. */
  static SecureCallVerticle deploy(Platform platform, SecureCallConfig config) {
    SecureCallVerticle verticle = new SecureCallVerticle(platform, config);
    await(platform.vertx().deployVerticle(verticle));
    return verticle;
  }

  static WsTestClient connect(Platform platform, SecureCallVerticle verticle) {
    return await(WsTestClient.connect(platform.vertx(), verticle.actualPort(), SecureCallConfig.PATH));
  }

  static JsonObject frame(String type, JsonObject payload) {
    return new JsonObject().put("type", type).put("payload", payload);
  }

  /** Connects and registers {@code clientId}; asserts REGISTERED. */
  static WsTestClient registered(Platform platform, SecureCallVerticle verticle, String clientId) {
    WsTestClient client = connect(platform, verticle);
    client.send(frame("REGISTER", new JsonObject().put("clientId", clientId)));
    JsonObject reply = await(client.next());
    assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("REGISTERED");
    return client;
  }

  /** The next frame of a type, skipping none: the frame must be of that type. */
  static JsonObject expect(WsTestClient client, String type) {
    JsonObject frame = await(client.next());
    assertThat(frame.getString("type")).as(frame.encode()).isEqualTo(type);
    return frame.getJsonObject("payload");
  }

  /** Asserts the next frame is ERROR with {@code code}. */
  static void expectError(WsTestClient client, String code) {
    JsonObject payload = expect(client, "ERROR");
    assertThat(payload.getString("code")).as(payload.encode()).isEqualTo(code);
    assertThat(payload.getString("message")).isNotBlank();
  }

  /**
   * Asserts that nothing reached {@code client} beyond what the test took: a PING sent now is handled after
   * everything sent to it before, so its PONG must be the very next frame.
   */
  static void expectNothingElse(WsTestClient client) {
    String barrier = UUID.randomUUID().toString();
    client.send(frame("PING", new JsonObject().put("barrier", barrier)));
    assertThat(expect(client, "PONG")).isEqualTo(new JsonObject().put("barrier", barrier));
  }

  /** Caller offers, callee gets INCOMING_CALL and accepts, caller gets CALL_ACCEPTED; answers the callId. */
  static String establish(WsTestClient caller, WsTestClient callee, String calleeId) {
    caller.send(frame("CALL_INITIATE", new JsonObject().put("targetId", calleeId).put("sdpOffer", "v=0 offer")));
    JsonObject incoming = expect(callee, "INCOMING_CALL");
    String callId = incoming.getString("callId");
    assertThat(expect(caller, "CALL_INITIATED").getString("callId")).isEqualTo(callId);
    callee.send(frame("CALL_ACCEPT", new JsonObject().put("callId", callId).put("sdpAnswer", "v=0 answer")));
    assertThat(expect(caller, "CALL_ACCEPTED").getString("sdpAnswer")).isEqualTo("v=0 answer");
    return callId;
  }

  /** A fresh ECDSA P-256 key pair, as {@code crypto.subtle.generateKey({name: "ECDSA", namedCurve: "P-256"})}. */
  static KeyPair p256() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** The public key as {@code exportKey("spki", ...)} gives it, base64. */
  static String spki(KeyPair pair) {
    return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
  }

  /** {@code crypto.subtle.sign({name: "ECDSA", hash: "SHA-256"}, key, utf8(nonce))}: raw r‖s, or DER. */
  static String sign(KeyPair pair, String nonce, boolean raw) throws GeneralSecurityException {
    Signature signer = Signature.getInstance(raw ? "SHA256withECDSAinP1363Format" : "SHA256withECDSA");
    signer.initSign(pair.getPrivate());
    signer.update(nonce.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(signer.sign());
  }
}
