package switchboard.webflow.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import switchboard.bus.ClusterView;
import switchboard.bus.NodeMessage;
import switchboard.bus.NodeRouter;
import switchboard.bus.SessionDirectory;
import switchboard.platform.ServiceMetrics;

import java.util.function.ToIntBiFunction;

/**
 * Takes an authorization notice to the session that registered its webSocketId, on whichever node holds it,
 * or holds it until that webSocketId is registered. Answers {@code {"delivered","queued"}} as the bus and
 * REST APIs reply.
 */
public final class AuthorizationRouter {

  private final Registrations registrations;
  private final ServiceMetrics metrics;
  private final ToIntBiFunction<String, AuthorizationNotice> localDelivery;
  private final NodeRouter router;

  /**
   * @param localDelivery writes a notice routed to this node to a session of this node (by session id) and
   *                      answers how many sessions it reached
   */
  public AuthorizationRouter(Vertx vertx, ClusterView cluster, String service, Registrations registrations,
                             ServiceMetrics metrics, long deliveryTimeoutMs,
                             ToIntBiFunction<String, AuthorizationNotice> localDelivery) {
    this.registrations = registrations;
    this.metrics = metrics;
    this.localDelivery = localDelivery;
    this.router = new NodeRouter(vertx, cluster, service, this::onNodeMessage, deliveryTimeoutMs);
  }

  public Future<Void> start() {
    return router.start();
  }

  public Future<Void> stop() {
    return router.stop();
  }

  /**
   * Delivers a notice to the session that registered its webSocketId, or holds it. After holding it looks
   * again: a registration that landed in between takes the held notice itself, or this call takes it back
   * and delivers; the atomic remove of the held notice makes sure exactly one of the two delivers it.
   */
  public Future<JsonObject> authorize(AuthorizationNotice notice) {
    return route(notice).compose(delivered -> {
      if (delivered) {
        return Future.succeededFuture(result(true, false));
      }
      return registrations.hold(notice).compose(held -> {
        if (!held) {
          metrics.error("PENDING_FULL");
          return Future.succeededFuture(result(false, false));
        }
        return registrations.lookup(notice.webSocketId()).compose(entry -> entry == null
            ? Future.succeededFuture(result(false, true))
            : registrations.takeHeld(notice.webSocketId()).compose(taken -> taken == null
                ? Future.succeededFuture(result(false, true))
                : route(taken).compose(ok -> ok
                    ? Future.succeededFuture(result(true, false))
                    : registrations.hold(taken).map(again -> result(false, again)))));
      });
    });
  }

  private Future<Boolean> route(AuthorizationNotice notice) {
    return registrations.lookup(notice.webSocketId()).compose(entry -> {
      if (entry == null) {
        return Future.succeededFuture(false);
      }
      NodeMessage message = new NodeMessage.ToClient(entry.getString(Registrations.SESSION), notice.toJson());
      return router.toNode(entry.getString(SessionDirectory.NODE), message).map(reached -> reached > 0);
    });
  }

  private static JsonObject result(boolean delivered, boolean queued) {
    return new JsonObject().put("delivered", delivered).put("queued", queued);
  }

  private int onNodeMessage(NodeMessage message) {
    if (!(message instanceof NodeMessage.ToClient toClient)) {
      return 0;
    }
    return localDelivery.applyAsInt(toClient.clientId(), AuthorizationNotice.fromJson(toClient.frame()));
  }
}
