package switchboard.signal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import switchboard.config.ConfigReader;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.signal.client.ClientHandshake;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.SessionCipher;
import switchboard.testing.WsTestClient;

import java.util.List;

import static switchboard.testing.Await.await;

/** Deploys Signal for tests and speaks its protocol at the frame level. */
final class SignalTestSupport {

  static final String INFO = SignalConfig.DEFAULT_ECDH_INFO;

  private SignalTestSupport() {
  }

  /** The test config: loopback, free port, the given overrides merged in (deeply). */
  static JsonObject config(JsonObject overrides) {
    return new JsonObject().put("host", "127.0.0.1").put("port", 0).mergeIn(overrides, true);
  }

  static SignalVerticle deploy(Platform platform, JsonObject overrides) {
    SignalConfig config = SignalConfig.read(new ConfigReader(config(overrides)), Profile.DEV);
    SignalVerticle verticle = new SignalVerticle(platform, config);
    await(platform.vertx().deployVerticle(verticle));
    return verticle;
  }

  static String token(Vertx vertx, String user, String... roles) {
    return switchboard.testing.TestPlatform.minter(vertx).mint(user, List.of(roles), 3600);
  }

  /** A client that speaks the raw wire protocol, with the SDK's handshake helper. */
  static final class Peer {
    final WsTestClient ws;
    final ClientHandshake handshake = new ClientHandshake(new HandshakeCrypto());
    SessionCipher cipher;
    JsonObject connected;

    private Peer(WsTestClient ws) {
      this.ws = ws;
    }

    static Peer connect(Vertx vertx, int port) {
      return new Peer(await(WsTestClient.connect(vertx, port, "/ws")));
    }

    /** Connects and authenticates; answers the connected data. */
    static Peer authenticated(Vertx vertx, int port, String token) {
      Peer p = connect(vertx, port);
      p.authenticate(token);
      return p;
    }

    JsonObject authenticate(String token) {
      ws.send(handshake.authenticateFrame(token));
      connected = await(nextEvent("connected")).getJsonObject("data");
      try {
        cipher = handshake.complete(connected, INFO);
      } catch (ClientHandshake.HandshakeException e) {
        throw new AssertionError(e);
      }
      return connected;
    }

    String id() {
      return connected.getString("id");
    }

    void sendEncrypted(String event, Object data) {
      JsonObject frame = new JsonObject().put("event", event);
      if (data != null) {
        frame.put("data", data);
      }
      ws.send(cipher.seal(frame.encode()));
    }

    void send(String event, Object data) {
      ws.send(new JsonObject().put("event", event).put("data", data));
    }

    Future<JsonObject> nextEvent(String event) {
      return ws.next(f -> event.equals(f.getString("event")));
    }

    /** The next encrypted frame, decrypted. */
    JsonObject nextDecrypted() {
      JsonObject frame = await(nextEvent("encrypted"));
      try {
        return new JsonObject(cipher.open(frame.getJsonObject("data")));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }

    JsonObject nextError() {
      return await(nextEvent("error")).getJsonObject("data");
    }

    int closeCode() {
      return await(ws.closed());
    }
  }
}
