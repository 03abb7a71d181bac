package switchboard.fingerprint;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.LocalLoops;
import switchboard.fingerprint.impl.DeviceCommands;
import switchboard.fingerprint.impl.LogStream;
import switchboard.platform.Platform;
import switchboard.ws.ConnectionCounts;
import switchboard.ws.SharedPort;

import java.util.Objects;

/**
 * The Fingerprint service's front on one node. This verticle holds what the node has once: the consumers of
 * device events ({@link FingerprintBusApi}), the log stream, the device command client, the start time and
 * the connection counts the limits are checked against. It then deploys {@code instances}
 * {@link FingerprintLoopVerticle}s, one per event loop, which serve the WebSocket API at {@code /} and
 * {@code /ws} and the REST API under {@code /api} on one shared port, each with its own connections; Vert.x
 * undeploys them before this one stops. It holds no readers: commands go to the node that owns the device
 * ({@link DeviceCommands}); that node's hardware verticle, one per node whatever {@code instances} says
 * because it alone owns the USB bus, publishes the events.
 */
public final class FingerprintVerticle extends VerticleBase {

  /** Metrics tag and config section. */
  public static final String SERVICE = "fingerprint";

  private static final Logger LOG = LoggerFactory.getLogger(FingerprintVerticle.class);

  private final Platform platform;
  private final FingerprintConfig config;
  private final SharedPort port;
  private FingerprintBusApi events;
  private long startedAtMillis;

  public FingerprintVerticle(Platform platform, FingerprintConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.port = new SharedPort(config.http().port());
  }

  @Override
  public Future<?> start() {
    startedAtMillis = System.currentTimeMillis();
    LogStream log = new LogStream(vertx.eventBus(), LOG, platform.nodeId());
    DeviceCommands commands = new DeviceCommands(vertx, platform.cluster(), config.commandTimeout());
    LocalLoops loops = new LocalLoops();
    events = new FingerprintBusApi(vertx, platform.nodeId(), loops);
    ConnectionCounts counts = new ConnectionCounts();
    return vertx.deployVerticle(
            () -> new FingerprintLoopVerticle(platform, config, commands, log, loops, counts, port, this::uptimeSeconds),
            new DeploymentOptions().setInstances(config.http().instances()))
        // the loops are in place before the first event can arrive
        .compose(id -> events.start());
  }

  @Override
  public Future<?> stop() {
    return events.stop();
  }

  /** The port the HTTP server listens on (useful with port 0). */
  public int port() {
    return port.port().result();
  }

  private long uptimeSeconds() {
    return (System.currentTimeMillis() - startedAtMillis) / 1000;
  }
}
