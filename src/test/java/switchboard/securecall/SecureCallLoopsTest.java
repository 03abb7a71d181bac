package switchboard.securecall;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import switchboard.auth.TokenMinter;
import switchboard.platform.Platform;
import switchboard.testing.LoopThreads;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.securecall.SecureCallFixture.establish;
import static switchboard.securecall.SecureCallFixture.expect;
import static switchboard.securecall.SecureCallFixture.expectNothingElse;
import static switchboard.securecall.SecureCallFixture.frame;
import static switchboard.testing.Await.await;

/**
 * Verifies SecureCall with four instances, one per event loop: a call, its candidates, a hang-up and a
 * takeover between connections that sit on different loops. Which loop serves a connection is read from the
 * thread that checks its token.
 */
@ExtendWith(VertxExtension.class)
class SecureCallLoopsTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private Platform platform;
  private final LoopThreads loops = new LoopThreads();
  private TokenMinter minter;
  private SecureCallVerticle verticle;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    platform = TestPlatform.single(vertx, loops);
    minter = TestPlatform.minter(vertx);
    verticle = SecureCallFixture.deploy(platform, SecureCallFixture.config(dataDir,
        new JsonObject().put("instances", 4).put("requireToken", true)));
  }

  /** Registers {@code clientId} with its token; answers the client and the loop thread that checked the token. */
  private Map.Entry<WsTestClient, String> register(String clientId) {
    loops.drain();
    WsTestClient client = SecureCallFixture.connect(platform, verticle);
    client.send(frame("REGISTER", new JsonObject().put("clientId", clientId)
        .put("token", minter.mint(clientId, List.of(), 60))));
    assertThat(expect(client, "REGISTERED").getString("clientId")).isEqualTo(clientId);
    List<String> threads = loops.drain();
    assertThat(threads).as("the token of %s is checked on one loop", clientId).isNotEmpty();
    assertThat(threads).containsOnly(threads.get(0));
    return Map.entry(client, threads.get(0));
  }

  /** Verifies that a call runs end to end between two clients on different loops, and a takeover across loops. */
  @Test
  void callBetweenClientsOnDifferentLoops() {
    // GIVEN clients registered one after the other until two sit on different loops
    Map<String, Map.Entry<WsTestClient, String>> clients = new LinkedHashMap<>();
    String caller = null;
    String callee = null;
    for (int i = 0; i < 8 && callee == null; i++) {
      String id = "client-" + i;
      clients.put(id, register(id));
      for (var other : clients.entrySet()) {
        if (!other.getValue().getValue().equals(clients.get(id).getValue())) {
          caller = other.getKey();
          callee = id;
          break;
        }
      }
    }
    assertThat(callee).as("connections spread over the loops").isNotNull();
    WsTestClient a = clients.get(caller).getKey();
    WsTestClient b = clients.get(callee).getKey();

    // WHEN the one calls the other, which accepts
    String callId = establish(a, b, callee);
    // THEN candidates go both ways
    a.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", "candidate:1 from a")));
    assertThat(expect(b, "ICE_CANDIDATE").getString("candidate")).isEqualTo("candidate:1 from a");
    b.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", "candidate:2 from b")));
    assertThat(expect(a, "ICE_CANDIDATE").getString("candidate")).isEqualTo("candidate:2 from b");
    // AND a hang-up reaches the peer, and the one who hung up gets nothing more
    b.send(frame("CALL_END", new JsonObject().put("callId", callId)));
    assertThat(expect(a, "CALL_ENDED")).isEqualTo(new JsonObject().put("callId", callId).put("reason", "hangup"));
    expectNothingElse(b);

    // WHEN the caller's id is registered again with its token, until the new connection sits on another loop
    // than the one it replaces
    WsTestClient holder = a;
    String holderLoop = clients.get(caller).getValue();
    Map.Entry<WsTestClient, String> fresh = register(caller);
    for (int i = 0; i < 8 && fresh.getValue().equals(holderLoop); i++) {
      assertThat(await(holder.closed())).isEqualTo((short) SecureCallProtocol.CLOSE_REPLACED);
      holder = fresh.getKey();
      fresh = register(caller);
    }
    // THEN the connection it replaced, on another loop, is closed as replaced, and the new one can be called
    assertThat(fresh.getValue()).isNotEqualTo(holderLoop);
    assertThat(await(holder.closed())).isEqualTo((short) SecureCallProtocol.CLOSE_REPLACED);
    String second = establish(b, fresh.getKey(), caller);
    assertThat(second).isNotEqualTo(callId);
  }
}
