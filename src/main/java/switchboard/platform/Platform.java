package switchboard.platform;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import switchboard.auth.JwtVerifier;
import switchboard.bus.ClusterView;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every service of a node shares: the Vert.x instance, the cluster view, JWT verification,
 * the metrics registry and the profile. Built once by the launcher and handed to each service.
 */
public final class Platform {

  private final Vertx vertx;
  private final ClusterView cluster;
  private final JwtVerifier jwt;
  private final MeterRegistry meters;
  private final Profile profile;
  private final Map<String, RunningService> running;
  private final Map<String, ServiceMetrics> metrics;

  public Platform(Vertx vertx, ClusterView cluster, JwtVerifier jwt, MeterRegistry meters, Profile profile) {
    this(vertx, cluster, jwt, meters, profile, Collections.synchronizedMap(new LinkedHashMap<>()),
        new ConcurrentHashMap<>());
  }

  private Platform(Vertx vertx, ClusterView cluster, JwtVerifier jwt, MeterRegistry meters, Profile profile,
                   Map<String, RunningService> running, Map<String, ServiceMetrics> metrics) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.jwt = Objects.requireNonNull(jwt, "jwt");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.profile = Objects.requireNonNull(profile, "profile");
    this.running = running;
    this.metrics = metrics;
  }

  /**
   * This platform as one service sees it: everything shared, except {@link #jwt()}, which verifies tokens
   * with that service's policy (its own audience, issuer, claims) against the node's keys.
   */
  public Platform withJwt(JwtVerifier serviceJwt) {
    return new Platform(vertx, cluster, serviceJwt, meters, profile, running, metrics);
  }

  public Vertx vertx() {
    return vertx;
  }

  public ClusterView cluster() {
    return cluster;
  }

  public String nodeId() {
    return cluster.nodeId();
  }

  /** Verifies tokens for the service this platform was handed to (see {@link #withJwt}). */
  public JwtVerifier jwt() {
    return jwt;
  }

  public MeterRegistry meters() {
    return meters;
  }

  public Profile profile() {
    return profile;
  }

  /** The metrics of a service; the same instance for every call with the same name. */
  public ServiceMetrics metricsFor(String service) {
    return metrics.computeIfAbsent(service, name -> new ServiceMetrics(meters, name));
  }

  /** Services that are up on this node, by name, in deployment order. */
  public Map<String, RunningService> running() {
    return running;
  }
}
