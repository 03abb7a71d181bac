package switchboard.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import switchboard.auth.JwtKeys;
import switchboard.auth.JwtVerifier;
import switchboard.auth.TokenMinter;
import switchboard.bus.ClusterView;
import switchboard.config.ConfigReader;
import switchboard.config.JwtConfig;
import switchboard.platform.Platform;
import switchboard.platform.Profile;

import java.time.Clock;

/** Platforms for tests: a real Vert.x, a JWT secret known to the test, an in-memory metrics registry. */
public final class TestPlatform {

  /** The HS256 secret every test platform verifies with. */
  public static final String JWT_SECRET = "switchboard-test-secret-0123456789-abcdefghijklmnop";

  private TestPlatform() {
  }

  public static JwtConfig jwtConfig() {
    return JwtConfig.read(new ConfigReader(new JsonObject().put("hs256Secret", JWT_SECRET)));
  }

  /** A single-node platform on {@code vertx}. */
  public static Platform single(Vertx vertx) {
    return new Platform(vertx, ClusterView.single(), new JwtVerifier(vertx, jwtConfig()), new SimpleMeterRegistry(),
        Profile.DEV);
  }

  /** A single-node platform whose token checks read {@code jwtClock} (e.g. {@link LoopThreads}). */
  public static Platform single(Vertx vertx, Clock jwtClock) {
    JwtConfig config = jwtConfig();
    return new Platform(vertx, ClusterView.single(), new JwtVerifier(new JwtKeys(vertx, config), config.policy(), jwtClock),
        new SimpleMeterRegistry(), Profile.DEV);
  }

  public static Platform clustered(Vertx vertx, ClusterView view) {
    return new Platform(vertx, view, new JwtVerifier(vertx, jwtConfig()), new SimpleMeterRegistry(), Profile.DEV);
  }

  /** Mints tokens the test platforms accept. */
  public static TokenMinter minter(Vertx vertx) {
    return new TokenMinter(vertx, JWT_SECRET);
  }
}
