package switchboard.webflow.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import switchboard.bus.ClusterView;
import switchboard.bus.NodeMessage;
import switchboard.bus.NodeRouter;
import switchboard.bus.SessionDirectory;
import switchboard.platform.ServiceMetrics;

import java.util.List;
import java.util.function.ToIntBiFunction;

/**
 * Takes an authorization notice to the session that registered its webSocketId, on whichever node holds it,
 * or holds it until that webSocketId is registered; and tells a session, on whichever node holds it, that a
 * newer registration moved one of its webSocketIds away. Answers {@code {"delivered","queued"}} as the bus and
 * REST APIs reply.
 */
public final class AuthorizationRouter {

  /** The node message naming the webSocketId a session lost; notices carry {@code authResult} instead. */
  private static final String MOVED = "movedWebSocketId";

  private final Registrations registrations;
  private final ServiceMetrics metrics;
  private final ToIntBiFunction<String, AuthorizationNotice> localDelivery;
  private final ToIntBiFunction<String, String> localMove;
  private final NodeRouter router;

  /**
   * @param localDelivery writes a notice routed to this node to a session of this node (by session id) and
   *                      answers how many sessions it reached
   * @param localMove     tells a session of this node (by session id) that a webSocketId (second argument) was
   *                      registered by a newer session; answers 1 if that session is here
   */
  public AuthorizationRouter(Vertx vertx, ClusterView cluster, String service, Registrations registrations,
                             ServiceMetrics metrics, long deliveryTimeoutMs,
                             ToIntBiFunction<String, AuthorizationNotice> localDelivery,
                             ToIntBiFunction<String, String> localMove) {
    this.registrations = registrations;
    this.metrics = metrics;
    this.localDelivery = localDelivery;
    this.localMove = localMove;
    this.router = new NodeRouter(vertx, cluster, service,
        message -> Future.succeededFuture(onNodeMessage(message)), deliveryTimeoutMs);
  }

  public Future<Void> start() {
    return router.start();
  }

  public Future<Void> stop() {
    return router.stop();
  }

  /**
   * Delivers a notice to the session that registered its webSocketId, or holds it. After holding it looks
   * again: a registration that landed in between takes the held notices itself, or this call takes them back
   * and delivers them in order; the atomic removes of held notices make sure exactly one of the two delivers
   * each.
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
            : registrations.takeHeld(notice.webSocketId()).compose(taken -> taken.isEmpty()
                ? Future.succeededFuture(result(false, true))
                : routeInOrder(taken, 0).map(allDelivered -> result(allDelivered, !allDelivered))));
      });
    });
  }

  /** Routes taken notices one after the other; from the first that finds nobody, holds the rest again. */
  private Future<Boolean> routeInOrder(List<AuthorizationNotice> notices, int from) {
    if (from == notices.size()) {
      return Future.succeededFuture(true);
    }
    return route(notices.get(from)).compose(ok -> ok
        ? routeInOrder(notices, from + 1)
        : holdInOrder(notices, from).map(false));
  }

  /** Holds notices again, oldest first, so they keep their order. */
  public Future<Void> holdInOrder(List<AuthorizationNotice> notices, int from) {
    if (from == notices.size()) {
      return Future.succeededFuture();
    }
    return registrations.hold(notices.get(from)).compose(held -> {
      if (!held) {
        metrics.error("PENDING_FULL");
      }
      return holdInOrder(notices, from + 1);
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

  /** Tells the session of a directory entry (on its node) that {@code webSocketId} moved to a newer session. */
  public Future<Boolean> moved(JsonObject entry, String webSocketId) {
    NodeMessage message = new NodeMessage.ToClient(entry.getString(Registrations.SESSION),
        new JsonObject().put(MOVED, webSocketId));
    return router.toNode(entry.getString(SessionDirectory.NODE), message).map(reached -> reached > 0);
  }

  private static JsonObject result(boolean delivered, boolean queued) {
    return new JsonObject().put("delivered", delivered).put("queued", queued);
  }

  private int onNodeMessage(NodeMessage message) {
    if (!(message instanceof NodeMessage.ToClient toClient)) {
      return 0;
    }
    String moved = toClient.frame().getString(MOVED);
    if (moved != null) {
      return localMove.applyAsInt(toClient.clientId(), moved);
    }
    return localDelivery.applyAsInt(toClient.clientId(), AuthorizationNotice.fromJson(toClient.frame()));
  }
}
