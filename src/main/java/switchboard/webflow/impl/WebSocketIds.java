package switchboard.webflow.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * webSocketId rules. A Web Flow operation's webSocketId is derived from its operationId as the lowercase hex
 * SHA-256 of the operationId's UTF-8 bytes (64 characters), so the server that completes an operation can
 * notify its page knowing only the operationId, and the id reveals nothing about the operation.
 */
public final class WebSocketIds {

  /** What a client may register: 1–128 characters of letters, digits and {@code - _ . : + / =}. */
  private static final int MAX_LENGTH = 128;

  private WebSocketIds() {
  }

  /** The webSocketId of an operation: lowercase hex of SHA-256(UTF-8 operationId). */
  public static String fromOperationId(String operationId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(operationId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Checked character by character: every notice is checked, and a regex matcher costs more than the id. */
  public static boolean isValid(String webSocketId) {
    if (webSocketId == null || webSocketId.isEmpty() || webSocketId.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < webSocketId.length(); i++) {
      char c = webSocketId.charAt(i);
      boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '+' || c == '/' || c == '=' || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }
}
