package switchboard.signal;

import io.vertx.core.Future;
import switchboard.config.ConfigReader;
import switchboard.config.DevSecrets;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.platform.RunningService;
import switchboard.platform.ServiceDefinition;

import java.util.List;
import java.util.function.Supplier;

/** The Signal service as the launcher knows it: section {@code signal}, one verticle per node. */
public final class SignalDefinition implements ServiceDefinition<SignalConfig> {

  @Override
  public String name() {
    return SignalVerticle.SERVICE;
  }

  @Override
  public SignalConfig parse(ConfigReader section, Profile profile) {
    return SignalConfig.read(section, profile);
  }

  @Override
  public SignalConfig parse(ConfigReader section, Profile profile, Supplier<DevSecrets> devSecrets) {
    return SignalConfig.read(section, profile, profile == Profile.PROD ? null : devSecrets);
  }

  @Override
  public Future<RunningService> deploy(Platform platform, SignalConfig config) {
    SignalVerticle verticle = new SignalVerticle(platform, config);
    return platform.vertx().deployVerticle(verticle).map(id -> {
      int port = verticle.actualPort();
      return new RunningService(name(), port, List.of(config.http().url(true, port, config.wsPath()),
          config.http().url(false, port, SignalRestApi.BASE)));
    });
  }
}
