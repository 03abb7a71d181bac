package switchboard.app;

import io.vertx.core.json.JsonObject;
import switchboard.config.ClusterConfig;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.config.DevSecrets;
import switchboard.config.HttpEndpointConfig;
import switchboard.config.JwtConfig;
import switchboard.platform.Profile;
import switchboard.platform.ServiceConfig;
import switchboard.platform.ServiceDefinition;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The whole configuration of a node, read and checked before anything is deployed.
 *
 * <p>The prod profile refuses to start with any dev secret, with a service whose tokens need no issuer or
 * audience, with a plaintext listener (unless its section has {@code tls} or states {@code behindTlsProxy:
 * true}), with an empty Origin allow-list (unless it states {@code ["*"]}) and with the management server
 * on a non-loopback address (unless {@code management.behindTlsProxy: true}).
 *
 * @param profile        dev or prod
 * @param jwt            platform JWT keys and the shared claims policy
 * @param jwtPolicies    each service's claims policy (the shared one with its own {@code jwt} overrides)
 * @param management     the management server
 * @param cluster        Hazelcast settings used with --cluster
 * @param services       each service's config, by name, in catalog order
 * @param devSecretsFile where this installation's generated dev secrets are kept
 */
public record AppConfig(Profile profile, JwtConfig jwt, Map<String, JwtConfig.Policy> jwtPolicies,
                        ManagementConfig management, ClusterConfig cluster, Map<String, ServiceConfig> services,
                        Path devSecretsFile) {

  /**
   * @param enabled        serve /health and /metrics
   * @param host           bind address, 127.0.0.1 unless configured
   * @param port           TCP port (9100 by default)
   * @param behindTlsProxy the operator states that a TLS proxy fronts a non-loopback management address
   */
  public record ManagementConfig(boolean enabled, String host, int port, boolean behindTlsProxy) {
  }

  public static AppConfig read(JsonObject json, List<ServiceDefinition<?>> catalog) {
    ConfigReader root = new ConfigReader(EnvOverrides.applyDataDir(
        EnvOverrides.applyPortOffset(json, ServiceCatalog.DEFAULT_PORTS), ServiceCatalog.DEFAULT_PORTS));
    Profile profile = root.enumValue("profile", Profile.class, Profile.DEV);
    Path devSecretsFile = Path.of(root.string("devSecretsFile", DevSecrets.DEFAULT_FILE.toString()));
    Supplier<DevSecrets> devSecrets = devSecrets(profile, devSecretsFile);
    ConfigReader jwtSection = root.section("jwt");
    boolean needsDevJwtSecret = profile.isDev() && jwtSection.string("hs256Secret", "").isEmpty();
    JwtConfig jwt = JwtConfig.read(jwtSection, needsDevJwtSecret ? devSecrets.get().jwtSecret() : null);
    if (profile == Profile.PROD && jwt.jwksUrl() != null && !jwt.jwksUrl().startsWith("https:")) {
      throw jwtSection.invalid("jwksUrl", "must be https in --profile prod");
    }
    ConfigReader m = root.section("management");
    ManagementConfig management = new ManagementConfig(m.bool("enabled", true), m.string("host", "127.0.0.1"),
        m.port("port", 9100), m.bool("behindTlsProxy", false));
    ConfigReader c = root.section("cluster");
    ClusterConfig cluster = ClusterConfig.read(c);
    Map<String, ServiceConfig> services = new LinkedHashMap<>();
    Map<String, JwtConfig.Policy> policies = new LinkedHashMap<>();
    for (ServiceDefinition<?> definition : catalog) {
      ConfigReader section = root.section(definition.name());
      services.put(definition.name(), definition.parse(section, profile, devSecrets));
      policies.put(definition.name(), JwtConfig.Policy.read(section.section("jwt"), jwt.policy()));
      // Read in every profile so that a mistyped value stops a dev start too, not only a prod one.
      section.bool("behindTlsProxy", false);
    }
    AppConfig config = new AppConfig(profile, jwt, Map.copyOf(policies), management, cluster, services, devSecretsFile);
    if (profile == Profile.PROD) {
      List<String> keys = config.devSecretsInUse();
      if (!keys.isEmpty()) {
        throw new ConfigException(String.join(", ", keys), (keys.size() == 1 ? "a dev secret is" : "dev secrets are")
            + " in use; --profile prod needs real ones (see docs/configuration.md)");
      }
      config.checkProd(root);
    }
    return config;
  }

  /** In dev, this installation's secrets, read (or created) on first use; in prod, a refusal. */
  private static Supplier<DevSecrets> devSecrets(Profile profile, Path file) {
    if (profile == Profile.PROD) {
      return () -> {
        throw new ConfigException("devSecretsFile", "--profile prod never uses generated dev secrets; configure the secret");
      };
    }
    DevSecrets[] loaded = new DevSecrets[1];
    return () -> {
      if (loaded[0] == null) {
        loaded[0] = DevSecrets.loadOrCreate(file);
      }
      return loaded[0];
    };
  }

  private void checkProd(ConfigReader root) {
    services.forEach((name, service) -> {
      if (!service.enabled()) {
        return;
      }
      JwtConfig.Policy policy = jwtPolicies.get(name);
      if (policy.issuer() == null) {
        throw new ConfigException("jwt.issuer", "is required by --profile prod (" + name + " would accept tokens from any issuer)");
      }
      if (policy.audience() == null) {
        throw new ConfigException(name + ".jwt.audience", "is required by --profile prod (or jwt.audience for every service)");
      }
      ConfigReader section = root.section(name);
      HttpEndpointConfig http = HttpEndpointConfig.read(section, 0);
      if (!http.tls().enabled() && !section.bool("behindTlsProxy", false)) {
        throw section.invalid("tls", "--profile prod refuses plaintext listeners: enable tls, or state "
            + name + ".behindTlsProxy: true when a TLS proxy fronts it");
      }
      if (http.allowedOrigins().isEmpty() && !HttpEndpointConfig.statesAnyOrigin(section)) {
        throw section.invalid("allowedOrigins", "--profile prod refuses an empty Origin allow-list: list the "
            + "origins, or state [\"*\"] to accept any");
      }
    });
    if (management.enabled() && !isLoopback(management.host()) && !management.behindTlsProxy()) {
      throw new ConfigException("management.host", "--profile prod keeps the unauthenticated management server on "
          + "a loopback address unless management.behindTlsProxy is true");
    }
  }

  private static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      // Literal addresses only: no name lookup happens for these.
      return host.matches("[0-9.:a-fA-F]+") && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Keys whose value is a dev secret (generated for this installation, or built in). */
  public List<String> devSecretsInUse() {
    List<String> keys = new ArrayList<>();
    if (jwt.devSecret()) {
      keys.add("jwt.hs256Secret");
    }
    services.forEach((name, config) -> {
      if (config.enabled()) {
        keys.addAll(config.devSecretsInUse());
      }
    });
    return keys;
  }
}
