package switchboard.wallet;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import switchboard.bus.Addresses;
import switchboard.bus.LocalLoops;
import switchboard.platform.Platform;
import switchboard.ws.ConnectionCounts;
import switchboard.ws.SharedPort;

import java.time.Clock;
import java.util.Objects;

/**
 * The wallet gateway on one node. This verticle holds what the node has once: the consumers of the ledger's
 * pushes ({@link WalletBusApi}), the cluster-wide replay cache and the connection counts the limits are
 * checked against. It then deploys {@code instances} {@link WalletLoopVerticle}s, one per event loop, which
 * serve {@code /ws} ({@link WalletHandler}) and the HTTP API ({@link WalletRestApi}) on one shared port, each
 * with its own connections and subscribers; Vert.x undeploys them before this one stops. The ledger is not
 * part of the gateway: it is deployed once per node beside it, when enabled (see {@link DevLedgerVerticle}).
 */
public final class WalletVerticle extends VerticleBase {

  public static final String SERVICE = "wallet";

  private final Platform platform;
  private final WalletConfig config;
  private final Clock clock;
  private final SharedPort port;
  private WalletBusApi pushes;

  public WalletVerticle(Platform platform, WalletConfig config, Clock clock) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.port = new SharedPort(config.http().port());
  }

  /** The port the HTTP server listens on (after start). */
  public int actualPort() {
    return port.port().result();
  }

  @Override
  public Future<?> start() {
    LocalLoops loops = new LocalLoops();
    pushes = new WalletBusApi(vertx, loops);
    ConnectionCounts counts = new ConnectionCounts();
    return vertx.sharedData().<String, Boolean>getAsyncMap(Addresses.WALLET_REPLAY_MAP)
        .compose(replay -> vertx.deployVerticle(
            () -> new WalletLoopVerticle(platform, config, clock, replay, loops, counts, port),
            new DeploymentOptions().setInstances(config.http().instances())))
        // the loops are in place before the first push can arrive
        .compose(id -> pushes.start());
  }

  @Override
  public Future<?> stop() {
    return pushes.stop();
  }
}
