package switchboard.webflow.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * webSocketId rules. A Web Flow operation's webSocketId is derived from its operationId as the lowercase hex
 * SHA-256 of the operationId's UTF-8 bytes (64 characters), so the server that completes an operation can
 * notify its page knowing only the operationId, and the id reveals nothing about the operation.
 */
public final class WebSocketIds {

  /** What a client may register: 1–128 characters of letters, digits and {@code - _ . : + / =}. */
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:+/=-]{1,128}");

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

  public static boolean isValid(String webSocketId) {
    return webSocketId != null && VALID.matcher(webSocketId).matches();
  }
}
