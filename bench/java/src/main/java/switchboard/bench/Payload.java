package switchboard.bench;

/**
 * The benchmark message: a JSON object of exactly {@link #SIZE} bytes carrying its intended send time
 * ({@code {"t":<µs>,"pad":"xxx…"}}), the same for every target so that every server moves the same bytes.
 * Send and receive times are read in the load generator's own JVM, so one monotonic clock serves both.
 */
public final class Payload {

  /** Bytes of the JSON text. */
  public static final int SIZE = 200;

  private static final long ORIGIN = System.nanoTime();
  private static final String T_KEY = "\"t\":";
  private static final String T_TEXT = "t=";

  private Payload() {
  }

  /** Microseconds on the generator's monotonic clock (never negative). */
  public static long nowMicros() {
    return micros(System.nanoTime());
  }

  /** A {@link System#nanoTime()} reading on the same scale as {@link #nowMicros()}. */
  public static long micros(long nanoTime) {
    return (nanoTime - ORIGIN) / 1000;
  }

  /** The 200-byte JSON object stamped with {@code sentAtMicros}. */
  public static String of(long sentAtMicros) {
    String head = "{\"t\":" + sentAtMicros + ",\"pad\":\"";
    int pad = SIZE - head.length() - 2;
    return head + "x".repeat(Math.max(0, pad)) + "\"}";
  }

  /**
   * A plain-text payload of {@code size} characters stamped with {@code sentAtMicros}
   * ({@code t=<µs>;xxx…}), for protocols whose message field is a string (Web Flow's authResult).
   */
  public static String text(long sentAtMicros, int size) {
    String head = T_TEXT + sentAtMicros + ";";
    return head + "x".repeat(Math.max(0, size - head.length()));
  }

  /** The send time stamped in {@code text} (which holds a JSON or text payload somewhere inside), or -1. */
  public static long sentAt(String text) {
    int i = text.indexOf(T_KEY);
    if (i >= 0) {
      i += T_KEY.length();
    } else {
      i = text.indexOf(T_TEXT);
      if (i < 0) {
        return -1;
      }
      i += T_TEXT.length();
    }
    long value = 0;
    int digits = 0;
    for (; i < text.length(); i++, digits++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return digits == 0 ? -1 : value;
  }
}
