package switchboard.platform;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * Brings an outcome back to the context that asked for it. A service's event loops share node-level parts
 * (the hub, cluster maps, JWKS keys) whose futures complete on their own context; an HTTP response must be
 * written on its request's event loop (the service servers run in strict thread mode), and loop state is
 * only touched from its loop. On that loop already, listeners run at once, without a hop.
 */
public final class CallerContext {

  private CallerContext() {
  }

  /** A promise whose listeners run on the calling context (any thread when there is none). */
  public static <T> Promise<T> promise() {
    return Vertx.currentContext() instanceof ContextInternal caller ? caller.promise() : Promise.promise();
  }

  /** {@code future}'s outcome, delivered on the calling context. */
  public static <T> Future<T> of(Future<T> future) {
    Promise<T> answer = promise();
    future.onComplete(answer);
    return answer.future();
  }
}
