package switchboard.bench;

/**
 * Reads one string member out of compact JSON text without building a tree: the receive path of the
 * generator runs per delivery, where a full parse would cost more than the server's own work. Only for
 * values without escapes (base64, ids), which is what it is used for.
 */
public final class JsonText {

  private JsonText() {
  }

  /** The value of the first {@code "name": "value"} in {@code json}, or null. */
  public static String stringField(String json, String name) {
    String key = "\"" + name + "\"";
    int i = json.indexOf(key);
    while (i >= 0) {
      int j = skipSpaces(json, i + key.length());
      if (j < json.length() && json.charAt(j) == ':') {
        j = skipSpaces(json, j + 1);
        if (j < json.length() && json.charAt(j) == '"') {
          int end = json.indexOf('"', j + 1);
          return end < 0 ? null : json.substring(j + 1, end);
        }
        return null;
      }
      i = json.indexOf(key, i + 1);
    }
    return null;
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
