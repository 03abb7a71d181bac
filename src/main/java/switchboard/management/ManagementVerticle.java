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
import switchboard.ws.ServiceHttpServer;

import java.util.List;
import java.util.Objects;

/**
 * Operators' HTTP server: {@code GET /health} (node, cluster members, services), {@code GET /metrics}, the API
 * contracts under {@code /docs/}, the JavaScript SDK under {@code /sdk/}, the operator console under
 * {@code /console/} (all packaged into the jar) and the console's admin API under {@code /api/} ({@link ConsoleApi}).
 */
public final class ManagementVerticle extends VerticleBase {

  private final Platform platform;
  private final AppConfig.ManagementConfig config;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;
  private NodeStats stats;

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
    ServiceHttpServer.serveSdk(router);
    // "/console" also matches "/console/", which must reach the static files rather than redirect again.
    router.get("/console").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) {
        ctx.next();
      } else {
        ctx.redirect("/console/");
      }
    });
    router.get("/console/*").handler(ctx -> {
      // The console talks to this server and to the services' WebSockets (other ports), nothing else.
      ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; "
          + "img-src 'self' data:; frame-ancestors 'none'");
      ctx.next();
    }).handler(StaticHandler.create("static/console").setCachingEnabled(false));
    stats = new NodeStats(vertx, platform, registry);
    new ConsoleApi(vertx, platform, stats).mount(router);
    return stats.start()
        .compose(v -> vertx.createHttpServer().requestHandler(router).listen(config.port(), config.host()))
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return stats.stop();
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
