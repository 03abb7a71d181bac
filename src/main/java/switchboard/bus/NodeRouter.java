package switchboard.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Routes {@link NodeMessage}s to the node that holds the target sockets. Each node runs exactly one
 * consumer per service, at {@code switchboard.<service>.node.<nodeId>}: never one per socket, which
 * floods the cluster's subscription table. A message for this node skips the event bus.
 *
 * <p>Each delivery answers a {@link Reach}: the sockets reached, and whether the count is partial because a
 * node failed or did not answer within the route timeout. A send therefore answers within about one route
 * timeout even while a node is dying, and the caller can tell "nobody was there" from "a node did not say".
 * Only current cluster members are asked: a node that has left holds no sockets.
 *
 * <p>Two cases answer sooner than the route timeout. A node that leaves the cluster while its share is
 * outstanding gives a partial zero at once. In a delivery to every member, a member whose last request failed
 * (no answer in time: a dying node before Hazelcast declares it dead, or a member whose event-bus handshake
 * fails, such as a Hazelcast member without a cluster certificate) is still sent the message, but not waited
 * for: its share is a partial zero at once, until one of its answers arrives again. Without this, one such
 * member makes every room send and broadcast wait the full timeout. A delivery to one node still waits for
 * it, so that a caller who acts on "not reached" (a call to an offline client) is not told so by a node
 * that was merely slow once.
 */
public final class NodeRouter {

  /**
   * The answer of a delivery.
   *
   * @param recipients sockets reached on the nodes that answered
   * @param partial    some node failed or did not answer in time, so more sockets may have been reached
   */
  public record Reach(int recipients, boolean partial) {

    public static final Reach NONE = new Reach(0, false);

    Reach plus(Reach other) {
      return new Reach(recipients + other.recipients, partial || other.partial);
    }
  }

  private final Vertx vertx;
  private final ClusterView cluster;
  private final String service;
  private final Function<NodeMessage, Future<Integer>> localDelivery;
  private final DeliveryOptions delivery;
  /** Outstanding shares per remote node, answered at once when that node leaves. */
  private final Map<String, Set<Promise<Reach>>> outstanding = new ConcurrentHashMap<>();
  /** Members whose last request failed; not waited for until one of their answers arrives. */
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final String leftListenerKey = "router." + UUID.randomUUID();
  private MessageConsumer<JsonObject> consumer;

  /**
   * @param localDelivery delivers a message to this node's sockets and answers how many it reached (with
   *                      several instances, {@link LocalLoops#deliver}); called on the context that calls
   *                      {@link #start()}, or the sender's when the message is for this node
   * @param timeoutMs     how long to wait for another node's answer before the count is marked partial
   */
  public NodeRouter(Vertx vertx, ClusterView cluster, String service, Function<NodeMessage, Future<Integer>> localDelivery,
                    long timeoutMs) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.service = Objects.requireNonNull(service, "service");
    this.localDelivery = Objects.requireNonNull(localDelivery, "localDelivery");
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<Void> start() {
    cluster.onNodeLeft(leftListenerKey, this::nodeLeft);
    consumer = vertx.eventBus().consumer(Addresses.nodeDelivery(service, cluster.nodeId()), msg -> {
      Future<Integer> reached;
      try {
        reached = localDelivery.apply(NodeMessage.fromJson(msg.body()));
      } catch (RuntimeException e) {
        msg.fail(400, e.getMessage());
        return;
      }
      reached.onComplete(answer -> {
        if (answer.succeeded()) {
          msg.reply(answer.result());
        } else {
          msg.fail(500, String.valueOf(answer.cause().getMessage()));
        }
      });
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    cluster.removeNodeLeftListener(leftListenerKey);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /**
   * Delivers to the sockets of one node. Never fails: a node that is no longer a member reached nobody; a
   * member that fails, does not answer in time or shows no consumer for the service gives a partial zero.
   * A missing consumer counts as partial because this node cannot tell a service switched off there from one
   * starting, stopping, or whose subscription has not reached this node's view yet. A node that leaves
   * while its share is outstanding gives a partial zero at once.
   */
  public Future<Reach> deliver(String nodeId, NodeMessage message) {
    return deliver(nodeId, message, true);
  }

  /** @param waitIfFailing whether to wait for a member whose last request failed, or count it partial at once */
  private Future<Reach> deliver(String nodeId, NodeMessage message, boolean waitIfFailing) {
    if (cluster.nodeId().equals(nodeId)) {
      return localDelivery.apply(message).map(reached -> new Reach(reached, false));
    }
    if (!cluster.members().contains(nodeId)) {
      return Future.succeededFuture(Reach.NONE);
    }
    Promise<Reach> share = Promise.promise();
    Set<Promise<Reach>> shares = outstanding.computeIfAbsent(nodeId, n -> ConcurrentHashMap.newKeySet());
    shares.add(share);
    vertx.eventBus().<Integer>request(Addresses.nodeDelivery(service, nodeId), message.toJson(), delivery)
        .onComplete(answer -> {
          shares.remove(share);
          if (answer.succeeded()) {
            failing.remove(nodeId);
            share.tryComplete(new Reach(answer.result().body(), false));
          } else {
            failing.add(nodeId);
            share.tryComplete(new Reach(0, true));
          }
        });
    if (!waitIfFailing && failing.contains(nodeId)) {
      share.tryComplete(new Reach(0, true));
    }
    return share.future();
  }

  private void nodeLeft(String nodeId) {
    failing.remove(nodeId);
    Set<Promise<Reach>> shares = outstanding.remove(nodeId);
    if (shares != null) {
      shares.forEach(share -> share.tryComplete(new Reach(0, true)));
    }
  }

  /** Like {@link #deliver}, for callers that only need how many sockets were reached for certain. */
  public Future<Integer> toNode(String nodeId, NodeMessage message) {
    return deliver(nodeId, message).map(Reach::recipients);
  }

  /**
   * Delivers on every current member of the cluster; answers the sum, partial if any node's answer was. A
   * member whose last request failed is sent the message but not waited for.
   */
  public Future<Reach> deliverToAll(NodeMessage message) {
    return deliverTo(cluster.members(), message);
  }

  /**
   * Delivers on each of {@code nodes} (those with members of a room); answers the sum, partial if any
   * node's answer was. A node whose last request failed is sent the message but not waited for.
   */
  public Future<Reach> deliverTo(Collection<String> nodes, NodeMessage message) {
    if (nodes.isEmpty()) {
      return Future.succeededFuture(Reach.NONE);
    }
    if (nodes.size() == 1) {
      return deliver(nodes.iterator().next(), message, false);
    }
    List<Future<Reach>> answers = new ArrayList<>(nodes.size());
    for (String node : nodes) {
      answers.add(deliver(node, message, false));
    }
    return Future.all(answers).map(all -> {
      Reach total = Reach.NONE;
      for (int i = 0; i < all.size(); i++) {
        total = total.plus(all.resultAt(i));
      }
      return total;
    });
  }
}
