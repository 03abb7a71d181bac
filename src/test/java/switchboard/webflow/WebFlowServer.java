package switchboard.webflow;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import switchboard.config.ConfigReader;
import switchboard.platform.Platform;
import switchboard.testing.TestPlatform;

import static switchboard.testing.Await.await;

/** A Web Flow verticle on its own Vert.x (or a given platform) on a free port, with test-sized limits. */
final class WebFlowServer implements AutoCloseable {

  final Vertx vertx;
  final Platform platform;
  final WebFlowVerticle verticle;
  private final boolean ownsVertx;

  private WebFlowServer(Platform platform, WebFlowVerticle verticle, boolean ownsVertx) {
    this.vertx = platform.vertx();
    this.platform = platform;
    this.verticle = verticle;
    this.ownsVertx = ownsVertx;
  }

  /** The section the tests start from; {@code overrides} are merged over it. */
  static JsonObject section(JsonObject overrides) {
    JsonObject base = new JsonObject()
        .put("host", "127.0.0.1").put("port", 0)
        .put("stomp", new JsonObject().put("maxBodyBytes", 1024).put("maxFrameBytes", 4096)
            .put("messagesPerSecond", 50).put("burst", 50).put("heartbeatMs", 0));
    return base.mergeIn(overrides, true);
  }

  static WebFlowServer start(JsonObject overrides) {
    return start(TestPlatform.single(Vertx.vertx()), overrides, true);
  }

  static WebFlowServer start(Platform platform, JsonObject overrides) {
    return start(platform, overrides, false);
  }

  private static WebFlowServer start(Platform platform, JsonObject overrides, boolean ownsVertx) {
    WebFlowConfig config = WebFlowConfig.read(new ConfigReader(section(overrides)));
    WebFlowVerticle verticle = new WebFlowVerticle(platform, config);
    await(platform.vertx().deployVerticle(verticle));
    return new WebFlowServer(platform, verticle, ownsVertx);
  }

  int port() {
    return verticle.port();
  }

  @Override
  public void close() {
    if (ownsVertx) {
      await(vertx.close(), 30);
    }
  }
}
