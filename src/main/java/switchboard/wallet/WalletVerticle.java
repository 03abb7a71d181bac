package switchboard.wallet;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import switchboard.bus.Addresses;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.wallet.impl.Subscribers;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;

import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * The wallet gateway on one node: {@code /ws} ({@link WalletHandler}), the HTTP API ({@link WalletRestApi})
 * and the ledger's pushes ({@link WalletBusApi}) on one HTTP server, in front of the ledger. One instance
 * per node: connections and the subscriber index live on its event loop.
 */
public final class WalletVerticle extends VerticleBase {

  public static final String SERVICE = "wallet";

  private final Platform platform;
  private final WalletConfig config;
  private final Clock clock;
  private WsEndpoint endpoint;
  private WalletBusApi pushes;
  private HttpServer server;

  public WalletVerticle(Platform platform, WalletConfig config, Clock clock) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The port the HTTP server listens on (after start). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    ServiceMetrics metrics = platform.metricsFor(SERVICE);
    Subscribers subscribers = new Subscribers();
    pushes = new WalletBusApi(vertx, subscribers);
    Router router = ServiceHttpServer.router(vertx, config.maxTransferBodyBytes());
    return vertx.sharedData().<String, Boolean>getAsyncMap(Addresses.WALLET_REPLAY_MAP)
        .compose(replay -> {
          new WalletRestApi(vertx, config, platform.jwt(), this::actualPort, clock, replay).mount(router);
          endpoint = new WsEndpoint(vertx, Set.of(WalletProtocol.WS_PATH), config.ws(), WalletProtocol.CLOSE_CODES,
              config.http().allowedOrigins(), new WalletHandler(vertx, config, clock, metrics, subscribers, replay),
              metrics);
          return pushes.start();
        })
        .compose(v -> ServiceHttpServer.start(vertx, config.http(), router, endpoint))
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = endpoint == null ? Future.succeededFuture()
        : endpoint.closeAll(WsCloseCodes.GOING_AWAY, "shutting down");
    return closed.eventually(() -> pushes.stop());
  }
}
