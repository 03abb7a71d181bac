package switchboard.management;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import switchboard.app.AppConfig;
import switchboard.platform.Platform;
import switchboard.platform.RunningService;

import java.util.List;
import java.util.Objects;

/**
 * Operators' HTTP server: {@code GET /health} (node, cluster members, services), {@code GET /metrics}, the API
 * contracts under {@code /docs/} and the JavaScript SDK under {@code /sdk/} (both packaged into the jar).
 */
public final class ManagementVerticle extends VerticleBase {

  private final Platform platform;
  private final AppConfig.ManagementConfig config;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public ManagementVerticle(Platform platform, AppConfig.ManagementConfig config, PrometheusMeterRegistry registry) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(health()));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/docs/*").handler(StaticHandler.create("static/docs"));
    // Pages on any origin import the SDK as ES modules, which the browser fetches in CORS mode.
    router.get("/sdk/*").handler(ctx -> {
      ctx.response().putHeader("Access-Control-Allow-Origin", "*");
      ctx.next();
    }).handler(StaticHandler.create("static/sdk"));
    return vertx.createHttpServer().requestHandler(router).listen(config.port(), config.host())
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }

  private JsonObject health() {
    JsonObject services = new JsonObject();
    for (RunningService s : List.copyOf(platform.running().values())) {
      services.put(s.name(), new JsonObject().put("status", "up").put("port", s.port())
          .put("urls", new JsonArray(s.urls())));
    }
    return new JsonObject()
        .put("status", "ok")
        .put("node", platform.nodeId())
        .put("clustered", platform.cluster().clustered())
        .put("members", new JsonArray(platform.cluster().members()))
        .put("services", services);
  }
}
