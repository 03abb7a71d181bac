package switchboard.securecall;

import io.vertx.core.Future;
import switchboard.config.ConfigReader;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.platform.RunningService;
import switchboard.platform.ServiceDefinition;

import java.util.List;

/** SecureCall: WebRTC call signaling, public-key directory and TURN credentials. */
public final class SecureCallDefinition implements ServiceDefinition<SecureCallConfig> {

  @Override
  public String name() {
    return SecureCallVerticle.SERVICE;
  }

  @Override
  public SecureCallConfig parse(ConfigReader section, Profile profile) {
    return SecureCallConfig.read(section);
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
