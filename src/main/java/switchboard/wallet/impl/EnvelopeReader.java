package switchboard.wallet.impl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.json.JsonObject;
import switchboard.wallet.SignedMessage;
import switchboard.wallet.WalletProtocol.ErrorCode;

import java.io.IOException;
import java.math.BigInteger;

/**
 * Reads the envelope {@code {type, callerAddress, deadline, payload, signature:{hash, v, r, s}}}.
 *
 * <p>The payload is hashed as the exact text the client's {@code JSON.stringify} produced, so its span is
 * cut out of the received frame with a streaming parser rather than re-serialised: Java would print
 * numbers, escapes and member order differently. Duplicate member names are refused anywhere in the
 * frame, so the parsed object the server acts on can only be the one whose text was hashed.
 */
public final class EnvelopeReader {

  /**
   * Thrown for an envelope that is not well formed; the message is for the client. A malformed member of
   * {@code signature} (hash, v, r, s) is a bad signature ({@link ErrorCode#INVALID_SIGNATURE}), whatever else
   * is an invalid message.
   */
  public static final class InvalidEnvelope extends Exception {
    private final ErrorCode code;

    public InvalidEnvelope(String message) {
      this(ErrorCode.INVALID_MESSAGE, message);
    }

    public InvalidEnvelope(ErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    public ErrorCode code() {
      return code;
    }
  }

  private static final int MAX_TYPE_LENGTH = 64;
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final JsonFactory factory = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * @param text   the frame exactly as received
   * @param parsed the same frame parsed
   */
  public SignedMessage read(String text, JsonObject parsed) throws InvalidEnvelope {
    String payloadJson = payloadText(text);
    String type = string(parsed, "type");
    if (type.isEmpty() || type.length() > MAX_TYPE_LENGTH) {
      throw new InvalidEnvelope("type must be a non-empty string of at most " + MAX_TYPE_LENGTH + " characters");
    }
    byte[] caller = Hex.decode(string(parsed, "callerAddress"), 20);
    if (caller == null) {
      throw new InvalidEnvelope("callerAddress must be 0x followed by 40 hex digits");
    }
    BigInteger deadline = integer(parsed.getValue("deadline"), "deadline");
    if (!Uint256.fits(deadline) || deadline.compareTo(LONG_MAX) > 0) {
      throw new InvalidEnvelope("deadline must be a non-negative integer of unix seconds");
    }
    if (!(parsed.getValue("payload") instanceof JsonObject payload)) {
      throw new InvalidEnvelope("payload must be an object");
    }
    if (!(parsed.getValue("signature") instanceof JsonObject sig)) {
      throw new InvalidEnvelope("signature must be an object {hash, v, r, s}");
    }
    byte[] hash = sig.getValue("hash") instanceof String h ? Hex.decode(h, 32) : null;
    byte[] r = sig.getValue("r") instanceof String rs ? Hex.decode(rs, 32) : null;
    byte[] s = sig.getValue("s") instanceof String ss ? Hex.decode(ss, 32) : null;
    if (hash == null || r == null || s == null) {
      throw new InvalidEnvelope(ErrorCode.INVALID_SIGNATURE,
          "signature.hash, .r and .s must each be 0x followed by 64 hex digits");
    }
    return new SignedMessage(type, caller, deadline, payloadJson, payload, hash, signatureV(sig.getValue("v")),
        new BigInteger(1, r), new BigInteger(1, s));
  }

  /** A signature's {@code v} as 27 or 28 (0 and 1 are read as 27 and 28); anything else is INVALID_SIGNATURE. */
  public static int signatureV(Object raw) throws InvalidEnvelope {
    long v = raw instanceof Integer || raw instanceof Long ? ((Number) raw).longValue() : -1;
    if (v == 0 || v == 1) {
      v += 27;
    }
    if (v != 27 && v != 28) {
      throw new InvalidEnvelope(ErrorCode.INVALID_SIGNATURE, "signature.v must be 27 or 28 (0 or 1 are read as 27 or 28)");
    }
    return (int) v;
  }

  private String payloadText(String text) throws InvalidEnvelope {
    int start = -1;
    int end = -1;
    try (JsonParser p = factory.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidEnvelope("message must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("payload".equals(name) && value == JsonToken.START_OBJECT) {
          start = (int) p.currentTokenLocation().getCharOffset();
          p.skipChildren();
          end = (int) p.currentTokenLocation().getCharOffset() + 1;
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new InvalidEnvelope("message must not repeat a member name");
    }
    if (start < 0 || end <= start || text.charAt(start) != '{' || text.charAt(end - 1) != '}') {
      throw new InvalidEnvelope("payload must be an object");
    }
    return text.substring(start, end);
  }

  private static String string(JsonObject json, String name) throws InvalidEnvelope {
    if (!(json.getValue(name) instanceof String s)) {
      throw new InvalidEnvelope(name + " must be a string");
    }
    return s;
  }

  private static BigInteger integer(Object value, String name) throws InvalidEnvelope {
    if (value instanceof Integer || value instanceof Long) {
      return BigInteger.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger b) {
      return b;
    }
    throw new InvalidEnvelope(name + " must be an integer number");
  }
}
