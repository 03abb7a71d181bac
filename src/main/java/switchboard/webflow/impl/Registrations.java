package switchboard.webflow.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import switchboard.bus.Addresses;
import switchboard.bus.ClusterView;
import switchboard.bus.SessionDirectory;
import switchboard.webflow.WebFlowConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The cluster-wide Web Flow state: webSocketId → the STOMP session that registered it (with the node holding
 * it), and notifications held for webSocketIds nobody has registered yet. Both are SharedData async maps
 * (Hazelcast in a cluster, with a backup on another member) with TTLs, so a crashed node or an abandoned page
 * leaves nothing behind for long, and a held notification outlives the node that took it in.
 *
 * <p>Held notifications: every one per webSocketId, each in its own slot {@code <webSocketId>#<0..maxPerId-1>}
 * claimed with an atomic put-if-absent that carries the notification's own TTL, so appending needs no lock and
 * no read-modify-write, an expired one disappears by itself, and a full set of slots refuses the newest. Each
 * carries a number from one cluster-wide counter; taking removes every slot (each remove is atomic, so each
 * notification goes to exactly one taker) and answers them in that order.
 *
 * <p>This node also keeps its own bindings (webSocketId → session, until the entry's TTL), so a notice for a
 * page held here is delivered without a cluster read. A binding is kept from the moment the cluster entry is
 * written until the session unregisters it or is told a newer registration moved it; the router answers a
 * newer registration only once that session has been told, so after the answer no node still delivers to
 * the old one. Thread-safe: every event loop of the node registers and looks up here.
 */
public final class Registrations {

  public static final String SESSION = "session";
  private static final String SEQUENCE = "seq";

  /** What {@link #register} did. */
  public enum Outcome { REGISTERED, REFRESHED, TAKEN }

  /**
   * The outcome of a registration and the bindings of other sessions it removed on the way (latest wins):
   * each of those sessions has lost the webSocketId and must be told.
   */
  public record Registration(Outcome outcome, List<JsonObject> displaced) {
  }

  private final ClusterView cluster;
  private final SessionDirectory directory;
  private final Future<AsyncMap<String, JsonObject>> pending;
  private final Future<Counter> sequence;
  private final WebFlowConfig config;
  private final Predicate<String> liveLocalSession;
  private final Map<String, LocalBinding> ownBindings = new ConcurrentHashMap<>();

  /** A binding of this node: the session and when its cluster entry expires unless written again. */
  private record LocalBinding(String session, long expiresAtMs) {
  }

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
    this.sequence = vertx.sharedData().getCounter(Addresses.WEBFLOW_PENDING_SEQUENCE);
  }

  /** Binds {@code webSocketId} to a session of this node; see {@link Registration}. */
  public Future<Registration> register(String webSocketId, String session) {
    return register(webSocketId, session, 3, new ArrayList<>());
  }

  private Future<Registration> register(String webSocketId, String session, int attempts, List<JsonObject> displaced) {
    JsonObject info = new JsonObject().put(SESSION, session);
    long ttl = config.registrationTtl().toMillis();
    // taken before the write, so the local binding never outlives the cluster entry
    long expiresAtMs = System.currentTimeMillis() + ttl;
    return directory.putIfAbsent(webSocketId, info, ttl).compose(free -> {
      if (free) {
        ownBindings.put(webSocketId, new LocalBinding(session, expiresAtMs));
        return Future.succeededFuture(new Registration(Outcome.REGISTERED, displaced));
      }
      return directory.get(webSocketId).compose(entry -> {
        if (entry == null) {
          return retry(webSocketId, session, attempts, displaced);
        }
        boolean local = cluster.nodeId().equals(entry.getString(SessionDirectory.NODE));
        String owner = entry.getString(SESSION);
        if (local && session.equals(owner)) {
          return directory.put(webSocketId, info, ttl).map(v -> {
            ownBindings.put(webSocketId, new LocalBinding(session, expiresAtMs));
            return new Registration(Outcome.REFRESHED, displaced);
          });
        }
        boolean stale = local && !liveLocalSession.test(owner);
        if (!stale && config.refuseTakeover()) {
          return Future.succeededFuture(new Registration(Outcome.TAKEN, displaced));
        }
        return directory.removeIfPresent(webSocketId, entry).compose(removed -> {
          if (removed && !stale) {
            displaced.add(entry);
          }
          return retry(webSocketId, session, attempts, displaced);
        });
      });
    });
  }

  private Future<Registration> retry(String webSocketId, String session, int attempts, List<JsonObject> displaced) {
    return attempts > 1
        ? register(webSocketId, session, attempts - 1, displaced)
        : Future.succeededFuture(new Registration(Outcome.TAKEN, displaced));
  }

  /** Drops the binding if it still names this session of this node. */
  public Future<Boolean> unregister(String webSocketId, String session) {
    forgetLocal(webSocketId, session);
    return directory.removeIfPresent(webSocketId, binding(session));
  }

  /**
   * The session of this node that holds {@code webSocketId}, from the node's own bindings; null when none
   * does (it may still be held on another node).
   */
  public String localSession(String webSocketId) {
    LocalBinding binding = ownBindings.get(webSocketId);
    if (binding == null) {
      return null;
    }
    if (binding.expiresAtMs() <= System.currentTimeMillis()) {
      ownBindings.remove(webSocketId, binding);
      return null;
    }
    return binding.session();
  }

  /**
   * Forgets this node's binding of {@code webSocketId} to {@code session}, if it is still that one; answers
   * what puts it back unchanged, for when the session turns out to hold the webSocketId after all.
   */
  public Runnable forgetLocal(String webSocketId, String session) {
    LocalBinding[] removed = new LocalBinding[1];
    ownBindings.computeIfPresent(webSocketId, (id, binding) -> {
      if (!binding.session().equals(session)) {
        return binding;
      }
      removed[0] = binding;
      return null;
    });
    LocalBinding binding = removed[0];
    return binding == null ? () -> { } : () -> ownBindings.putIfAbsent(webSocketId, binding);
  }

  /** This node's bindings, webSocketId → session. */
  public Map<String, String> localBindings() {
    Map<String, String> bindings = new java.util.HashMap<>();
    ownBindings.forEach((id, binding) -> bindings.put(id, binding.session()));
    return bindings;
  }

  /** The directory entry naming {@code session} of this node. */
  public JsonObject binding(String session) {
    return new JsonObject().put(SESSION, session).put(SessionDirectory.NODE, cluster.nodeId());
  }

  /** The binding {@code {session, node}} of a webSocketId, or null. */
  public Future<JsonObject> lookup(String webSocketId) {
    return directory.get(webSocketId);
  }

  /**
   * Holds a notice until its webSocketId is registered, for {@code pendingTtl}; false when its webSocketId
   * already has {@code maxPendingPerId} held or the cluster holds {@code maxPending}.
   */
  public Future<Boolean> hold(AuthorizationNotice notice) {
    return pending.compose(m -> m.size().compose(size -> {
      if (size >= config.maxPending()) {
        return Future.succeededFuture(false);
      }
      return sequence.compose(Counter::incrementAndGet)
          .compose(n -> claimSlot(m, notice.webSocketId(), notice.toJson().put(SEQUENCE, n), 0));
    }));
  }

  private Future<Boolean> claimSlot(AsyncMap<String, JsonObject> m, String webSocketId, JsonObject held, int slot) {
    if (slot >= config.maxPendingPerId()) {
      return Future.succeededFuture(false);
    }
    return m.putIfAbsent(slotKey(webSocketId, slot), held, config.pendingTtl().toMillis())
        .compose(previous -> previous == null
            ? Future.succeededFuture(true)
            : claimSlot(m, webSocketId, held, slot + 1));
  }

  /** Removes and answers the notices held for a webSocketId, oldest first; each one goes to exactly one caller. */
  public Future<List<AuthorizationNotice>> takeHeld(String webSocketId) {
    return pending.compose(m -> {
      List<Future<JsonObject>> removals = new ArrayList<>();
      for (int slot = 0; slot < config.maxPendingPerId(); slot++) {
        removals.add(m.remove(slotKey(webSocketId, slot)));
      }
      // a slot whose remove failed keeps its notice for a later take; the removed ones must not be dropped
      return Future.join(removals).transform(done -> {
        List<JsonObject> taken = new ArrayList<>();
        for (Future<JsonObject> removal : removals) {
          if (removal.succeeded() && removal.result() != null) {
            taken.add(removal.result());
          }
        }
        if (taken.isEmpty() && done.failed()) {
          return Future.failedFuture(done.cause());
        }
        taken.sort(Comparator.comparingLong(held -> held.getLong(SEQUENCE)));
        return Future.succeededFuture(taken.stream().map(AuthorizationNotice::fromJson).toList());
      });
    });
  }

  /** webSocketIds never contain '#', so slot keys of different ids never collide. */
  private static String slotKey(String webSocketId, int slot) {
    return webSocketId + "#" + slot;
  }
}
