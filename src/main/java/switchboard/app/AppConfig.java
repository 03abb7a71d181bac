package switchboard.app;

import io.vertx.core.json.JsonObject;
import switchboard.config.ClusterConfig;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.config.JwtConfig;
import switchboard.platform.Profile;
import switchboard.platform.ServiceConfig;
import switchboard.platform.ServiceDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of a node, read and checked before anything is deployed.
 *
 * @param profile    dev or prod
 * @param jwt        platform JWT verification
 * @param management the management server
 * @param cluster    Hazelcast settings used with --cluster
 * @param services   each service's config, by name, in catalog order
 */
public record AppConfig(Profile profile, JwtConfig jwt, ManagementConfig management, ClusterConfig cluster,
                        Map<String, ServiceConfig> services) {

  /**
   * @param enabled serve /health and /metrics
   * @param host    bind address
   * @param port    TCP port (9100 by default)
   */
  public record ManagementConfig(boolean enabled, String host, int port) {
  }

  public static AppConfig read(JsonObject json, List<ServiceDefinition<?>> catalog) {
    ConfigReader root = new ConfigReader(EnvOverrides.applyDataDir(
        EnvOverrides.applyPortOffset(json, ServiceCatalog.DEFAULT_PORTS), ServiceCatalog.DEFAULT_PORTS));
    Profile profile = root.enumValue("profile", Profile.class, Profile.DEV);
    JwtConfig jwt = JwtConfig.read(root.section("jwt"));
    ConfigReader m = root.section("management");
    ManagementConfig management = new ManagementConfig(m.bool("enabled", true), m.string("host", "0.0.0.0"),
        m.port("port", 9100));
    ConfigReader c = root.section("cluster");
    ClusterConfig cluster = ClusterConfig.read(c);
    Map<String, ServiceConfig> services = new LinkedHashMap<>();
    for (ServiceDefinition<?> definition : catalog) {
      services.put(definition.name(), definition.parse(root.section(definition.name()), profile));
    }
    AppConfig config = new AppConfig(profile, jwt, management, cluster, services);
    if (profile == Profile.PROD && !config.devSecretsInUse().isEmpty()) {
      List<String> keys = config.devSecretsInUse();
      throw new ConfigException(String.join(", ", keys), (keys.size() == 1 ? "the built-in dev secret is" : "built-in dev secrets are")
          + " in use; --profile prod needs real ones (see docs/configuration.md)");
    }
    return config;
  }

  /** Keys whose value is a built-in dev-only secret. */
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
