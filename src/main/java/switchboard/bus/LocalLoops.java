package switchboard.bus;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import switchboard.platform.CallerContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;

/**
 * The instances of one service on this node, one per event loop, as the node's router sees them. Each
 * instance keeps its sockets' state confined to its own loop; a message for this node runs on every loop
 * (each encrypts and writes to its own sockets), a message for one client only on the loop that holds it.
 * The hot path takes no lock: the loop list is copy-on-write (it changes only at deploy and undeploy) and
 * the client index is a concurrent map.
 */
public final class LocalLoops {

  /** One instance's place in the group: its loop and how it delivers there. */
  public static final class Loop {
    private final Context context;
    private final ToIntFunction<NodeMessage> delivery;

    private Loop(Context context, ToIntFunction<NodeMessage> delivery) {
      this.context = context;
      this.delivery = delivery;
    }
  }

  private final List<Loop> loops = new CopyOnWriteArrayList<>();
  private final Map<String, Loop> owners = new ConcurrentHashMap<>();

  /**
   * Adds the instance running on {@code context}.
   *
   * @param delivery delivers a message to that instance's sockets and answers how many it reached; always
   *                 called on {@code context}
   */
  public Loop join(Context context, ToIntFunction<NodeMessage> delivery) {
    Loop loop = new Loop(context, delivery);
    loops.add(loop);
    return loop;
  }

  public void leave(Loop loop) {
    loops.remove(loop);
    owners.values().removeIf(owner -> owner == loop);
  }

  /** Records that {@code loop} holds the socket of {@code clientId}. */
  public void own(Loop loop, String clientId) {
    owners.put(clientId, loop);
  }

  /** Forgets {@code clientId}, unless another loop has taken it since. */
  public void disown(Loop loop, String clientId) {
    owners.remove(clientId, loop);
  }

  public boolean holds(String clientId) {
    return owners.containsKey(clientId);
  }

  /** Clients held by each loop, in the order the loops joined. */
  public List<Integer> holdingPerLoop() {
    List<Integer> counts = new ArrayList<>();
    for (Loop loop : loops) {
      int held = 0;
      for (Loop owner : owners.values()) {
        if (owner == loop) {
          held++;
        }
      }
      counts.add(held);
    }
    return counts;
  }

  /** Clients held on this node's loops. */
  public int holding() {
    return owners.size();
  }

  /**
   * Delivers on this node: on the owning loop for a message to one client, on every loop otherwise. Answers
   * the sockets reached, on the caller's context.
   */
  public Future<Integer> deliver(NodeMessage message) {
    String clientId = NodeMessage.clientOf(message);
    if (clientId != null) {
      Loop owner = owners.get(clientId);
      return owner == null ? Future.succeededFuture(0) : on(owner, message);
    }
    // the copy-on-write list iterates a snapshot: no copy needed per message
    List<Future<Integer>> shares = new ArrayList<>(loops.size());
    for (Loop loop : loops) {
      shares.add(on(loop, message));
    }
    return Future.all(shares).map(all -> {
      int sum = 0;
      for (int i = 0; i < all.size(); i++) {
        sum += all.<Integer>resultAt(i);
      }
      return sum;
    });
  }

  private static Future<Integer> on(Loop loop, NodeMessage message) {
    Context caller = Vertx.currentContext();
    if (caller == loop.context) {
      try {
        return Future.succeededFuture(loop.delivery.applyAsInt(message));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    // the answer comes back on the caller's context, so whoever waits on it stays on its own loop
    Promise<Integer> answer = CallerContext.promise();
    loop.context.runOnContext(v -> {
      try {
        answer.complete(loop.delivery.applyAsInt(message));
      } catch (RuntimeException e) {
        answer.fail(e);
      }
    });
    return answer.future();
  }
}
