package switchboard.bench;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * Publishes with STOMP SEND frames over one WebSocket (RabbitMQ Web-STOMP): each message goes to the
 * destination {@code destinationFor} names for its number. There is no per-message answer: the driver's
 * window of undelivered messages is the flow control.
 */
public final class StompPublisher implements Publisher {

  private final WsLink link;
  private final LongFunction<String> destinationFor;

  public StompPublisher(WsLink link, LongFunction<String> destinationFor) {
    this.link = link;
    this.destinationFor = destinationFor;
  }

  @Override
  public CompletableFuture<Void> publish(long seq, String payload) {
    if (!link.isOpen()) {
      return CompletableFuture.failedFuture(new IllegalStateException("publisher connection closed (" + link.closeCode() + ")"));
    }
    link.send(StompFrame.encode("SEND", payload, "destination", destinationFor.apply(seq),
        "content-type", "application/json"));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {
    link.close();
  }
}
