package switchboard.ws;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import switchboard.app.SwitchboardNode;
import switchboard.auth.TokenMinter;
import switchboard.signal.client.ClientHandshake;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.testing.TestNode;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Verifies, on a whole node through real sockets, that every service that authenticates WebSockets with a
 * JWT closes them with its auth-failure code once the token expires: Signal 4002, SecureCall in token mode
 * 4001, Fingerprint (admin token) 4001. Tokens live two seconds; the endpoint's sweep runs every second.
 */
class TokenExpiryTest {

  private static final int SHORT_TTL_SECONDS = 2;

  private static Vertx client;
  private static SwitchboardNode node;
  private static TokenMinter minter;

  @BeforeAll
  static void startNode() {
    client = Vertx.vertx();
    minter = TestPlatform.minter(client);
    JsonObject json = TestNode.ephemeral(new JsonObject());
    json.getJsonObject("securecall").put("requireToken", true);
    node = await(SwitchboardNode.start(json, false), 60);
  }

  @AfterAll
  static void stopNode() {
    await(node.close(), 60);
    await(client.close());
  }

  private static int port(String service) {
    return node.services().get(service).port();
  }

  private static WsTestClient connect(String service, String path) {
    return await(WsTestClient.connect(client, port(service), path));
  }

  @Test
  void signalClosesWith4002WhenTheTokenExpires() {
    // GIVEN a Signal client authenticated with a token that expires in two seconds
    WsTestClient ws = connect("signal", "/ws");
    ws.send(new ClientHandshake(new HandshakeCrypto()).authenticateFrame(minter.mint("alice", List.of(), SHORT_TTL_SECONDS)));
    assertThat(await(ws.next()).getString("event")).isEqualTo("connected");
    // THEN the server closes it with 4002 once the token has expired
    assertThat(await(ws.closed(), 10)).isEqualTo((short) 4002);
  }

  @Test
  void secureCallInTokenModeClosesWith4001WhenTheTokenExpires() {
    // GIVEN a SecureCall client registered in token mode with a token that expires in two seconds
    WsTestClient ws = connect("securecall", "/signal");
    ws.send(new JsonObject().put("type", "REGISTER").put("payload", new JsonObject().put("clientId", "bob")
        .put("token", minter.mint("bob", List.of(), SHORT_TTL_SECONDS))));
    assertThat(await(ws.next()).getString("type")).isEqualTo("REGISTERED");
    // THEN the server closes it with 4001 (no longer registered) once the token has expired
    assertThat(await(ws.closed(), 10)).isEqualTo((short) 4001);
  }

  @Test
  void fingerprintClosesAdminSessionsWith4001WhenTheTokenExpires() {
    // GIVEN a Fingerprint admin session authenticated with a token that expires in two seconds
    WsTestClient ws = connect("fingerprint", "/ws");
    ws.send(new JsonObject().put("type", "auth").put("token", minter.mint("root", List.of("admin"), SHORT_TTL_SECONDS)));
    assertThat(await(ws.next(f -> "auth:success".equals(f.getString("type")))).getString("type")).isEqualTo("auth:success");
    // THEN the server closes it with 4001 once the token has expired
    assertThat(await(ws.closed(), 10)).isEqualTo((short) 4001);
  }
}
