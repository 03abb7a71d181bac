package switchboard.signal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.JwtVerifier;
import switchboard.auth.ServiceAuthHandler;
import switchboard.platform.CallerContext;
import switchboard.signal.impl.SignalHub;
import switchboard.ws.ServiceHttpServer;

import java.util.function.BiFunction;

/**
 * Signal's REST API under {@value #BASE}, and the JavaScript SDK under {@code /sdk/} (as {@code /sdk/signal.js}
 * is where browser apps expect it). Status without auth; everything else needs a platform JWT with
 * the {@code admin} or {@code service} role. Sends answer {@link SignalProtocol#sendAnswer} (room sends
 * {@link SignalProtocol#roomSendAnswer}), counted across the
 * cluster; a disconnect whose node did not confirm it in time answers 504.
 */
final class SignalRestApi {

  static final String BASE = "/v1/api/socket/websocket/clients";
  private static final Logger LOG = LoggerFactory.getLogger(SignalRestApi.class);

  private final Vertx vertx;
  private final JwtVerifier jwt;
  private final SignalHub hub;
  private final SignalConfig config;

  SignalRestApi(Vertx vertx, JwtVerifier jwt, SignalHub hub, SignalConfig config) {
    this.vertx = vertx;
    this.jwt = jwt;
    this.hub = hub;
    this.config = config;
  }

  Router router(long maxBodyBytes) {
    Router router = ServiceHttpServer.router(vertx, maxBodyBytes);
    ServiceAuthHandler auth = ServiceAuthHandler.forServices(jwt);
    router.get(BASE + "/status").handler(this::status);
    ServiceHttpServer.serveSdk(router);
    // "/*" also matches the bare base path; status is answered above and never reaches the guard
    router.route(BASE + "/*").handler(auth);
    router.get(BASE).handler(this::list);
    router.get(BASE + "/").handler(this::list);
    router.post(BASE + "/broadcast").handler(ctx -> send(ctx, (topic, data) ->
        hub.broadcast(topic, data).map(SignalProtocol::sendAnswer)));
    router.post(BASE + "/rooms/:room/send").handler(ctx -> {
      String room = ctx.pathParam("room");
      if (!config.rooms().containsKey(room)) {
        ServiceHttpServer.jsonError(ctx.response(), 404, "no room named '" + room + "'");
        return;
      }
      send(ctx, (topic, data) -> hub.toRoom(room, topic, data).map(SignalProtocol::roomSendAnswer));
    });
    router.post(BASE + "/:clientId/send").handler(ctx ->
        send(ctx, (topic, data) -> hub.toClient(ctx.pathParam("clientId"), topic, data).map(SignalProtocol::sendAnswer)));
    router.post(BASE + "/:clientId/disconnect").handler(ctx ->
        answer(ctx, hub.disconnect(ctx.pathParam("clientId"), SignalProtocol.CLOSE_DISCONNECTED, "disconnected by server")
            .compose(reach -> reach.partial() ? Future.failedFuture(new NodeSilentException())
                : Future.succeededFuture(new JsonObject().put("disconnected", true)
                    .put("clientId", ctx.pathParam("clientId"))))));
    return router;
  }

  private void status(RoutingContext ctx) {
    CallerContext.of(hub.clientCount()).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(new JsonObject().put("isReady", true).put("clientCount", ar.result()));
      } else {
        ctx.response().setStatusCode(503);
        ctx.json(new JsonObject().put("isReady", false).put("clientCount", hub.localCount()));
      }
    });
  }

  private void list(RoutingContext ctx) {
    answer(ctx, hub.clients().map(clients -> new JsonObject().put("clients", clients)));
  }

  private void send(RoutingContext ctx, BiFunction<String, Object, Future<JsonObject>> action) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    String topic = SignalProtocol.topic(body);
    if (topic == null) {
      ServiceHttpServer.jsonError(ctx.response(), 400, "body must be {\"topic\": string, \"data\": any}");
      return;
    }
    answer(ctx, action.apply(topic, body.getValue("data")));
  }

  /** The client's node did not confirm a disconnect within the route timeout. */
  private static final class NodeSilentException extends RuntimeException {
    NodeSilentException() {
      super("the client's node did not answer in time", null, false, false);
    }
  }

  private static void answer(RoutingContext ctx, Future<JsonObject> result) {
    CallerContext.of(result).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result());
      } else if (ar.cause() instanceof SignalHub.ClientNotFoundException e) {
        ServiceHttpServer.jsonError(ctx.response(), 404, e.getMessage());
      } else if (ar.cause() instanceof NodeSilentException e) {
        ServiceHttpServer.jsonError(ctx.response(), 504, e.getMessage());
      } else {
        LOG.warn("signal REST {} failed: {}", ctx.request().path(), ar.cause().toString());
        ServiceHttpServer.jsonError(ctx.response(), 500, "internal error");
      }
    });
  }
}
