package switchboard.fingerprint.hardware;

import io.vertx.core.Vertx;

import java.util.Objects;
import java.util.Random;

/**
 * A reader that is not there: it plays the whole capture flow (finger detected, impression captured) with
 * configured timings, a quality drawn from [qualityMin, qualityMax] and a configured failure mode. Its
 * random source is seeded from the configured seed and the reader's id, so a run is repeatable.
 * Templates are random bytes behind a "SIMT" marker: they identify nothing and must not be matched.
 */
public final class SimulatedReaderDriver implements ReaderDriver {

  /** Size of a simulated template, about that of an ISO 19794-2 minutiae record. */
  static final int TEMPLATE_BYTES = 512;

  private final Vertx vertx;
  private final HardwareConfig.SimulatedReader reader;
  private final Random random;

  public SimulatedReaderDriver(Vertx vertx, HardwareConfig.SimulatedReader reader, long seed) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.random = new Random(seed * 31 + reader.id().hashCode());
  }

  @Override
  public Capture capture(CaptureListener listener) {
    SimulatedCapture capture = new SimulatedCapture();
    if (reader.failure() == HardwareConfig.Failure.NO_FINGER) {
      return capture;
    }
    capture.timer = vertx.setTimer(Math.max(1, reader.detectDelay().toMillis()), id -> {
      switch (reader.failure()) {
        case ERROR -> capture.end(() -> listener.failed("Sensor error (simulated)"));
        case UNPLUG -> capture.end(listener::disconnected);
        default -> detected(capture, listener);
      }
    });
    return capture;
  }

  private void detected(SimulatedCapture capture, CaptureListener listener) {
    int preliminary = reader.qualityMin() + random.nextInt(reader.qualityMax() - reader.qualityMin() + 1);
    int quality = Math.min(reader.qualityMax(), preliminary + random.nextInt(5));
    byte[] template = new byte[TEMPLATE_BYTES];
    random.nextBytes(template);
    template[0] = 'S';
    template[1] = 'I';
    template[2] = 'M';
    template[3] = 'T';
    listener.fingerDetected(preliminary);
    if (capture.cancelled) {
      return;
    }
    capture.timer = vertx.setTimer(Math.max(1, reader.captureTime().toMillis()),
        id -> capture.end(() -> listener.captured(quality, template)));
  }

  @Override
  public void close() {
    // Nothing is held: captures in progress are cancelled by the verticle before it closes a driver.
  }

  private final class SimulatedCapture implements Capture {
    long timer = -1;
    boolean cancelled;

    void end(Runnable outcome) {
      if (!cancelled) {
        cancelled = true;
        outcome.run();
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
  }
}
