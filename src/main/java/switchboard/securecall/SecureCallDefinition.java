package switchboard.securecall;

import io.vertx.core.Future;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.config.DevSecrets;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.platform.RunningService;
import switchboard.platform.ServiceDefinition;

import java.util.List;
import java.util.function.Supplier;

/** SecureCall: WebRTC call signaling, public-key directory and TURN credentials. */
public final class SecureCallDefinition implements ServiceDefinition<SecureCallConfig> {

  @Override
  public String name() {
    return SecureCallVerticle.SERVICE;
  }

  /** Without the installation's dev secrets, a dev section must name its TURN secret too. */
  @Override
  public SecureCallConfig parse(ConfigReader section, Profile profile) {
    return parse(section, profile, () -> {
      throw new ConfigException(section.key("turn.secrets"), "is required when no dev secrets are available");
    });
  }

  @Override
  public SecureCallConfig parse(ConfigReader section, Profile profile, Supplier<DevSecrets> devSecrets) {
    return SecureCallConfig.read(section, profile, profile.isDev() ? () -> devSecrets.get().turnSecret() : null);
  }

  @Override
  public Future<RunningService> deploy(Platform platform, SecureCallConfig config) {
    SecureCallVerticle verticle = new SecureCallVerticle(platform, config);
    return platform.vertx().deployVerticle(verticle).map(id -> {
      int port = verticle.actualPort();
      return new RunningService(name(), port, List.of(config.http().url(true, port, SecureCallConfig.PATH),
          config.http().url(false, port, "/health")));
    });
  }
}
