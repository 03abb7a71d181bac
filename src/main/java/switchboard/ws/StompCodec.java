package switchboard.ws;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.stomp.Command;
import io.vertx.ext.stomp.Frame;
import io.vertx.ext.stomp.Frames;
import io.vertx.ext.stomp.StompServerOptions;
import io.vertx.ext.stomp.impl.FrameParser;
import io.vertx.ext.stomp.utils.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.platform.ServiceMetrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The STOMP 1.0–1.2 codec: vertx-stomp's {@link FrameParser} reads each connection's bytes (frames may span
 * WebSocket messages, one message may carry several), and this codec answers the protocol's own frames
 * itself: CONNECT (version negotiation, optional login/passcode, heart-beats), DISCONNECT (receipt, then
 * close) and heart-beats. Every other frame goes to the {@link StompHandler}.
 *
 * <p>Each frame but a heart-beat spends one token of the connection's rate budget; an empty budget, a frame
 * the parser refuses, or more than {@code maxFrameBytes} without a frame end is an ERROR frame and a close, as
 * STOMP requires after an ERROR. The server writes every frame as one binary WebSocket message.
 */
public final class StompCodec implements WsCodec {

  private static final Logger LOG = LoggerFactory.getLogger(StompCodec.class);
  private static final List<String> VERSIONS = List.of("1.2", "1.1", "1.0");
  private static final Buffer HEARTBEAT = Buffer.buffer(FrameParser.EOL);

  /** The WebSocket subprotocols a STOMP endpoint offers, best first. */
  public static final List<String> SUBPROTOCOLS = List.of("v12.stomp", "v11.stomp", "v10.stomp");

  /**
   * What the codec enforces and offers.
   *
   * @param maxBodyBytes   largest frame body
   * @param maxHeaderBytes largest header name or value
   * @param maxHeaders     headers per frame
   * @param maxFrameBytes  bytes a client may send without ending a frame (heart-beat EOLs excluded)
   * @param heartbeatMs    heart-beat period offered both ways (0: none)
   * @param login          CONNECT login required when non-empty, with {@code passcode}
   * @param passcode       CONNECT passcode required when login is set
   */
  public record Settings(int maxBodyBytes, int maxHeaderBytes, int maxHeaders, int maxFrameBytes, long heartbeatMs,
                         String login, String passcode) {

    boolean credentialsRequired() {
      return !login.isEmpty();
    }
  }

  /** A connection's parser, its bytes since the last frame end and whether it has connected. */
  private static final class Session {
    final FrameParser parser;
    long unterminated;
    boolean connected;

    Session(FrameParser parser) {
      this.parser = parser;
    }
  }

  private final Settings settings;
  private final StompHandler handler;
  private final ServiceMetrics metrics;
  private final StompServerOptions parserOptions;
  private final Frame.Heartbeat serverHeartbeat;

