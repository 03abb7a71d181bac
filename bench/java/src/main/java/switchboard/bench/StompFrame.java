package switchboard.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A STOMP 1.2 frame as it travels in one WebSocket text message: command, headers, blank line, body, NUL.
 * Parsing keeps header values as they are (no escapes are used by the frames the benchmark reads).
 */
public record StompFrame(String command, Map<String, String> headers, String body) {

  /** Builds a frame; {@code headers} alternate name and value. */
  public static String encode(String command, String body, String... headers) {
    StringBuilder sb = new StringBuilder(command.length() + body.length() + 64).append(command).append('\n');
    for (int i = 0; i + 1 < headers.length; i += 2) {
      sb.append(headers[i]).append(':').append(headers[i + 1]).append('\n');
    }
    return sb.append('\n').append(body).append('\0').toString();
  }

  /** The first frame in {@code text}, or null for a heart-beat (a bare newline). */
  public static StompFrame parse(String text) {
    int start = 0;
    while (start < text.length() && (text.charAt(start) == '\n' || text.charAt(start) == '\r')) {
      start++;
    }
    if (start >= text.length()) {
      return null;
    }
    int lineEnd = text.indexOf('\n', start);
    if (lineEnd < 0) {
      return new StompFrame(text.substring(start).trim(), Map.of(), "");
    }
    String command = text.substring(start, lineEnd).trim();
    Map<String, String> headers = new LinkedHashMap<>();
    int pos = lineEnd + 1;
    while (pos < text.length()) {
      int end = text.indexOf('\n', pos);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(pos, end);
      pos = end + 1;
      if (line.isEmpty() || line.equals("\r")) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.putIfAbsent(line.substring(0, colon), line.substring(colon + 1).replace("\r", ""));
      }
    }
    int nul = text.indexOf('\0', Math.min(pos, text.length()));
    String body = pos >= text.length() ? "" : text.substring(pos, nul < 0 ? text.length() : nul);
    return new StompFrame(command, headers, body);
  }

  public String header(String name) {
    return headers.get(name);
  }
}
