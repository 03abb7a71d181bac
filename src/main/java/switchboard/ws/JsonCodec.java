package switchboard.ws;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.platform.ServiceMetrics;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The codec of the JSON services: one text message is one JSON object. Spends the connection's rate budget
 * per message (the service's error frame while under the strike count, then its abuse close), answers
 * malformed JSON with the service's error frame, and hands parsed objects to the {@link WsHandler}.
 */
final class JsonCodec implements WsCodec {

  private static final Logger LOG = LoggerFactory.getLogger(JsonCodec.class);

  private final WsHandler handler;
  private final WsLimits limits;
  private final WsCloseCodes closeCodes;
  private final ServiceMetrics metrics;

  JsonCodec(WsHandler handler, WsLimits limits, WsCloseCodes closeCodes, ServiceMetrics metrics) {
    this.handler = Objects.requireNonNull(handler, "handler");
    this.limits = limits;
    this.closeCodes = closeCodes;
    this.metrics = metrics;
  }

  @Override
  public void onOpen(WsConnection c) {
    handler.onOpen(c);
  }

  @Override
  public boolean acceptsBinary() {
    return false;
  }

  @Override
  public void onMessage(WsConnection c, Buffer data, boolean text) {
    metrics.messageIn();
    if (!c.tryTakeToken(c.lastSeenNanos)) {
      c.rateStrikes++;
      if (c.rateStrikes >= limits.rateLimitCloseAfter()) {
        metrics.error(WsProblem.RATE_LIMITED.name());
        c.close(closeCodes.abuse(), "rate limit exceeded");
      } else {
        c.sendProblem(WsProblem.RATE_LIMITED);
      }
      return;
    }
    c.rateStrikes = 0;
    String message;
    try {
      message = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data.getBytes())).toString();
    } catch (CharacterCodingException e) {
      // a text message must be UTF-8; Vert.x does not check, and would hand over replacement characters
      metrics.error("INVALID_UTF8");
      c.close(WsCloseCodes.INVALID_PAYLOAD, "text message is not UTF-8");
      return;
    }
    JsonObject json;
    try {
      if (!(Json.decodeValue(message) instanceof JsonObject obj)) {
        c.sendProblem(WsProblem.MALFORMED_JSON);
        return;
      }
      json = obj;
    } catch (DecodeException e) {
      c.sendProblem(WsProblem.MALFORMED_JSON);
      return;
    }
    try {
      handler.onMessage(c, json, message);
    } catch (RuntimeException e) {
      LOG.error("{} handler failed on a message from {}", metrics.service(), c.id(), e);
      c.sendProblem(WsProblem.INTERNAL_ERROR);
    }
  }

  @Override
  public void onClose(WsConnection c) {
    handler.onClose(c);
  }

  @Override
  public void onExpired(WsConnection c, boolean idle) {
    if (idle) {
      c.close(closeCodes.idle(), "idle timeout");
    } else {
      c.close(closeCodes.authTimeout(), "authentication timeout");
    }
  }

  @Override
  public void onProblem(WsConnection c, WsProblem problem) {
    String frame = handler.errorFrame(c, problem);
    if (frame != null) {
      c.send(frame);
    }
  }
}
