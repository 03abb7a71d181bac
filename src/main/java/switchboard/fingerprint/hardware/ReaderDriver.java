package switchboard.fingerprint.hardware;

/**
 * Drives one fingerprint reader: waits for a finger and captures one impression at a time. The scan
 * session logic (timeouts, quality threshold, enrollment) sits above it in the scan runner, so a
 * driver only talks to its reader. Every method is called, and every listener call is made, on the
 * hardware verticle's worker context.
 */
public interface ReaderDriver {

  /** Starts one capture; the listener hears what happens until it ends or is cancelled. */
  Capture capture(CaptureListener listener);

  /** Releases the reader (it was unplugged or the verticle stops). */
  void close();

  /** A capture in progress. */
  interface Capture {
    /** Stops the capture; the listener is not called again. Idempotent. */
    void cancel();
  }

  /** What a capture reports; exactly one of captured / failed / disconnected ends it. */
  interface CaptureListener {

    /** A finger is on the sensor, with a preliminary quality (0-100). */
    void fingerDetected(int quality);

    /** One impression: its final quality (0-100) and its template bytes. */
    void captured(int quality, byte[] template);

    /** The reader failed; the reason is for people, never secret. */
    void failed(String reason);

    /** The reader went away during the capture. */
    void disconnected();
  }
}
