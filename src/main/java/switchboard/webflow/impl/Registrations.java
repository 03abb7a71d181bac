package switchboard.webflow.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import switchboard.bus.Addresses;
import switchboard.bus.ClusterView;
import switchboard.bus.SessionDirectory;
import switchboard.webflow.WebFlowConfig;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * The cluster-wide Web Flow state: webSocketId → the STOMP session that registered it (with the node holding
 * it), and notifications held for webSocketIds nobody has registered yet. Both are SharedData async maps
 * (Hazelcast in a cluster) with TTLs, so a crashed node or an abandoned page leaves nothing behind for long.
 *
 * <p>Held notifications: the latest one per webSocketId (a newer one supersedes an older: each only tells the
 * page to fetch the operation's state), at most {@code maxPending} webSocketIds cluster-wide.
 */
public final class Registrations {

  public static final String SESSION = "session";

  /** What {@link #register} did. */
  public enum Outcome { REGISTERED, REFRESHED, TAKEN }

  private final ClusterView cluster;
  private final SessionDirectory directory;
  private final Future<AsyncMap<String, JsonObject>> pending;
  private final WebFlowConfig config;
  private final Predicate<String> liveLocalSession;

  /**
   * @param liveLocalSession whether a STOMP session id is open on this node; an entry of this node naming a
   *                         session that is gone is stale and may be replaced
   */
  public Registrations(Vertx vertx, ClusterView cluster, WebFlowConfig config, Predicate<String> liveLocalSession) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.config = Objects.requireNonNull(config, "config");
    this.liveLocalSession = Objects.requireNonNull(liveLocalSession, "liveLocalSession");
    this.directory = new SessionDirectory(vertx, cluster, Addresses.WEBFLOW_REGISTRATIONS_MAP);
    this.pending = vertx.sharedData().getAsyncMap(Addresses.WEBFLOW_PENDING_MAP);
  }

  /** Binds {@code webSocketId} to a session of this node; a binding held by another live session is TAKEN. */
  public Future<Outcome> register(String webSocketId, String session) {
    return register(webSocketId, session, 3);
  }

  private Future<Outcome> register(String webSocketId, String session, int attempts) {
    JsonObject info = new JsonObject().put(SESSION, session);
    long ttl = config.registrationTtl().toMillis();
    return directory.putIfAbsent(webSocketId, info, ttl).compose(free -> {
      if (free) {
        return Future.succeededFuture(Outcome.REGISTERED);
      }
      return directory.get(webSocketId).compose(entry -> {
        if (entry == null) {
          return retry(webSocketId, session, attempts);
        }
        boolean local = cluster.nodeId().equals(entry.getString(SessionDirectory.NODE));
        String owner = entry.getString(SESSION);
        if (local && session.equals(owner)) {
          return directory.put(webSocketId, info, ttl).map(Outcome.REFRESHED);
        }
        boolean stale = local && !liveLocalSession.test(owner);
        if (stale || !config.refuseTakeover()) {
          return directory.removeIfPresent(webSocketId, entry).compose(v -> retry(webSocketId, session, attempts));
        }
        return Future.succeededFuture(Outcome.TAKEN);
      });
    });
  }

  private Future<Outcome> retry(String webSocketId, String session, int attempts) {
    return attempts > 1 ? register(webSocketId, session, attempts - 1) : Future.succeededFuture(Outcome.TAKEN);
  }

  /** Drops the binding if it still names this session of this node. */
  public Future<Boolean> unregister(String webSocketId, String session) {
    JsonObject entry = new JsonObject().put(SESSION, session).put(SessionDirectory.NODE, cluster.nodeId());
    return directory.removeIfPresent(webSocketId, entry);
  }

  /** The binding {@code {session, node}} of a webSocketId, or null. */
  public Future<JsonObject> lookup(String webSocketId) {
    return directory.get(webSocketId);
  }

  /** Holds a notice until its webSocketId is registered; false when the held set is full. */
  public Future<Boolean> hold(AuthorizationNotice notice) {
    long ttl = config.pendingTtl().toMillis();
    return pending.compose(m -> m.get(notice.webSocketId()).compose(existing -> {
      if (existing != null) {
        return m.put(notice.webSocketId(), notice.toJson(), ttl).map(true);
      }
      return m.size().compose(size -> size >= config.maxPending()
          ? Future.succeededFuture(false)
          : m.put(notice.webSocketId(), notice.toJson(), ttl).map(true));
    }));
  }

  /** Removes and answers the notice held for a webSocketId, or null; exactly one caller gets it. */
  public Future<AuthorizationNotice> takeHeld(String webSocketId) {
    return pending.compose(m -> m.remove(webSocketId))
        .map(json -> json == null ? null : AuthorizationNotice.fromJson(json));
  }
}