  public StompCodec(Settings settings, StompHandler handler, ServiceMetrics metrics) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.parserOptions = new StompServerOptions()
        .setMaxBodyLength(settings.maxBodyBytes())
        .setMaxHeaderLength(settings.maxHeaderBytes())
        .setMaxHeaders(settings.maxHeaders());
    int beat = (int) settings.heartbeatMs();
    this.serverHeartbeat = Frame.Heartbeat.create(new JsonObject().put("x", beat).put("y", beat));
  }

  /** Writes a frame to the connection. */
  public static boolean send(WsConnection c, Frame frame) {
    return c.send(frame.toBuffer());
  }

  /** Answers {@code frame}'s {@code receipt} header, if it has one, with a RECEIPT. */
  public static void receipt(WsConnection c, Frame frame) {
    if (frame.getReceipt() != null) {
      send(c, Frames.createReceiptFrame(frame.getReceipt(), Map.of()));
    }
  }

  /**
   * Sends an ERROR frame (with {@code message} and the offending frame's receipt id, if any) and closes, as
   * STOMP requires after an ERROR.
   */
  public static void fail(WsConnection c, String message, Frame cause) {
    if (!c.isOpen()) {
      return;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (cause != null && cause.getReceipt() != null) {
      headers.put(Frame.RECEIPT_ID, cause.getReceipt());
    }
    send(c, Frames.createErrorFrame(message, headers, message));
    c.close(WsCloseCodes.NORMAL, "");
  }

  @Override
  public void onOpen(WsConnection c) {
    FrameParser parser = new FrameParser(parserOptions);
    Session session = new Session(parser);
    parser.handler(frame -> onFrame(c, session, frame));
    parser.errorHandler(err -> invalid(c, err.getMessage()));
    c.codecState = session;
  }

  @Override
  public boolean acceptsBinary() {
    return true;
  }

  @Override
  public void onMessage(WsConnection c, Buffer data, boolean text) {
    Session session = c.codecState();
    if (!countUnterminated(session, data)) {
      metrics.error("FRAME_TOO_LARGE");
      fail(c, "Frame too large (max " + settings.maxFrameBytes() + " bytes)", null);
      return;
    }
    try {
      session.parser.handle(data);
    } catch (RuntimeException e) {
      // the parser throws on values it cannot read (a content-length that is not a number)
      invalid(c, e.toString());
    }
  }

  /**
   * Bounds the bytes a client may send without ending a frame (NUL): the parser would otherwise buffer a
   * header line or a body without limit. Heart-beat EOLs do not count. False once over the limit.
   */
  private boolean countUnterminated(Session session, Buffer data) {
    int lastNul = -1;
    boolean onlyEol = true;
    for (int i = 0; i < data.length(); i++) {
      byte b = data.getByte(i);
      if (b == 0) {
        lastNul = i;
      } else if (b != '\n' && b != '\r') {
        onlyEol = false;
      }
    }
    if (lastNul >= 0) {
      session.unterminated = data.length() - lastNul - 1;
    } else if (!onlyEol) {
      session.unterminated += data.length();
    }
    return session.unterminated <= settings.maxFrameBytes();
  }

  private void invalid(WsConnection c, String detail) {
    LOG.debug("invalid STOMP frame from {}: {}", c.id(), detail);
    metrics.error("INVALID_FRAME");
    fail(c, "Invalid frame received", null);
  }

  private void onFrame(WsConnection c, Session session, Frame frame) {
    if (!c.isOpen() || frame.getCommand() == Command.PING) {
      return;
    }
    metrics.messageIn();
    if (!c.tryTakeToken()) {
      metrics.error("RATE_LIMITED");
      fail(c, "Rate limit exceeded", frame);
      return;
    }
    Command command = frame.getCommand();
    boolean connect = command == Command.CONNECT || command == Command.STOMP;
    if (!session.connected) {
      if (connect) {
        connect(c, session, frame);
      } else {
        metrics.error("INVALID_FRAME");
        fail(c, "Not connected", frame);
      }
    } else if (connect) {
      metrics.error("INVALID_FRAME");
      fail(c, "Already connected", frame);
    } else if (command == Command.DISCONNECT) {
      receipt(c, frame);
      c.close(WsCloseCodes.NORMAL, "");
    } else {
      dispatch(c, frame);
    }
  }

  private void dispatch(WsConnection c, Frame frame) {
    try {
      handler.onFrame(c, frame);
    } catch (RuntimeException e) {
      LOG.error("{} handler failed on a frame from {}", metrics.service(), c.id(), e);
      metrics.error(WsProblem.INTERNAL_ERROR.name());
      fail(c, "Internal error", frame);
    }
  }

  private void connect(WsConnection c, Session session, Frame frame) {
    String accept = frame.getHeader(Frame.ACCEPT_VERSION);
    List<String> accepted = accept == null ? List.of("1.0") : List.of(accept.split(FrameParser.COMMA));
    String version = VERSIONS.stream().filter(accepted::contains).findFirst().orElse(null);
    if (version == null) {
      metrics.error("INVALID_FRAME");
      refuseConnect(c, "Incompatible versions", "Client protocol requirement does not match versions supported by the "
          + "server. Supported protocol versions are " + String.join(FrameParser.COMMA, VERSIONS));
      return;
    }
    if (settings.credentialsRequired()
        && !(constantTimeEquals(settings.login(), frame.getHeader(Frame.LOGIN))
        & constantTimeEquals(settings.passcode(), frame.getHeader(Frame.PASSCODE)))) {
      metrics.error("BAD_CREDENTIALS");
      refuseConnect(c, "Authentication failed", "The connection frame does not contain valid credentials.");
      return;
    }
    Frame.Heartbeat client = Frame.Heartbeat.parse(frame.getHeader(Frame.HEARTBEAT));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Frame.VERSION, version);
    headers.put(Frame.SERVER, Server.SERVER_NAME);
    headers.put(Frame.SESSION, c.id());
    headers.put(Frame.HEARTBEAT, serverHeartbeat.toString());
    session.connected = true;
    c.markAuthenticated();
    send(c, new Frame(Command.CONNECTED, headers, null));
    c.heartbeat(Frame.Heartbeat.computePingPeriod(client, serverHeartbeat), HEARTBEAT);
    // like vertx-stomp's server: a client silent for twice its heart-beat period is gone
    c.idleTimeout(2 * Frame.Heartbeat.computePongPeriod(client, serverHeartbeat));
    handler.onConnected(c);
  }

  private static void refuseConnect(WsConnection c, String message, String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Frame.VERSION, String.join(FrameParser.COMMA, VERSIONS));
    headers.put(Frame.CONTENT_TYPE, "text/plain");
    send(c, Frames.createErrorFrame(message, headers, body));
    c.close(WsCloseCodes.NORMAL, "");
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void onClose(WsConnection c) {
    Session session = c.codecState();
    if (session != null && session.connected) {
      handler.onClose(c);
    }
  }

  @Override
  public void onExpired(WsConnection c, boolean idle) {
    if (idle) {
      metrics.error("HEARTBEAT_MISSED");
      c.close(WsCloseCodes.NORMAL, "");
    } else {
      metrics.error("CONNECT_TIMEOUT");
      fail(c, "No CONNECT frame within " + c.authTimeoutMillis() + " ms", null);
    }
  }

  @Override
  public void onProblem(WsConnection c, WsProblem problem) {
    fail(c, problem.message(), null);
  }
}
