package switchboard.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.JwtKeys;
import switchboard.auth.JwtVerifier;
import switchboard.bus.ClusterView;
import switchboard.config.ClusterConfig;
import switchboard.config.ConfigException;
import switchboard.config.JwtConfig;
import switchboard.management.ManagementVerticle;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.platform.RunningService;
import switchboard.platform.ServiceConfig;
import switchboard.platform.ServiceDefinition;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * One running Switchboard node: a Vert.x instance (local, or a Hazelcast member), the shared platform and
 * every enabled service. {@link Main} starts one from the command line; tests start several in one JVM.
 */
public final class SwitchboardNode {

  private static final Logger LOG = LoggerFactory.getLogger(SwitchboardNode.class);

  private final Vertx vertx;
  private final Platform platform;
  private final AppConfig config;
  private final int managementPort;

  private SwitchboardNode(Vertx vertx, Platform platform, AppConfig config, int managementPort) {
    this.vertx = vertx;
    this.platform = platform;
    this.config = config;
    this.managementPort = managementPort;
  }

  /**
   * Reads and checks the configuration (throwing {@link ConfigException} before anything starts), then
   * starts Vert.x and deploys every enabled service.
   *
   * @param json    the configuration after environment overrides
   * @param cluster join a Hazelcast cluster
   */
  public static Future<SwitchboardNode> start(JsonObject json, boolean cluster) {
    AppConfig config = AppConfig.read(json, ServiceCatalog.all());
    if (!cluster) {
      return start(config, null, ServiceCatalog.all());
    }
    Config hazelcast = hazelcastConfig(config.cluster());
    if (config.profile() == Profile.PROD) {
      String refusal = config.cluster().prodRefusal(hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
      if (refusal != null) {
        throw new ConfigException("cluster.tls", refusal + "; --profile prod needs a mutually authenticated event bus (see docs/security.md)");
      }
    }
    return start(config, hazelcast, ServiceCatalog.all());
  }

  /** Starts a clustered node with a Hazelcast configuration built by the caller (tests pick free ports). */
  public static Future<SwitchboardNode> startClustered(JsonObject json, Config hazelcast) {
    return start(AppConfig.read(json, ServiceCatalog.all()), hazelcast, ServiceCatalog.all());
  }

  static Future<SwitchboardNode> start(AppConfig config, Config hazelcast, List<ServiceDefinition<?>> catalog) {
    config.devSecretsInUse().forEach(key ->
        LOG.warn("{} uses a DEV-ONLY secret (this installation's are in {}): fine on a laptop, never in production",
            key, config.devSecretsFile()));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
            // LOCAL keeps each service's HTTP server apart in the exported series.
            .setLabels(EnumSet.of(Label.LOCAL, Label.HTTP_CODE, Label.EB_SIDE, Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME)));
    var builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    Future<Vertx> vertxFuture;
    HazelcastClusterManager manager = null;
    if (hazelcast != null) {
      manager = new HazelcastClusterManager(hazelcast);
      ClusterConfig cluster = config.cluster();
      // Bind and advertise the cluster interface only; the event-bus port stays ephemeral.
      options.getEventBusOptions().setHost(cluster.host()).setClusterPublicHost(cluster.host());
      if (cluster.tls() != null) {
        cluster.tls().applyTo(options.getEventBusOptions());
      }
      vertxFuture = builder.withClusterManager(manager).buildClustered();
    } else {
      vertxFuture = Future.succeededFuture(builder.build());
    }
    HazelcastClusterManager clusterManager = manager;
    return vertxFuture.compose(vertx -> {
      ClusterView view = clusterManager == null ? ClusterView.single() : ClusterView.of(clusterManager);
      logMembership(view);
      LOG.info("network transport: {}", vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO");
      JwtKeys keys = new JwtKeys(vertx, config.jwt());
      Platform platform = new Platform(vertx, view, new JwtVerifier(keys, config.jwt().policy()), registry, config.profile());
      return keys.start()
          .compose(v -> deployAll(platform, config, catalog))
          .compose(v -> deployManagement(platform, config, registry))
          .map(port -> new SwitchboardNode(vertx, platform, config, port))
          .recover(err -> vertx.close().transform(ignored -> Future.failedFuture(err)));
    });
  }

  private static void logMembership(ClusterView view) {
    if (!view.clustered()) {
      LOG.info("node {} running single-node", view.nodeId());
      return;
    }
    LOG.info("node {} joined the cluster; members: {}", view.nodeId(), view.members());
    view.onNodeJoined(id -> LOG.info("node {} joined; members: {}", id, view.members()));
    view.onNodeLeft(id -> LOG.info("node {} left; members: {}", id, view.members()));
  }

  private static Config hazelcastConfig(ClusterConfig cluster) {
    Path path = Path.of(cluster.hazelcastConfig());
    if (!Files.isReadable(path)) {
      throw new ConfigException("cluster.hazelcastConfig", "file not readable: " + path.toAbsolutePath());
    }
    Config hz;
    try {
      hz = new FileSystemXmlConfig(path.toFile());
    } catch (FileNotFoundException e) {
      throw new ConfigException("cluster.hazelcastConfig", "file not readable: " + path.toAbsolutePath());
    }
    cluster.applyTo(hz);
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    return hz;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Future<Void> deployAll(Platform platform, AppConfig config, List<ServiceDefinition<?>> catalog) {
    Future<Void> chain = Future.succeededFuture();
    for (ServiceDefinition definition : catalog) {
      ServiceConfig serviceConfig = config.services().get(definition.name());
      if (!serviceConfig.enabled()) {
        continue;
      }
      JwtConfig.Policy policy = config.jwtPolicies().getOrDefault(definition.name(), config.jwt().policy());
      Platform servicePlatform = platform.withJwt(platform.jwt().withPolicy(policy));
      chain = chain.compose(v -> ((Future<RunningService>) definition.deploy(servicePlatform, serviceConfig))
          .onSuccess(running -> platform.running().put(running.name(), running))
          .recover(err -> Future.failedFuture(new IllegalStateException(
              definition.name() + " failed to start: " + err.getMessage(), err)))
          .mapEmpty());
    }
    return chain;
  }

  private static Future<Integer> deployManagement(Platform platform, AppConfig config, PrometheusMeterRegistry registry) {
    if (!config.management().enabled()) {
      return Future.succeededFuture(-1);
    }
    ManagementVerticle management = new ManagementVerticle(platform, config.management(), registry);
    return platform.vertx().deployVerticle(management).map(id -> management.actualPort());
  }

  public Vertx vertx() {
    return vertx;
  }

  public Platform platform() {
    return platform;
  }

  public AppConfig config() {
    return config;
  }

  /** The management server's port, or -1 when it is switched off. */
  public int managementPort() {
    return managementPort;
  }

  public Map<String, RunningService> services() {
    return platform.running();
  }

  /** Undeploys every verticle (each closes its sockets with 1001) and leaves the cluster. */
  public Future<Void> close() {
    return vertx.close();
  }
}
