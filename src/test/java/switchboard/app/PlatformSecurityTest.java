package switchboard.app;

import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import switchboard.auth.JwksIssuer;
import switchboard.config.ConfigException;
import switchboard.config.DevSecrets;
import switchboard.config.HttpEndpointConfig;
import switchboard.config.ConfigReader;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static switchboard.testing.Await.await;
import static switchboard.testing.Await.failure;

/**
 * Verifies the platform's safe defaults through real nodes: identity-provider tokens with per-service
 * audiences on the services' REST routes, dev secrets generated per installation and read by dev-token, the
 * management server on loopback, and the prod profile's refusals.
 */
class PlatformSecurityTest {

  private static final String SIGNAL_CLIENTS = "/v1/api/socket/websocket/clients";

  private final List<SwitchboardNode> nodes = new ArrayList<>();
  private final Vertx client = Vertx.vertx();

  @AfterEach
  void tearDown() {
    nodes.forEach(n -> await(n.close(), 60));
    await(client.close());
  }

  private SwitchboardNode start(JsonObject json) {
    SwitchboardNode node = await(SwitchboardNode.start(json, false), 60);
    nodes.add(node);
    return node;
  }

  private int status(int port, HttpMethod method, String path, String token) {
    var request = WebClient.create(client).request(method, port, "127.0.0.1", path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    HttpResponse<Buffer> response = await(method == HttpMethod.POST
        ? request.sendJsonObject(new JsonObject()) : request.send());
    return response.statusCode();
  }

  private static Path tempFile(String name) {
    try {
      return Files.createTempDirectory("platformsec").resolve("run").resolve(name);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, Object> keycloakClaims(Object aud) {
    long now = System.currentTimeMillis() / 1000;
    Map<String, Object> claims = new HashMap<>();
    claims.put("sub", "2f1c6a0e-bank-core");
    claims.put("iss", JwksIssuer.ISSUER);
    claims.put("aud", aud);
    claims.put("iat", now);
    claims.put("exp", now + 300);
    claims.put("realm_access", Map.of("roles", List.of("service", "offline_access")));
    return claims;
  }

  @Test
  void identityProviderTokensReachOnlyTheServicesTheyAreMeantFor() {
    // GIVEN an identity provider publishing key 1, and a node trusting it with one audience per service
    JwksIssuer idp = await(new JwksIssuer().start(client));
    RSAKey key1 = JwksIssuer.rsaKey("kc-1");
    idp.rotateTo(key1.toPublicJWK());
    JsonObject json = SwitchboardNodeTest.ephemeral(new JsonObject());
    json.getJsonObject("jwt").put("jwksUrl", idp.jwksUrl()).put("issuer", JwksIssuer.ISSUER)
        .put("rolesClaim", "realm_access.roles").put("jwksMinRefreshIntervalMs", 0);
    json.getJsonObject("signal").put("jwt", new JsonObject().put("audience", "signal"));
    json.getJsonObject("webflow").put("jwt", new JsonObject().put("audience", "webflow"));
    SwitchboardNode node = start(json);
    int signal = node.services().get("signal").port();
    int webflow = node.services().get("webflow").port();

    // THEN a token for Signal, with its roles under realm_access.roles, is accepted by Signal's REST API
    String forSignal = JwksIssuer.sign(key1, keycloakClaims("signal"));
    assertThat(status(signal, HttpMethod.GET, SIGNAL_CLIENTS, forSignal)).isEqualTo(200);
    // AND refused by Web Flow's, whose audience it does not name
    assertThat(status(webflow, HttpMethod.POST, "/api/authorizations", forSignal)).isEqualTo(401);
    // AND one naming both audiences passes Web Flow's guard (the empty body is then refused as a bad request)
    String forBoth = JwksIssuer.sign(key1, keycloakClaims(List.of("signal", "webflow")));
    assertThat(status(webflow, HttpMethod.POST, "/api/authorizations", forBoth)).isNotIn(401, 403);

    // WHEN the provider rotates to key 2
    RSAKey key2 = JwksIssuer.rsaKey("kc-2");
    idp.rotateTo(key2.toPublicJWK());
    // THEN the node picks it up on the first token that names it
    assertThat(status(signal, HttpMethod.GET, SIGNAL_CLIENTS, JwksIssuer.sign(key2, keycloakClaims("signal")))).isEqualTo(200);
    // AND a token from another issuer, or without exp, is refused
    Map<String, Object> otherIssuer = keycloakClaims("signal");
    otherIssuer.put("iss", "https://other.test");
    assertThat(status(signal, HttpMethod.GET, SIGNAL_CLIENTS, JwksIssuer.sign(key2, otherIssuer))).isEqualTo(401);
    Map<String, Object> noExp = keycloakClaims("signal");
    noExp.remove("exp");
    assertThat(status(signal, HttpMethod.GET, SIGNAL_CLIENTS, JwksIssuer.sign(key2, noExp))).isEqualTo(401);
  }

  @Test
  void devSecretsAreGeneratedPerInstallationPrivateReusedAndReadByDevToken() throws Exception {
    // GIVEN a fresh installation (no secrets file yet) with no JWT secret configured
    Path file = tempFile("dev-secrets.json");
    JsonObject json = SwitchboardNodeTest.ephemeral(new JsonObject()).put("devSecretsFile", file.toString());
    json.remove("jwt");

    // WHEN the configuration is read twice (two starts)
    AppConfig first = AppConfig.read(json, ServiceCatalog.all());
    AppConfig second = AppConfig.read(json, ServiceCatalog.all());

    // THEN the secret was generated once, kept owner-only, and reused
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    DevSecrets stored = DevSecrets.load(file).orElseThrow();
    assertThat(first.jwt().hs256Secret()).isEqualTo(stored.jwtSecret()).isEqualTo(second.jwt().hs256Secret());
    assertThat(stored.jwtSecret()).hasSizeGreaterThanOrEqualTo(43);
    assertThat(stored.fingerprintApiKey()).startsWith("ak_test_");
    assertThat(Files.readString(file)).doesNotContain("switchboard-dev");
    // AND another installation gets other secrets
    Path other = tempFile("dev-secrets.json");
    AppConfig elsewhere = AppConfig.read(json.copy().put("devSecretsFile", other.toString()), ServiceCatalog.all());
    assertThat(elsewhere.jwt().hs256Secret()).isNotEqualTo(first.jwt().hs256Secret());
    assertThat(DevSecrets.load(other).orElseThrow().turnSecret()).isNotEqualTo(stored.turnSecret());

    // WHEN dev-token mints a service token from the same file
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = new CommandLine(new DevToken(Map.of(DevSecrets.FILE_VARIABLE, file.toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8))).execute("--sub", "ops", "--roles", "service");
    assertThat(exit).isZero();
    String token = out.toString(StandardCharsets.UTF_8).trim();

    // THEN a node of this installation accepts it on a guarded REST route, and refuses no token at all
    SwitchboardNode node = start(json);
    int signal = node.services().get("signal").port();
    assertThat(status(signal, HttpMethod.GET, SIGNAL_CLIENTS, token)).isEqualTo(200);
    assertThat(status(signal, HttpMethod.GET, SIGNAL_CLIENTS, null)).isEqualTo(401);
  }

  @Test
  void aSecretsFileReadableByOthersIsMadePrivate() throws Exception {
    Path file = tempFile("dev-secrets.json");
    DevSecrets created = DevSecrets.loadOrCreate(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(DevSecrets.loadOrCreate(file)).isEqualTo(created);
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void managementListensOnLoopbackUnlessConfigured() throws Exception {
    // GIVEN a node whose management section names no host
    JsonObject json = SwitchboardNodeTest.ephemeral(new JsonObject());
    SwitchboardNode node = start(json);
    assertThat(node.config().management().host()).isEqualTo("127.0.0.1");
    // THEN it answers on loopback
    assertThat(status(node.managementPort(), HttpMethod.GET, "/health", null)).isEqualTo(200);
    // AND not on this machine's other addresses
    Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
    assumeTrue(external.isPresent(), "no non-loopback IPv4 address to try");
    Throwable refused = failure(WebClient.create(client)
        .get(node.managementPort(), external.get().getHostAddress(), "/health").send());
    assertThat(refused).hasMessageContaining("Connection refused");
  }

  /** A prod configuration that satisfies every check, for the refusals below to break one at a time. */
  private static JsonObject prodReady() {
    JsonObject json = SwitchboardNodeTest.ephemeral(new JsonObject()).put("profile", "prod");
    json.getJsonObject("jwt").put("issuer", "https://idp.example.test").put("audience", "switchboard");
    for (String service : List.of("signal", "securecall", "webflow", "wallet", "fingerprint")) {
      json.getJsonObject(service).put("behindTlsProxy", true).put("allowedOrigins", new JsonArray().add("*"));
    }
    json.getJsonObject("securecall").put("turn", new JsonObject().put("secrets", new JsonArray().add("a-real-turn-secret")));
    return json;
  }

  @Test
  void prodRefusesOpenListenersOriginsManagementAndTokensWithoutIssuerOrAudience() {
    // GIVEN a configuration prod accepts
    AppConfig ready = AppConfig.read(prodReady(), ServiceCatalog.all());
    assertThat(ready.jwtPolicies().get("signal").audience()).isEqualTo("switchboard");
    assertThat(((switchboard.signal.SignalConfig) ready.services().get("signal")).http().allowedOrigins())
        .as("\"*\" reaches the services as the empty (any origin) list").isEmpty();

    // THEN each of these breaks it, naming the key
    Map<String, java.util.function.Consumer<JsonObject>> breaks = new java.util.LinkedHashMap<>();
    breaks.put("jwt.issuer", j -> j.getJsonObject("jwt").remove("issuer"));
    breaks.put("signal.jwt.audience", j -> j.getJsonObject("jwt").remove("audience"));
    breaks.put("webflow.tls", j -> j.getJsonObject("webflow").remove("behindTlsProxy"));
    breaks.put("wallet.allowedOrigins", j -> j.getJsonObject("wallet").put("allowedOrigins", new JsonArray()));
    breaks.put("management.host", j -> j.getJsonObject("management").put("host", "0.0.0.0"));
    breaks.put("jwt.jwksUrl", j -> j.getJsonObject("jwt").put("jwksUrl", "http://idp.example.test/certs"));
    breaks.put("jwt.hs256Secret", j -> j.getJsonObject("jwt").remove("hs256Secret"));
    breaks.forEach((key, change) -> {
      JsonObject json = prodReady();
      change.accept(json);
      assertThatThrownBy(() -> AppConfig.read(json, ServiceCatalog.all())).as(key)
          .isInstanceOf(ConfigException.class).hasMessageContaining(key);
    });

    // AND what the operator states explicitly is accepted: a per-service audience, a proxied management port
    JsonObject perService = prodReady();
    perService.getJsonObject("jwt").remove("audience");
    for (String service : List.of("signal", "securecall", "webflow", "wallet", "fingerprint")) {
      perService.getJsonObject(service).put("jwt", new JsonObject().put("audience", service));
    }
    perService.getJsonObject("management").put("host", "0.0.0.0").put("behindTlsProxy", true);
    AppConfig accepted = AppConfig.read(perService, ServiceCatalog.all());
    assertThat(accepted.jwtPolicies().get("wallet").audience()).isEqualTo("wallet");
    assertThat(accepted.jwtPolicies().get("wallet").issuer()).isEqualTo("https://idp.example.test");
  }

  @Test
  void anyOriginCannotBeMixedWithAList() {
    JsonObject section = new JsonObject().put("allowedOrigins", new JsonArray().add("*").add("https://a.test"));
    assertThatThrownBy(() -> HttpEndpointConfig.read(new ConfigReader(section), 0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("allowedOrigins");
  }

  @Test
  void environmentSetsIssuerAudiencesJwksAndTheSecretsFile() {
    JsonObject json = EnvOverrides.apply(new JsonObject(), Map.of(
        "SWITCHBOARD_JWT_ISSUER", "https://idp.test",
        "SWITCHBOARD_JWT_AUDIENCE", "switchboard",
        "SWITCHBOARD_JWT_JWKS_URL", "https://idp.test/certs",
        "SWITCHBOARD_SIGNAL_JWT_AUDIENCE", "signal",
        "SWITCHBOARD_MANAGEMENT_HOST", "10.0.0.5",
        "SWITCHBOARD_DEV_SECRETS_FILE", "/var/lib/switchboard/dev-secrets.json"));
    assertThat(json.getJsonObject("jwt").getString("issuer")).isEqualTo("https://idp.test");
    assertThat(json.getJsonObject("jwt").getString("audience")).isEqualTo("switchboard");
    assertThat(json.getJsonObject("jwt").getString("jwksUrl")).isEqualTo("https://idp.test/certs");
    assertThat(json.getJsonObject("signal").getJsonObject("jwt").getString("audience")).isEqualTo("signal");
    assertThat(json.getJsonObject("management").getString("host")).isEqualTo("10.0.0.5");
    assertThat(json.getString("devSecretsFile")).isEqualTo("/var/lib/switchboard/dev-secrets.json");
  }
}
