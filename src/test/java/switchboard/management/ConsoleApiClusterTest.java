package switchboard.management;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import switchboard.app.SwitchboardNode;
import switchboard.signal.SignalTestSupport;
import switchboard.signal.SignalTestSupport.Reply;
import switchboard.signal.client.ClientHandshake;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.testing.TestCluster;
import switchboard.testing.TestNode;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/** The console's admin API on a real two-node cluster: figures of every member, and actions on another node's client. */
class ConsoleApiClusterTest {

  private final List<SwitchboardNode> nodes = new ArrayList<>();
  private final Vertx client = Vertx.vertx();

  @AfterEach
  void tearDown() {
    nodes.forEach(n -> await(n.close(), 60));
    await(client.close());
  }

  private Reply call(HttpMethod method, String path, String token, Object body) {
    return await(SignalTestSupport.rest(client, method, nodes.get(0).managementPort(), path, token, body));
  }

  @Test
  void listsEveryMemberAndDisconnectsAClientHeldByAnotherNode() {
    // GIVEN two clustered nodes and a Signal client authenticated on the second one
    List<Integer> ports = TestCluster.freePorts(2);
    String name = "test-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      nodes.add(await(SwitchboardNode.startClustered(TestNode.ephemeral(new JsonObject()),
          TestCluster.hazelcastConfig(name, ports, i)), 90));
    }
    String admin = TestPlatform.minter(client).mint("operator", List.of("admin"), 600);
    String service = TestPlatform.minter(client).mint("backend", List.of("service"), 600);
    WsTestClient ws = await(WsTestClient.connect(client, nodes.get(1).services().get("signal").port(), "/ws"));
    ws.send(new ClientHandshake(new HandshakeCrypto()).authenticateFrame(
        TestPlatform.minter(client).mint("console-user", List.of("user"), 600)));
    String clientId = await(ws.next(f -> "connected".equals(f.getString("event")))).getJsonObject("data").getString("id");

    // THEN the API needs an admin token
    assertThat(call(HttpMethod.GET, "/api/overview", null, null).status()).isEqualTo(401);
    assertThat(call(HttpMethod.GET, "/api/overview", service, null).status()).isEqualTo(403);

    // AND the first node's overview has both members' figures, the second one counting the client
    Reply overview = call(HttpMethod.GET, "/api/overview", admin, null);
    assertThat(overview.status()).isEqualTo(200);
    JsonArray members = overview.body().getJsonArray("members");
    assertThat(members).hasSize(2);
    String second = nodes.get(1).platform().nodeId();
    JsonObject remote = members.stream().map(JsonObject.class::cast)
        .filter(m -> second.equals(m.getString("node"))).findFirst().orElseThrow();
    assertThat(remote.getBoolean("reachable")).isTrue();
    assertThat(remote.getJsonObject("services").getJsonObject("signal").getLong("connections")).isEqualTo(1);
    assertThat(remote.getJsonArray("history")).isNotEmpty();
    assertThat(overview.body().getJsonObject("totals").getInteger("signalClients")).isEqualTo(1);

    // AND the client is listed with the node holding it
    JsonArray clients = call(HttpMethod.GET, "/api/signal/clients", admin, null).body().getJsonArray("clients");
    assertThat(clients).hasSize(1);
    assertThat(clients.getJsonObject(0).getString("clientId")).isEqualTo(clientId);
    assertThat(clients.getJsonObject(0).getString("node")).isEqualTo(second);

    // WHEN the operator disconnects it through the first node
    Reply disconnected = call(HttpMethod.POST, "/api/signal/clients/" + clientId + "/disconnect", admin, null);

    // THEN the second node closes it with 4010, and a second disconnect finds no such client
    assertThat(disconnected.status()).isEqualTo(200);
    assertThat(disconnected.body().getBoolean("disconnected")).isTrue();
    assertThat((int) await(ws.closed())).isEqualTo(4010);
    assertThat(call(HttpMethod.POST, "/api/signal/clients/" + clientId + "/disconnect", admin, null).status())
        .isEqualTo(404);
    assertThat(call(HttpMethod.POST, "/api/signal/rooms/no-such-room/send", admin,
        new JsonObject().put("topic", "t")).status()).isEqualTo(404);
  }
}
