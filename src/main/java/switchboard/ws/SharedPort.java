package switchboard.ws;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.shareddata.LocalMap;

import java.util.function.IntFunction;

/**
 * The one port a service's instances listen on. Vert.x shares a port among servers that listen on the same
 * host and port, handing each new connection to one of their event loops in turn. Port 0 would give each
 * instance a random port of its own; a negative port asks Vert.x for one random port that every server
 * listening with the same negative port shares, so port 0 (tests) is listened on as a negative port. Each
 * shared port takes a negative number no other one in the same Vert.x has taken, since two services (or two
 * deployments of one) listening with the same negative number would share one port.
 */
public final class SharedPort {

  /** The negative numbers taken in one Vert.x, each by one shared port listened on as "any port". */
  private static final String RANDOM_PORT_KEYS = "switchboard.ws.SharedPort.randomPortKeys";

  private final int configured;
  private final Promise<Integer> bound = Promise.promise();
  private int randomPortKey;

  public SharedPort(int configured) {
    this.configured = configured;
  }

  /** Listens with {@code listen(port)}, called on a Vert.x context (a verticle's start); answers that server. */
  public Future<HttpServer> listen(IntFunction<Future<HttpServer>> listen) {
    return listen.apply(listenPort())
        .onSuccess(server -> bound.tryComplete(server.actualPort()));
  }

  /** The port the instances listen on, once the first one does. */
  public Future<Integer> port() {
    return bound.future();
  }

  /** Instances start on their own event loops at once, hence the lock; it is taken once per instance. */
  private synchronized int listenPort() {
    if (configured != 0) {
      return configured;
    }
    if (randomPortKey == 0) {
      Context context = Vertx.currentContext();
      if (context == null) {
        throw new IllegalStateException("a shared port is listened on from a verticle's context");
      }
      LocalMap<Integer, Boolean> taken = context.owner().sharedData().getLocalMap(RANDOM_PORT_KEYS);
      int key = 1;
      while (taken.putIfAbsent(key, Boolean.TRUE) != null) {
        key++;
      }
      randomPortKey = -key;
    }
    return randomPortKey;
  }
}
