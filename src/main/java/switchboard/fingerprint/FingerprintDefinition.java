package switchboard.fingerprint;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import switchboard.config.ConfigReader;
import switchboard.config.DevSecrets;
import switchboard.fingerprint.hardware.HardwareVerticle;
import switchboard.fingerprint.hardware.Usb4JavaBus;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.platform.RunningService;
import switchboard.platform.ServiceDefinition;

import java.util.List;
import java.util.function.Supplier;

/**
 * The Fingerprint service: the hardware verticle on a worker thread (when enabled on this
 * node), then the WebSocket/REST verticle on an event loop.
 */
public final class FingerprintDefinition implements ServiceDefinition<FingerprintConfig> {

  @Override
  public String name() {
    return FingerprintVerticle.SERVICE;
  }

  @Override
  public FingerprintConfig parse(ConfigReader section, Profile profile) {
    return FingerprintConfig.read(section, profile, null);
  }

  /** In dev, this installation's generated key is accepted too, with every permission, so a demo works at once. */
  @Override
  public FingerprintConfig parse(ConfigReader section, Profile profile, Supplier<DevSecrets> devSecrets) {
    return FingerprintConfig.read(section, profile, profile.isDev() ? devSecrets.get().fingerprintApiKey() : null);
  }

  /** The hardware verticle blocks on USB calls: it gets a worker thread, never an event loop. */
  public static DeploymentOptions hardwareDeployment() {
    return new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
  }

  @Override
  public Future<RunningService> deploy(Platform platform, FingerprintConfig config) {
    Future<String> hardware = config.hardware().enabled()
        ? platform.vertx().deployVerticle(new HardwareVerticle(platform, config, Usb4JavaBus::new),
            hardwareDeployment())
        : Future.succeededFuture("");
    FingerprintVerticle service = new FingerprintVerticle(platform, config);
    return hardware.compose(id -> platform.vertx().deployVerticle(service)).map(id -> {
      var http = config.http();
      return new RunningService(name(), service.port(), List.of(http.url(true, service.port(), "/"),
          http.url(true, service.port(), "/ws"), http.url(false, service.port(), "/api")));
    });
  }
}
