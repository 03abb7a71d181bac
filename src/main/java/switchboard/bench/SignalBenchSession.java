package switchboard.bench;

import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;

/**
 * A Signal client (DESIGN.md, Signal): plaintext {@code authenticate} with a JWT and a P-256 public key,
 * {@code connected} with the server's key and salt, then AES-256-GCM frames it decrypts and counts. With
 * the server's encryption switched off, {@code connected} carries no key and frames arrive as plaintext.
 * Sends a heartbeat every 30 s so that long runs stay under the 90 s idle close.
 */
public final class SignalBenchSession extends BenchSession {

  /** The topic the publisher sends on; frames of other events are not deliveries. */
  public static final String TOPIC = "bench";
  private static final String ENCRYPTED_PREFIX = "{\"event\":\"encrypted\"";
  private static final String BENCH_PREFIX = "{\"event\":\"" + TOPIC + "\"";
  private static final long HEARTBEAT_SECONDS = 30;

  /**
   * @param token     the client's JWT
   * @param keys      its P-256 key pair (the server cannot tell a reused pair from a fresh one)
   * @param ecdhInfo  HKDF info, as configured on the server
   * @param deriveKey derive the AES key (false when the run only counts handshakes)
   * @param opener    decrypts on the client event loops
   */
  public record Setup(String token, SignalKeys.KeyPair keys, String ecdhInfo, boolean deriveKey, GcmOpener opener) {
  }

  private final Setup setup;
  private SecretKeySpec key;
  private ScheduledFuture<?> heartbeat;
  private boolean authenticated;

  public SignalBenchSession(Deliveries deliveries, Setup setup) {
    super(deliveries);
    this.setup = setup;
  }

  @Override
  protected void opened(WsLink link) {
    link.send(new JsonObject().put("event", "authenticate").put("data", new JsonObject()
        .put("type", "Bearer").put("token", setup.token()).put("clientPublicKey", setup.keys().publicKeyBase64()))
        .encode());
    heartbeat = link.eventLoop().scheduleAtFixedRate(() -> link.send("{\"event\":\"heartbeat\"}"),
        HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void onText(WsLink link, String text) {
    if (!authenticated) {
      handshake(text);
    } else if (text.startsWith(ENCRYPTED_PREFIX)) {
      if (key == null) {
        deliveries.protocolError();
        return;
      }
      try {
        deliveries.delivered(setup.opener().open(key, text));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        deliveries.protocolError();
      }
    } else if (text.startsWith(BENCH_PREFIX)) {
      deliveries.delivered(text);
    } else if (text.contains("\"event\":\"error\"")) {
      deliveries.protocolError();
    }
  }

  private void handshake(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      fail("not JSON during the handshake: " + text);
      return;
    }
    String event = frame.getString("event", "");
    if (event.equals("connected")) {
      JsonObject data = frame.getJsonObject("data", new JsonObject());
      String serverKey = data.getString("serverPublicKey");
      if (serverKey != null && setup.deriveKey()) {
        key = new SecretKeySpec(SignalKeys.aesKey(setup.keys(), serverKey, data.getString("salt"), setup.ecdhInfo()), "AES");
      }
      authenticated = true;
      markReady();
    } else if (event.equals("error")) {
      fail("authenticate refused: " + text);
    }
  }

  @Override
  public void onClose(WsLink link, int code) {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    super.onClose(link, code);
  }
}
