package switchboard.wallet;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import switchboard.auth.JwtVerifier;
import switchboard.auth.ServiceAuthHandler;
import switchboard.bus.Addresses;
import switchboard.wallet.impl.Hex;
import switchboard.ws.ServiceHttpServer;

import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The gateway's HTTP API: the public {@code GET /basic-data} a dApp reads before signing, and
 * {@code POST /api/wallet/transfers} (service JWT) passed on to the ledger.
 */
final class WalletRestApi {

  private final Vertx vertx;
  private final WalletConfig config;
  private final JwtVerifier jwt;
  private final IntSupplier port;

  /** @param port the port the server listens on, read per request (known only after it starts) */
  WalletRestApi(Vertx vertx, WalletConfig config, JwtVerifier jwt, IntSupplier port) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.config = Objects.requireNonNull(config, "config");
    this.jwt = Objects.requireNonNull(jwt, "jwt");
    this.port = Objects.requireNonNull(port, "port");
  }

  void mount(Router router) {
    router.get("/basic-data").handler(this::basicData);
    router.post("/api/wallet/transfers").handler(ServiceAuthHandler.forServices(jwt)).handler(this::transfer);
  }

  private void basicData(RoutingContext ctx) {
    // A dApp in a browser reads this public, read-only document from its own origin: answer CORS for it (a
    // simple GET, no preflight), for any origin or only the allow-listed ones when allowedOrigins is set.
    List<String> allowed = config.http().allowedOrigins();
    String origin = ctx.request().getHeader("Origin");
    if (!allowed.isEmpty()) {
      ctx.response().putHeader("Vary", "Origin");
    }
    if (origin != null && (allowed.isEmpty() || allowed.contains(origin))) {
      ctx.response().putHeader("Access-Control-Allow-Origin", allowed.isEmpty() ? "*" : origin);
    }
    String wsUrl = config.publicWsUrl();
    if (wsUrl.isEmpty()) {
      String host = ctx.request().authority() != null ? ctx.request().authority().toString()
          : config.http().host() + ":" + port.getAsInt();
      wsUrl = config.http().scheme(true) + "://" + host + WalletProtocol.WS_PATH;
    }
    JsonArray types = new JsonArray()
        .add(new JsonObject().put("name", "type").put("type", "string"))
        .add(new JsonObject().put("name", "callerAddress").put("type", "address"))
        .add(new JsonObject().put("name", "deadline").put("type", "uint256"))
        .add(new JsonObject().put("name", "payloadHash").put("type", "bytes32"));
    JsonArray tokenList = new JsonArray();
    config.tokens().forEach(t -> tokenList.add(t.toJson()));
    ctx.json(new JsonObject()
        .put("webSocketUrl", wsUrl)
        .put("domain", config.domain().toJson())
        .put("domainSeparator", Hex.encode(config.domain().separator()))
        .put("primaryType", "GatewayMessage")
        .put("types", new JsonObject().put("GatewayMessage", types))
        .put("deadlineHorizonSeconds", config.deadlineHorizon().toSeconds())
        .put("authTimeoutSeconds", config.ws().authTimeout().toSeconds())
        .put("tokens", tokenList));
  }

  private void transfer(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      ServiceHttpServer.jsonError(ctx.response(), 400, "body must be a JSON object {from, to, amount, domainSeparator}");
      return;
    }
    Object token = body.getValue("domainSeparator");
    if (token == null && body.getValue("token") instanceof String symbol) {
      token = config.tokens().stream().filter(t -> t.symbol().equals(symbol)).findFirst()
          .map(TokenInfo::domainSeparator).orElse(null);
    }
    JsonObject request = new JsonObject().put("from", body.getValue("from")).put("to", body.getValue("to"))
        .put("amount", body.getValue("amount")).put("domainSeparator", token);
    vertx.eventBus().<JsonObject>request(Addresses.WALLET_LEDGER_TRANSFER, request,
        new DeliveryOptions().setSendTimeout(config.ledgerTimeout().toMillis())).onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.json(ar.result().body());
          } else if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
              && (re.failureCode() == 400 || re.failureCode() == 409)) {
            ServiceHttpServer.jsonError(ctx.response(), re.failureCode(), re.getMessage());
          } else {
            ServiceHttpServer.jsonError(ctx.response(), 503, "ledger unavailable");
          }
        });
  }
}
