package switchboard.webflow;

import io.vertx.core.Future;
import switchboard.config.ConfigReader;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.platform.RunningService;
import switchboard.platform.ServiceDefinition;

import java.util.List;

/** How the launcher knows Web Flow: section {@code webflow}, {@link WebFlowConfig}, one {@link WebFlowVerticle}. */
public final class WebFlowDefinition implements ServiceDefinition<WebFlowConfig> {

  public static final String NAME = "webflow";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public WebFlowConfig parse(ConfigReader section, Profile profile) {
    return WebFlowConfig.read(section);
  }

  @Override
  public Future<RunningService> deploy(Platform platform, WebFlowConfig config) {
    WebFlowVerticle verticle = new WebFlowVerticle(platform, config);
    return platform.vertx().deployVerticle(verticle).map(id -> {
      return new RunningService(NAME, verticle.port(), List.of(config.http().url(true, verticle.port(), config.path()),
          config.http().url(false, verticle.port(), WebFlowProtocol.AUTHORIZATIONS_PATH)));
    });
  }
}
