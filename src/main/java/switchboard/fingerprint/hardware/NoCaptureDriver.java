package switchboard.fingerprint.hardware;

import io.vertx.core.Context;

import java.util.Objects;

/**
 * For readers found on the USB bus when {@code captureDriver} is {@code none}: the reader is reported and
 * can be subscribed to, but every capture fails at once, because no vendor capture protocol is built in.
 */
final class NoCaptureDriver implements ReaderDriver {

  private final Context context;

  NoCaptureDriver(Context context) {
    this.context = Objects.requireNonNull(context, "context");
  }

  @Override
  public Capture capture(CaptureListener listener) {
    boolean[] cancelled = {false};
    // Reported on the next turn, so the scan is announced as started before it fails.
    context.runOnContext(v -> {
      if (!cancelled[0]) {
        listener.failed("No capture driver for this reader model");
      }
    });
    return () -> cancelled[0] = true;
  }

  @Override
  public void close() {
    // Holds nothing.
  }
}
