package switchboard.wallet;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import switchboard.config.ConfigReader;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.platform.RunningService;
import switchboard.platform.ServiceDefinition;

import java.time.Clock;
import java.util.List;

/** The wallet gateway: the gateway verticle and, when enabled, the embedded dev ledger. */
public final class WalletDefinition implements ServiceDefinition<WalletConfig> {

  @Override
  public String name() {
    return WalletVerticle.SERVICE;
  }

  @Override
  public WalletConfig parse(ConfigReader section, Profile profile) {
    WalletConfig config = WalletConfig.read(section);
    if (profile == Profile.PROD && config.ledger().enabled()) {
      throw section.section("ledger").invalid("enabled",
          "the dev ledger is a development tool; --profile prod refuses it (connect the gateway to a real ledger)");
    }
    return config;
  }

  @Override
  public Future<RunningService> deploy(Platform platform, WalletConfig config) {
    return deploy(platform, config, Clock.systemUTC());
  }

  /** Deploys with the given clock (tests judge deadlines at a fixed time). */
  public Future<RunningService> deploy(Platform platform, WalletConfig config, Clock clock) {
    Future<String> ledger = config.ledger().enabled()
        ? platform.vertx().deployVerticle(new DevLedgerVerticle(config.ledger(), config.tokens(), platform.cluster()),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        : Future.succeededFuture();
    WalletVerticle gateway = new WalletVerticle(platform, config, clock);
    return ledger.compose(id -> platform.vertx().deployVerticle(gateway)).map(id -> {
      int port = gateway.actualPort();
      return new RunningService(name(), port, List.of(config.http().url(true, port, WalletProtocol.WS_PATH),
          config.http().url(false, port, "/basic-data")));
    });
  }
}
