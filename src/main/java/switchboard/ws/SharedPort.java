package switchboard.ws;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The one port a service's instances listen on. Vert.x shares a port among servers that listen on the same
 * host and port, handing each new connection to one of their event loops in turn. Port 0 would give each
 * instance a random port of its own; a negative port asks Vert.x for one random port that every server
 * listening with the same negative port shares. So port 0 (tests) is listened on as a negative number of
 * this shared port's own: two services on one node must not share theirs.
 */
public final class SharedPort {

  /** The last negative port given out, process-wide, since Vert.x keys shared random ports by that number. */
  private static final AtomicInteger LAST_RANDOM = new AtomicInteger();

  private final int listenOn;
  private final Promise<Integer> bound = Promise.promise();

  public SharedPort(int configured) {
    this.listenOn = configured == 0 ? LAST_RANDOM.decrementAndGet() : configured;
  }

  /** Listens with {@code listen(port)}; answers that server. */
  public Future<HttpServer> listen(IntFunction<Future<HttpServer>> listen) {
    return listen.apply(listenOn)
        .onSuccess(server -> bound.tryComplete(server.actualPort()));
  }

  /** The port the instances listen on, once the first one does. */
  public Future<Integer> port() {
    return bound.future();
  }
}
