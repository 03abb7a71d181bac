package switchboard.webflow.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.ClusterView;
import switchboard.bus.LocalLoops;
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
 * REST APIs reply. One per node: a notice for a page of this node goes straight to the event loop holding
 * its session ({@link LocalLoops}), any other through the registration directory and the node router.
 */
public final class AuthorizationRouter {

  private static final Logger LOG = LoggerFactory.getLogger(AuthorizationRouter.class);

  /** The node message naming the webSocketId a session lost; notices carry {@code authResult} instead. */
  private static final String MOVED = "movedWebSocketId";

  private final ClusterView cluster;
  private final Registrations registrations;
  private final ServiceMetrics metrics;
  private final LocalLoops loops;
  private final NodeRouter router;
  private final String mergeKey;

  /** @param loops this node's event loops holding Web Flow sessions; node messages are delivered there */
  public AuthorizationRouter(Vertx vertx, ClusterView cluster, String service, Registrations registrations,
                             ServiceMetrics metrics, long deliveryTimeoutMs, LocalLoops loops) {
    this.cluster = cluster;
    this.registrations = registrations;
    this.metrics = metrics;
    this.loops = loops;
    this.router = new NodeRouter(vertx, cluster, service, loops::deliver, deliveryTimeoutMs);
    this.mergeKey = service + ".local-bindings";
  }

  public Future<Void> start() {
    cluster.onMerged(mergeKey, node -> recheckLocalBindings());
    return router.start();
  }

  public Future<Void> stop() {
    return router.stop();
  }

  /**
   * After a split heals, a webSocketId this node still binds may have been registered on the other side
   * meanwhile: such a session is told it moved, as if the registration had reached it.
   */
  private void recheckLocalBindings() {
    registrations.localBindings().forEach((webSocketId, session) ->
        registrations.lookup(webSocketId).onSuccess(entry -> {
          if (entry != null && !entry.equals(registrations.binding(session))) {
            moved(registrations.binding(session), webSocketId).onFailure(err ->
                LOG.warn("could not tell a session that its webSocketId moved: {}", err.toString()));
          }
        }));
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
    String session = registrations.localSession(notice.webSocketId());
    if (session == null) {
      return routeByDirectory(notice);
    }
    // a session that has just closed or lost the webSocketId reaches nobody: the directory knows better
    return loops.deliver(new NodeMessage.ToClient(session, notice.toJson()))
        .compose(reached -> reached > 0 ? Future.succeededFuture(true) : routeByDirectory(notice));
  }

  private Future<Boolean> routeByDirectory(AuthorizationNotice notice) {
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

  /**
   * Hands a node message for one of a loop's sessions to that loop's handler: a notice to {@code delivery},
   * a moved webSocketId to {@code move} (each by session id); answers the sessions reached.
   */
  public static int dispatch(NodeMessage message, ToIntBiFunction<String, AuthorizationNotice> delivery,
                             ToIntBiFunction<String, String> move) {
    if (!(message instanceof NodeMessage.ToClient toClient)) {
      return 0;
    }
    String moved = toClient.frame().getString(MOVED);
    if (moved != null) {
      return move.applyAsInt(toClient.clientId(), moved);
    }
    return delivery.applyAsInt(toClient.clientId(), AuthorizationNotice.fromJson(toClient.frame()));
  }
}
