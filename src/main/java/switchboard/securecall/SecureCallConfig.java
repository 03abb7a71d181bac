package switchboard.securecall;

import switchboard.config.ConfigReader;
import switchboard.config.HttpEndpointConfig;
import switchboard.platform.Profile;
import switchboard.platform.ServiceConfig;
import switchboard.ws.WsLimits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code securecall} config section, every value checked and every default filled in here.
 *
 * @param enabled          deploy the service
 * @param http             host, port (8090), TLS and allowed origins of ws://host:port/signal
 * @param ws               frame size, register/idle timeouts, rate limits (section {@code securecall.ws})
 * @param requireToken     JWT mode: REGISTER must carry a platform JWT whose sub equals the clientId; on by
 *                         default in the prod profile, which refuses to turn it off
 * @param ringTimeout      how long a call may ring unanswered before it ends for both (45 s)
 * @param maxCallsPerClient calls one connection may be part of at once (4)
 * @param maxPublicKeyChars longest public key PKD_REGISTER accepts (8192 characters)
 * @param dataDir          directory of the public-key directory's store file; {@code data/securecall-<port>}
 *                         by default, so nodes started with a port offset on one machine never share one
 * @param routeTimeoutMs   how long a delivery to another node may take before it counts as not delivered (1 s)
 * @param turn             TURN credentials
 */
public record SecureCallConfig(boolean enabled, HttpEndpointConfig http, WsLimits ws, boolean requireToken,
                               Duration ringTimeout, int maxCallsPerClient, int maxPublicKeyChars, Path dataDir,
                               long routeTimeoutMs, TurnConfig turn) implements ServiceConfig {

  public static final int DEFAULT_PORT = 8090;
  public static final String PATH = "/signal";

  /**
   * The contract's limits: 64 KB messages (an oversized one is an ERROR, the second closes with 1009),
   * REGISTER within 60 s, 60 s without any message closes, a ping frame every 30 s (the heartbeat interval),
   * 50 messages/s with bursts of 100.
   */
  public static final WsLimits DEFAULT_WS = WsLimits.DEFAULTS
      .withMessageSize(64 * 1024, 2, 256 * 1024)
      .withAuthTimeout(Duration.ofSeconds(60))
      .withIdleTimeout(Duration.ofSeconds(60))
      .withPingInterval(Duration.ofSeconds(30))
      .withRate(50, 100, 50);

  /**
   * @param devTurnSecret this installation's generated TURN secret, for a dev node whose {@code turn.secrets}
   *                      is empty; null in the prod profile
   */
  public static SecureCallConfig read(ConfigReader r, Profile profile, Supplier<String> devTurnSecret) {
    HttpEndpointConfig http = HttpEndpointConfig.read(r, DEFAULT_PORT);
    String dataDir = r.string("dataDir", "data/securecall-" + http.port());
    if (dataDir.isBlank()) {
      throw r.invalid("dataDir", "must not be empty");
    }
    boolean prod = profile == Profile.PROD;
    boolean requireToken = r.bool("requireToken", prod);
    if (prod && !requireToken) {
      throw r.invalid("requireToken", "must be true in --profile prod (without it anyone may take a free clientId)");
    }
    return new SecureCallConfig(
        r.bool("enabled", true),
        http,
        WsLimits.read(r.section("ws"), DEFAULT_WS),
        requireToken,
        r.millis("ringTimeoutMs", 45_000, 1_000, 600_000),
        r.integer("maxCallsPerClient", 4, 1, 100),
        r.integer("maxPublicKeyChars", 8192, 32, 60_000),
        Path.of(dataDir),
        r.longValue("routeTimeoutMs", 1_000, 100, 60_000),
        TurnConfig.read(r.section("turn"), devTurnSecret));
  }

  @Override
  public List<String> devSecretsInUse() {
    return turn.devSecret() ? List.of("securecall.turn.secrets") : List.of();
  }
}
