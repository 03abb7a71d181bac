package switchboard.bench;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The protocol side of one load-generator connection: it authenticates or subscribes as its protocol
 * wants, completes {@link #ready()} when it can receive, and hands each received message to
 * {@link Deliveries}.
 */
public abstract class BenchSession implements WsLink.Listener {

  protected final Deliveries deliveries;
  private final CompletableFuture<BenchSession> ready = new CompletableFuture<>();
  private volatile WsLink link;

  protected BenchSession(Deliveries deliveries) {
    this.deliveries = deliveries;
  }

  /** Completes when the session is authenticated/subscribed; fails when it closes first. */
  public CompletableFuture<BenchSession> ready() {
    return ready;
  }

  public WsLink link() {
    return link;
  }

  @Override
  public final void onOpen(WsLink link) {
    this.link = link;
    opened(link);
  }

  /** Sends the protocol's first frame. */
  protected abstract void opened(WsLink link);

  @Override
  public void onClose(WsLink link, int code) {
    if (!ready.isDone()) {
      ready.completeExceptionally(new IOException("closed with " + code + " before it was ready"));
    } else {
      deliveries.closed(code);
    }
  }

  protected final void markReady() {
    ready.complete(this);
  }

  /** The server answered something the protocol does not allow here: give up on this connection. */
  protected final void fail(String why) {
    deliveries.protocolError();
    if (ready.completeExceptionally(new IOException(why))) {
      link.close();
    }
  }

  public void close() {
    WsLink l = link;
    if (l != null) {
      l.close();
    }
  }
}
