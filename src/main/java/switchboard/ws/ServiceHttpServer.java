package switchboard.ws;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import switchboard.config.HttpEndpointConfig;

/**
 * The HTTP server every service runs: bind address, TLS from PEM, a router that answers
 * {@code GET /health} with {@code {"status":"ok"}} and JSON errors, and the shared WebSocket plumbing.
 */
public final class ServiceHttpServer {

  /** Seconds a closed WebSocket's peer gets to finish the close handshake before TCP is cut. */
  private static final int CLOSING_TIMEOUT_SECONDS = 2;

  private ServiceHttpServer() {
  }

  public static HttpServerOptions options(HttpEndpointConfig config) {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setWebSocketClosingTimeout(CLOSING_TIMEOUT_SECONDS);
    if (config.tls().enabled()) {
      options.setSsl(true).setKeyCertOptions(config.tls().pemOptions());
    }
    return options;
  }

  /** A router with /health, a request body limit and JSON answers for unmatched routes and failures. */
  public static Router router(Vertx vertx, long maxBodyBytes) {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
    router.route().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    router.errorHandler(404, ctx -> jsonError(ctx.response(), 404, "not found"));
    router.errorHandler(405, ctx -> jsonError(ctx.response(), 405, "method not allowed"));
    router.errorHandler(413, ctx -> jsonError(ctx.response(), 413, "request body too large"));
    router.errorHandler(400, ctx -> jsonError(ctx.response(), 400, "bad request"));
    router.errorHandler(500, ctx -> jsonError(ctx.response(), 500, "internal error"));
    return router;
  }

  /**
   * Serves the JavaScript SDK (packaged into the jar) under {@code /sdk/}. Pages on any origin import it as ES
   * modules, which the browser fetches in CORS mode, hence the open CORS header on these public files.
   */
  public static void serveSdk(Router router) {
    router.get("/sdk/*").handler(ctx -> {
      ctx.response().putHeader("Access-Control-Allow-Origin", "*");
      ctx.next();
    }).handler(StaticHandler.create("static/sdk"));
  }

  public static void jsonError(io.vertx.core.http.HttpServerResponse response, int status, String message) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).encode());
  }

  /** Starts a server with the router for HTTP and, when given, the WebSocket endpoint for upgrades. */
  public static Future<HttpServer> start(Vertx vertx, HttpEndpointConfig config, Router router, WsEndpoint ws) {
    return start(vertx, config, router, ws, new SharedPort(config.port()));
  }

  /** Same, for one of several instances of a service: all listen on {@code port}. */
  public static Future<HttpServer> start(Vertx vertx, HttpEndpointConfig config, Router router, WsEndpoint ws,
                                         SharedPort port) {
    HttpServerOptions options = options(config);
    if (ws != null) {
      ws.tune(options);
    }
    HttpServer server = vertx.createHttpServer(options);
    if (ws != null) {
      ws.attach(server);
      server.requestHandler(request -> {
        ws.requestHeadArrived(request.remoteAddress());
        router.handle(request);
      });
    } else {
      server.requestHandler(router);
    }
    return port.listen(p -> server.listen(p, config.host()));
  }
}
