package switchboard.wallet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.config.ConfigReader;
import switchboard.platform.Platform;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static switchboard.testing.Await.await;

/** Builds wallet configs for tests, deploys the service, and talks to it as a client would. */
final class WalletFixture {

  static final long CHAIN_ID = 31337;
  static final Eip712Domain DOMAIN = Eip712Domain.gateway(java.math.BigInteger.valueOf(CHAIN_ID), null);

  private WalletFixture() {
  }

  /** A config on 127.0.0.1:0 with USDC and ETH, its dev ledger on in {@code dataDir}, changed by {@code edit}. */
  static WalletConfig config(Path dataDir, UnaryOperator<JsonObject> edit) {
    JsonObject json = new JsonObject()
        .put("host", "127.0.0.1").put("port", 0).put("chainId", CHAIN_ID)
        .put("tokens", new JsonArray()
            .add(new JsonObject().put("symbol", "USDC").put("decimals", 6))
            .add(new JsonObject().put("symbol", "ETH").put("decimals", 18)))
        .put("ledger", new JsonObject().put("enabled", true).put("dataDir", dataDir.toString()));
    return WalletConfig.read(new ConfigReader(edit.apply(json)));
  }

  /** Deploys the wallet service (and its ledger when enabled); answers the HTTP port. */
  static int deploy(Platform platform, WalletConfig config) {
    return await(new WalletDefinition().deploy(platform, config, Clock.systemUTC())).port();
  }

  static WsTestClient connect(Vertx vertx, int port) {
    return await(WsTestClient.connect(vertx, port, "/ws"));
  }

  static long deadline() {
    return System.currentTimeMillis() / 1000 + 300;
  }

  static String requestId() {
    return UUID.randomUUID().toString();
  }

  /** A payload as JSON.stringify writes it: {"requestId":…,"domainSeparators":[…]}. */
  static String payload(String requestId, String... domainSeparators) {
    JsonArray list = new JsonArray();
    for (String d : domainSeparators) {
      list.add(d);
    }
    return new JsonObject().put("requestId", requestId).put("domainSeparators", list).encode();
  }

  /** Sends a signed message and waits for the answer that echoes its requestId. */
  static JsonObject call(WsTestClient client, TestWallet wallet, String type, String requestId, String... tokens) {
    client.send(wallet.envelope(type, deadline(), payload(requestId, tokens)));
    return reply(client, requestId);
  }

  static JsonObject reply(WsTestClient client, String requestId) {
    return await(client.next(m -> m.getJsonObject("payload") != null
        && requestId.equals(m.getJsonObject("payload").getString("requestId"))));
  }

  static JsonObject push(WsTestClient client, String type) {
    return await(client.next(m -> type.equals(m.getString("type")))).getJsonObject("payload");
  }

  /** POST /api/wallet/transfers with a service token; answers {status, body}. */
  static JsonObject transfer(Vertx vertx, int port, String token, JsonObject body) {
    var client = vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/api/wallet/transfers").putHeader("Content-Type", "application/json");
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    Future<JsonObject> f = client.request(options)
        .compose(req -> req.send(Buffer.buffer(body.encode())))
        .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode())
            .put("body", b.length() == 0 ? null : new JsonObject(b))))
        .eventually(client::close);
    return await(f);
  }

  static JsonObject get(Vertx vertx, int port, String uri) {
    var client = vertx.createHttpClient();
    Future<JsonObject> f = client.request(HttpMethod.GET, port, "127.0.0.1", uri)
        .compose(req -> req.send().expecting(HttpResponseExpectation.SC_OK))
        .compose(resp -> resp.body().map(JsonObject::new))
        .eventually(client::close);
    return await(f);
  }

  static String serviceToken(Vertx vertx) {
    return TestPlatform.minter(vertx).mint("ledger-admin", java.util.List.of("service"), 60);
  }
}
