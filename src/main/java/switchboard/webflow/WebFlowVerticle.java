package switchboard.webflow;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import switchboard.bus.LocalLoops;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.webflow.impl.AuthorizationRouter;
import switchboard.webflow.impl.Registrations;
import switchboard.ws.ConnectionCounts;
import switchboard.ws.SharedPort;

import java.util.Objects;

/**
 * Web Flow on one node: STOMP 1.0–1.2 over WebSocket with per-session user destinations. This verticle holds
 * what the node has once: the registrations (the cluster directory and this node's own bindings), the
 * authorization routing with the node's one router consumer, and the event-bus API. It then deploys
 * {@code instances} {@link WebFlowLoopVerticle}s, one per event loop, which share the HTTP port and each serve
 * their own STOMP sessions and REST requests; Vert.x undeploys them (closing every session with 1001) before
 * this one stops.
 */
public final class WebFlowVerticle extends VerticleBase {

  private final Platform platform;
  private final WebFlowConfig config;
  private final ServiceMetrics metrics;
  private final SharedPort port;
  private final LocalLoops loops = new LocalLoops();
  private final ConnectionCounts connections = new ConnectionCounts();
  private AuthorizationRouter authorizations;
  private WebFlowBusApi busApi;

  public WebFlowVerticle(Platform platform, WebFlowConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    // one metrics object per service: a second one would register its connection gauge in vain
    this.metrics = platform.metricsFor(WebFlowDefinition.NAME);
    this.port = new SharedPort(config.http().port());
  }

  /** The port the HTTP/WebSocket server listens on (after start). */
  public int port() {
    return port.port().result();
  }

  /** STOMP sessions open on this node, over all its loops. */
  public int sessionCount() {
    return loops.holding();
  }

  @Override
  public Future<?> start() {
    Registrations registrations = new Registrations(vertx, platform.cluster(), config, loops::holds);
    authorizations = new AuthorizationRouter(vertx, platform.cluster(), WebFlowDefinition.NAME, registrations,
        metrics, config.deliveryTimeout().toMillis(), loops);
    busApi = new WebFlowBusApi(authorizations);
    return Future.all(authorizations.start(), busApi.start(vertx.eventBus()))
        .compose(v -> vertx.deployVerticle(
            () -> new WebFlowLoopVerticle(platform, config, metrics, registrations, authorizations, loops, port,
                connections),
            new DeploymentOptions().setInstances(config.http().instances())));
  }

  @Override
  public Future<?> stop() {
    return Future.join(authorizations.stop(), busApi.stop());
  }
}
