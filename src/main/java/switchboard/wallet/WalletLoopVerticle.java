package switchboard.wallet;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.Router;
import switchboard.bus.LocalLoops;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.wallet.impl.Subscribers;
import switchboard.ws.ConnectionCounts;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.SharedPort;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;

import java.time.Clock;
import java.util.Set;

/**
 * One event loop's share of the wallet gateway: {@code /ws} ({@link WalletHandler}) and the HTTP API
 * ({@link WalletRestApi}) on an HTTP server that listens on the port every instance shares. Its connections
 * and their subscriptions ({@link Subscribers}) stay on this loop; the node's ledger pushes reach them
 * through {@link LocalLoops}.
 */
final class WalletLoopVerticle extends VerticleBase {

  private final Platform platform;
  private final WalletConfig config;
  private final Clock clock;
  private final AsyncMap<String, Boolean> replay;
  private final LocalLoops loops;
  private final ConnectionCounts counts;
  private final SharedPort port;
  private LocalLoops.Loop loop;
  private WsEndpoint endpoint;

  WalletLoopVerticle(Platform platform, WalletConfig config, Clock clock, AsyncMap<String, Boolean> replay,
                     LocalLoops loops, ConnectionCounts counts, SharedPort port) {
    this.platform = platform;
    this.config = config;
    this.clock = clock;
    this.replay = replay;
    this.loops = loops;
    this.counts = counts;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    ServiceMetrics metrics = platform.metricsFor(WalletVerticle.SERVICE);
    Subscribers subscribers = new Subscribers();
    Router router = ServiceHttpServer.router(vertx, config.maxTransferBodyBytes());
    new WalletRestApi(vertx, config, platform.jwt(), () -> port.port().result(), clock, replay).mount(router);
    endpoint = new WsEndpoint(vertx, Set.of(WalletProtocol.WS_PATH), config.ws(), WalletProtocol.CLOSE_CODES,
        config.http().allowedOrigins(), new WalletHandler(vertx, config, clock, metrics, subscribers, replay), metrics)
        .countConnectionsIn(counts);
    loop = loops.join(context, message -> WalletBusApi.deliver(subscribers, message));
    return ServiceHttpServer.start(vertx, config.http(), router, endpoint, port);
  }

  @Override
  public Future<?> stop() {
    loops.leave(loop);
    return endpoint.closeAll(WsCloseCodes.GOING_AWAY, "shutting down");
  }
}
