package switchboard.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import switchboard.app.SwitchboardNode;
import switchboard.signal.client.ClientHandshake;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.SessionCipher;
import switchboard.testing.TestNode;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Fuzz targets for every WebSocket protocol, through real sockets of one whole node: each input is sent as
 * one text message on a connection already past its handshake (so the deep paths are reached), then a
 * WebSocket ping whose pong (or the close) proves the server has processed it. A finding is anything the
 * server does not do on purpose: an exception escaping to Vert.x, close 1011, or an INTERNAL_ERROR answer.
 * Refusals (error frames, documented close codes) are correct answers to bad input.
 */
class WireFuzzTest {

  private static final String FINGERPRINT_KEY = "ak_test_fuzz_0123456789abcdef";
  private static final String ECDH_INFO = "nx-signal-ws-v1";
  private static final List<Throwable> UNCAUGHT = Collections.synchronizedList(new ArrayList<>());

  private static SwitchboardNode node;
  private static Vertx client;
  private static WsTestClient signal;
  private static SessionCipher signalCipher;
  private static WsTestClient secureCall;
  private static WsTestClient webFlow;
  private static WsTestClient wallet;
  private static WsTestClient fingerprint;

  @BeforeAll
  static void startNode() {
    JsonObject fingerprintKeys = new JsonObject().put("port", 0).put("apiKeys", new JsonArray().add(new JsonObject()
        .put("hash", switchboard.fingerprint.impl.ApiKeys.hashHex(FINGERPRINT_KEY))
        .put("permissions", new JsonArray().add("device:read").add("fingerprint:scan"))));
    node = await(SwitchboardNode.start(TestNode.ephemeral(new JsonObject().put("fingerprint", fingerprintKeys)), false), 60);
    node.vertx().exceptionHandler(UNCAUGHT::add);
    client = Vertx.vertx();
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      await(node.close(), 60);
    }
    if (client != null) {
      await(client.close());
    }
  }

  private static int port(String service) {
    return node.services().get(service).port();
  }

  /** Signal: plaintext frames, and encrypted frames whose plaintext is the input. */
  @FuzzTest
  void signalFrames(FuzzedDataProvider data) {
    boolean encrypted = data.consumeBoolean();
    String text = data.consumeRemainingAsString();
    if (signal == null || signal.isClosed()) {
      signal = await(WsTestClient.connect(client, port("signal"), "/ws"));
      ClientHandshake handshake = new ClientHandshake(new HandshakeCrypto());
      signal.send(handshake.authenticateFrame(TestPlatform.minter(client).mint("fuzz", List.of("admin"), 3600)));
      JsonObject connected = await(signal.next(f -> "connected".equals(f.getString("event")))).getJsonObject("data");
      try {
        signalCipher = handshake.complete(connected, ECDH_INFO);
      } catch (ClientHandshake.HandshakeException e) {
        throw new AssertionError(e);
      }
    }
    signal.send(encrypted ? signalCipher.seal(text) : text);
    check(signal);
  }

  /** SecureCall: frames from a registered client. */
  @FuzzTest
  void secureCallFrames(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    if (secureCall == null || secureCall.isClosed()) {
      secureCall = await(WsTestClient.connect(client, port("securecall"), "/signal"));
      secureCall.send(new JsonObject().put("type", "REGISTER")
          .put("payload", new JsonObject().put("clientId", "fuzz-" + UUID.randomUUID())));
      await(secureCall.next(f -> "REGISTERED".equals(f.getString("type"))));
    }
    secureCall.send(text);
    check(secureCall);
  }

  /** Web Flow: raw STOMP frames after CONNECT. */
  @FuzzTest
  void webFlowStompFrames(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    if (webFlow == null || webFlow.isClosed()) {
      webFlow = await(WsTestClient.connect(client, new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(port("webflow")).setURI("/websocket").setSubProtocols(List.of("v12.stomp"))));
      webFlow.send("CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\n\n\0");
      await(webFlow.nextText(t -> t.startsWith("CONNECTED")));
    }
    webFlow.send(text);
    check(webFlow);
  }

  /** Wallet: envelopes before and after authentication (any frame is read as an envelope). */
  @FuzzTest
  void walletFrames(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    if (wallet == null || wallet.isClosed()) {
      wallet = await(WsTestClient.connect(client, port("wallet"), "/ws"));
    }
    wallet.send(text);
    check(wallet);
  }

  /** Fingerprint: frames from a client authenticated with an API key. */
  @FuzzTest
  void fingerprintFrames(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    if (fingerprint == null || fingerprint.isClosed()) {
      fingerprint = await(WsTestClient.connect(client, port("fingerprint"), "/ws"));
      fingerprint.send(new JsonObject().put("type", "auth").put("apiKey", FINGERPRINT_KEY));
      await(fingerprint.next(f -> "auth:success".equals(f.getString("type"))));
    }
    fingerprint.send(text);
    check(fingerprint);
  }

  /**
   * An answer that reports an internal error: a JSON frame with {@code code} or {@code errorCode} set to
   * INTERNAL_ERROR (Signal, SecureCall, Wallet) or 5001 (Fingerprint), at any depth. Matching the text
   * instead would flag the server for echoing the input back in an error message.
   */
  static boolean isInternalError(String answer) {
    Object parsed;
    try {
      parsed = Json.decodeValue(answer);
    } catch (RuntimeException notJson) {
      return false;
    }
    return reportsInternalError(parsed);
  }

  private static boolean reportsInternalError(Object value) {
    if (value instanceof JsonObject o) {
      for (var e : o) {
        boolean codeField = e.getKey().equals("code") || e.getKey().equals("errorCode");
        if (codeField && ("INTERNAL_ERROR".equals(e.getValue()) || Integer.valueOf(5001).equals(e.getValue()))) {
          return true;
        }
        if (reportsInternalError(e.getValue())) {
          return true;
        }
      }
    } else if (value instanceof JsonArray a) {
      for (Object item : a) {
        if (reportsInternalError(item)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Waits until the server has processed what was sent, then looks for anything it did not mean to do. */
  private static void check(WsTestClient ws) {
    await(ws.roundTrip(), 10);
    List<String> answers = ws.takeAll();
    assertThat(UNCAUGHT).as("exceptions that escaped to Vert.x").isEmpty();
    assertThat(answers).as("answers").noneMatch(WireFuzzTest::isInternalError);
    if (ws.isClosed()) {
      assertThat(await(ws.closed())).as("close code").isNotEqualTo((short) 1011);
    }
  }
}
