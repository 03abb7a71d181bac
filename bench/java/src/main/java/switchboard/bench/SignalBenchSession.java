package switchboard.bench;

import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import switchboard.signal.client.ClientHandshake;
import switchboard.signal.crypto.DecryptionException;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.SessionCipher;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A Signal client (docs/signal.md) on the generator's own sockets, using the Signal SDK's
 * {@link ClientHandshake} and {@link SessionCipher}: plaintext {@code authenticate} with a JWT and a fresh
 * P-256 key, {@code connected} with the server's key and salt, then AES-256-GCM frames it decrypts and
 * counts. With the server's encryption switched off, {@code connected} carries no key and frames arrive as
 * plaintext. Sends a heartbeat every 30 s so that long runs stay under the 90 s idle close.
 */
public final class SignalBenchSession extends BenchSession {

  /** The topic the publisher sends on; frames of other events are not deliveries. */
  public static final String TOPIC = "bench";
  private static final String ENCRYPTED_PREFIX = "{\"event\":\"encrypted\"";
  private static final String BENCH_PREFIX = "{\"event\":\"" + TOPIC + "\"";
  private static final long HEARTBEAT_SECONDS = 30;

  /**
   * @param token         the client's JWT
   * @param ecdhInfo      HKDF info, as configured on the server
   * @param crypto        key generation and agreement
   * @param pooledKey     null for a real client (fresh key pair, session key derived); else a public key
   *                      from a pool, sent without deriving anything: for runs that only count handshakes,
   *                      where the server's work is the same and the generator's much smaller
   */
  public record Setup(String token, String ecdhInfo, HandshakeCrypto crypto, String pooledKey) {
  }

  private final Setup setup;
  private ClientHandshake handshake;
  private SessionCipher cipher;
  private ScheduledFuture<?> heartbeat;
  private boolean authenticated;

  public SignalBenchSession(Deliveries deliveries, Setup setup) {
    super(deliveries);
    this.setup = setup;
  }

  @Override
  protected void opened(WsLink link) {
    if (setup.pooledKey() == null) {
      handshake = new ClientHandshake(setup.crypto());
      link.send(handshake.authenticateFrame(setup.token()));
    } else {
      link.send(new JsonObject().put("event", "authenticate").put("data", new JsonObject()
          .put("type", "Bearer").put("token", setup.token()).put("clientPublicKey", setup.pooledKey())).encode());
    }
    heartbeat = link.eventLoop().scheduleAtFixedRate(() -> link.send("{\"event\":\"heartbeat\"}"),
        HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void onText(WsLink link, String text) {
    if (!authenticated) {
      handshake(text);
    } else if (text.startsWith(ENCRYPTED_PREFIX)) {
      open(text);
    } else if (text.startsWith(BENCH_PREFIX)) {
      deliveries.delivered(text);
    } else if (text.contains("\"event\":\"error\"")) {
      deliveries.protocolError();
    }
  }

  /** Decrypts a frame, reading iv and ct without building a JSON tree (this runs per delivery). */
  private void open(String frame) {
    String iv = JsonText.stringField(frame, "iv");
    String ct = JsonText.stringField(frame, "ct");
    if (cipher == null || iv == null || ct == null) {
      deliveries.protocolError();
      return;
    }
    try {
      byte[] plain = cipher.decrypt(Base64.getDecoder().decode(iv), Base64.getDecoder().decode(ct));
      deliveries.delivered(new String(plain, StandardCharsets.UTF_8));
    } catch (DecryptionException | IllegalArgumentException e) {
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
      if (handshake != null && data.getValue("serverPublicKey") != null) {
        try {
          cipher = handshake.complete(data, setup.ecdhInfo());
        } catch (ClientHandshake.HandshakeException e) {
          fail("connected could not complete the handshake: " + e.getMessage());
          return;
        }
      }
      handshake = null;
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
