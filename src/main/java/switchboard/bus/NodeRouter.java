package switchboard.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Routes {@link NodeMessage}s to the node that holds the target sockets. Each node runs exactly one
 * consumer per service, at {@code switchboard.<service>.node.<nodeId>}: never one per socket, which
 * floods the cluster's subscription table. A message for this node skips the event bus.
 *
 * <p>Each delivery answers with the number of sockets it reached; fan-outs sum the answers and count a
 * node that does not answer in time (or has the service switched off) as zero.
 */
public final class NodeRouter {

  private final Vertx vertx;
  private final ClusterView cluster;
  private final String service;
  private final ToIntFunction<NodeMessage> localDelivery;
  private final DeliveryOptions delivery;
  private MessageConsumer<JsonObject> consumer;

  /**
   * @param localDelivery delivers a message to this node's sockets and returns how many it reached;
   *                      called on the context that calls {@link #start()}
   * @param timeoutMs     how long to wait for another node's answer
   */
  public NodeRouter(Vertx vertx, ClusterView cluster, String service, ToIntFunction<NodeMessage> localDelivery,
                    long timeoutMs) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.service = Objects.requireNonNull(service, "service");
    this.localDelivery = Objects.requireNonNull(localDelivery, "localDelivery");
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.nodeDelivery(service, cluster.nodeId()), msg -> {
      int reached;
      try {
        reached = localDelivery.applyAsInt(NodeMessage.fromJson(msg.body()));
      } catch (RuntimeException e) {
        msg.fail(400, e.getMessage());
        return;
      }
      msg.reply(reached);
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Delivers to the sockets of one node; answers how many were reached (0 if that node is gone). */
  public Future<Integer> toNode(String nodeId, NodeMessage message) {
    if (cluster.nodeId().equals(nodeId)) {
      return Future.succeededFuture(localDelivery.applyAsInt(message));
    }
    return vertx.eventBus().<Integer>request(Addresses.nodeDelivery(service, nodeId), message.toJson(), delivery)
        .map(reply -> reply.body())
        .otherwise(0);
  }

  /** Delivers on every node of the cluster; answers the total number of sockets reached. */
  public Future<Integer> toAllNodes(NodeMessage message) {
    List<Future<Integer>> answers = new ArrayList<>();
    for (String node : cluster.members()) {
      answers.add(toNode(node, message));
    }
    return Future.all(answers).map(all -> {
      int total = 0;
      for (int i = 0; i < all.size(); i++) {
        total += all.<Integer>resultAt(i);
      }
      return total;
    });
  }
}
