package switchboard.signal;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import switchboard.config.ConfigReader;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.signal.client.ClientHandshake;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.SessionCipher;
import switchboard.testing.WsTestClient;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.signal.SignalProtocol.HEARTBEAT;
import static switchboard.testing.Await.await;

/** Deploys Signal for tests and speaks its protocol at the frame level. */
public final class SignalTestSupport {

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

  /** A REST answer: status and JSON body (empty object when there is none). */
  public record Reply(int status, JsonObject body) {
  }

  /**
   * One HTTP call to a Signal REST endpoint, made from a Vert.x context: Vert.x 5.0.7's client, driven from
   * a plain test thread, now and then never completes {@code resp.body()} (reproduced against a bare
   * server; a JDK client against the same server never hangs), so tests hop onto an event loop first.
   */
  public static Future<Reply> rest(Vertx vertx, HttpMethod method, int port, String path, String token, Object body) {
    Promise<Reply> promise = Promise.promise();
    vertx.runOnContext(v -> {
      HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      http.request(method, port, "127.0.0.1", path).compose(req -> {
        if (token != null) {
          req.putHeader("Authorization", "Bearer " + token);
        }
        Buffer payload = body == null ? Buffer.buffer()
            : Buffer.buffer(body instanceof JsonObject json ? json.encode() : body.toString());
        return req.putHeader("Content-Type", "application/json").send(payload);
      }).compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(),
          b.length() == 0 ? new JsonObject() : b.toJsonObject())))
          .eventually(() -> http.close())
          .onComplete(promise);
    });
    return promise.future();
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

    /** Connects and authenticates with a {@code recover} request; answers once it is connected. */
    static Peer resumed(Vertx vertx, int port, String token, JsonObject recover) {
      Peer p = connect(vertx, port);
      p.ws.send(new JsonObject(p.handshake.authenticateFrame(token, recover)));
      p.connected = await(p.nextEvent("connected")).getJsonObject("data");
      try {
        p.cipher = p.handshake.complete(p.connected, INFO);
      } catch (ClientHandshake.HandshakeException e) {
        throw new AssertionError(e);
      }
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

    /**
     * Asserts that no frame reached this client beyond what the test took: a heartbeat sent now is answered
     * after everything sent to it before, so its answer must be the very next frame.
     */
    void expectNothingElse() {
      send(HEARTBEAT, null);
      assertThat(await(ws.next()).getString("event")).isEqualTo(HEARTBEAT);
    }

    JsonObject nextError() {
      return await(nextEvent("error")).getJsonObject("data");
    }

    int closeCode() {
      return await(ws.closed());
    }
  }
}
