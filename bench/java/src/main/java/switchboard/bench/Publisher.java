package switchboard.bench;

import java.util.concurrent.CompletableFuture;

/** Sends the benchmark's messages into a server the way its own users would. */
public interface Publisher extends AutoCloseable {

  /**
   * Publishes message {@code seq} carrying {@code payload}; completes when the server took it, fails when
   * it refused it.
   */
  CompletableFuture<Void> publish(long seq, String payload);

  @Override
  void close();
}
