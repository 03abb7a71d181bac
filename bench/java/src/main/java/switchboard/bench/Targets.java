package switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import switchboard.auth.TokenMinter;
import switchboard.config.DevSecrets;
import switchboard.signal.crypto.HandshakeCrypto;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * How the generator reaches each kind of server: its subscriber sessions and its publisher. Switchboard
 * targets are driven through their public contract (docs/signal.md, docs/webflow.md): Signal's WebSocket handshake and its
 * REST room send, Web Flow's STOMP registration and its REST authorization endpoint.
 */
public final class Targets {

  /** The Signal REST API base path. */
  public static final String SIGNAL_REST = "/v1/api/socket/websocket/clients";
  /** Public keys reused by handshake-only clients: the server cannot tell, and the generator saves CPU. */
  private static final int KEY_POOL = 64;

  private final TokenMinter minter;
  private final String ecdhInfo;
  private final HandshakeCrypto crypto = new HandshakeCrypto();
  private final List<String> pooledKeys;

  public Targets(Vertx vertx, String jwtSecret, String ecdhInfo) {
    this.minter = new TokenMinter(vertx, jwtSecret);
    this.ecdhInfo = ecdhInfo;
    this.pooledKeys = IntStream.range(0, KEY_POOL).mapToObj(i -> crypto.generateKeyPair().publicKeyBase64()).toList();
  }

  /** The JWT secret of a run: SWITCHBOARD_JWT_SECRET as the server reads it, else this installation's dev secret. */
  public static String jwtSecret() {
    String env = System.getenv("SWITCHBOARD_JWT_SECRET");
    return env == null || env.isEmpty() ? DevSecrets.loadOrCreate(DevSecrets.fileFrom(System.getenv())).jwtSecret() : env;
  }

  /** The HKDF info of a run: APP_ENV_WEBSOCKET_ECDH_INFO as the server reads it, else Signal's default. */
  public static String ecdhInfo() {
    String env = System.getenv("APP_ENV_WEBSOCKET_ECDH_INFO");
    return env == null || env.isEmpty() ? "nx-signal-ws-v1" : env;
  }

  /** A token for service-to-service REST calls (admin and service roles). */
  public String serviceToken() {
    return minter.mint("bench-publisher", List.of("admin", "service"), 3600);
  }

  /**
   * Signal client {@code i}: a real one (fresh key pair, session key derived), or with
   * {@code handshakeOnly} one that sends a pooled public key and derives nothing.
   */
  public SignalBenchSession signal(int i, Deliveries deliveries, boolean handshakeOnly) {
    String token = minter.mint(new JsonObject().put("roles", List.of("user")), "bench-" + i, 3600);
    return new SignalBenchSession(deliveries, new SignalBenchSession.Setup(token, ecdhInfo, crypto,
        handshakeOnly ? pooledKeys.get(i % pooledKeys.size()) : null));
  }

  /** Posts each payload as {@code {topic, data}} to a Signal room through the REST API. */
  public HttpPublisher signalPublisher(Vertx vertx, URI http, String room, int connections) {
    String path = SIGNAL_REST + "/rooms/" + room + "/send";
    return new HttpPublisher(vertx, http.getHost(), http.getPort(), connections,
        Map.of("authorization", "Bearer " + serviceToken()),
        (seq, payload) -> new HttpPublisher.Post(path,
            "{\"topic\":\"" + SignalBenchSession.TOPIC + "\",\"data\":" + payload + "}"));
  }

  /** Posts each payload to the Socket.IO baseline's broadcast endpoint. */
  public static HttpPublisher socketIoPublisher(Vertx vertx, URI http, int connections) {
    return new HttpPublisher(vertx, http.getHost(), http.getPort(), connections, Map.of(),
        (seq, payload) -> new HttpPublisher.Post("/broadcast", payload));
  }
}
