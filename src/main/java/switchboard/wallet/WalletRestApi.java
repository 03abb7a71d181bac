package switchboard.wallet;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import switchboard.auth.JwtVerifier;
import switchboard.auth.ServiceAuthHandler;
import switchboard.bus.Addresses;
import switchboard.platform.CallerContext;
import switchboard.wallet.WalletProtocol.ErrorCode;
import switchboard.wallet.impl.EnvelopeReader;
import switchboard.wallet.impl.Hex;
import switchboard.ws.ServiceHttpServer;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The gateway's HTTP API: the public {@code GET /basic-data} a dApp reads before signing, and
 * {@code POST /api/wallet/transfers} (service JWT and a {@link TransferAuthorization} signed by the payer)
 * passed on to the ledger.
 */
final class WalletRestApi {

  private final Vertx vertx;
  private final WalletConfig config;
  private final JwtVerifier jwt;
  private final IntSupplier port;
  private final Eip712Verifier verifier;
  private final Clock clock;
  private final AsyncMap<String, Boolean> replay;

  /**
   * @param port   the port the server listens on, read per request (known only after it starts)
   * @param replay the cluster-wide replay cache the WebSocket messages use too
   */
  WalletRestApi(Vertx vertx, WalletConfig config, JwtVerifier jwt, IntSupplier port, Clock clock,
                AsyncMap<String, Boolean> replay) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.config = Objects.requireNonNull(config, "config");
    this.jwt = Objects.requireNonNull(jwt, "jwt");
    this.port = Objects.requireNonNull(port, "port");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.replay = Objects.requireNonNull(replay, "replay");
    this.verifier = new Eip712Verifier(config.domain(), clock, config.deadlineHorizon());
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
        .put("transferTypes", new JsonObject().put("Transfer", new JsonArray()
            .add(new JsonObject().put("name", "from").put("type", "address"))
            .add(new JsonObject().put("name", "to").put("type", "address"))
            .add(new JsonObject().put("name", "amount").put("type", "uint256"))
            .add(new JsonObject().put("name", "domainSeparator").put("type", "bytes32"))
            .add(new JsonObject().put("name", "deadline").put("type", "uint256"))))
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
      ServiceHttpServer.jsonError(ctx.response(), 400,
          "body must be a JSON object {from, to, amount, domainSeparator, deadline, signature}");
      return;
    }
    Object token = body.getValue("domainSeparator");
    if (token == null && body.getValue("token") instanceof String symbol) {
      token = config.tokens().stream().filter(t -> t.symbol().equals(symbol)).findFirst()
          .map(TokenInfo::domainSeparator).orElse(null);
    }
    TransferAuthorization transfer;
    try {
      transfer = TransferAuthorization.read(body, token instanceof String t ? t : null);
    } catch (EnvelopeReader.InvalidEnvelope e) {
      refuse(ctx, e.code(), e.getMessage());
      return;
    }
    Eip712Verifier.Result result = transfer.verify(verifier);
    if (!result.ok()) {
      refuse(ctx, result.error(), result.reason());
      return;
    }
    long ttlMs = Math.max(1, transfer.deadline().longValue() * 1000 - clock.millis());
    CallerContext.of(replay.putIfAbsent(Hex.encode(result.digest()), Boolean.TRUE, ttlMs)).onComplete(ar -> {
      if (ar.failed()) {
        ServiceHttpServer.jsonError(ctx.response(), 503, "replay cache unavailable, sign a fresh transfer and retry");
      } else if (ar.result() != null) {
        refuse(ctx, ErrorCode.REPLAYED, "this signed transfer was already used; sign a fresh one");
      } else {
        forward(ctx, transfer.ledgerRequest());
      }
    });
  }

  /** A refused transfer: 403 for a signature that does not authorize it, 409 for a replay, else 400. */
  private static void refuse(RoutingContext ctx, ErrorCode code, String message) {
    int status = switch (code) {
      case INVALID_SIGNATURE -> 403;
      case REPLAYED -> 409;
      default -> 400;
    };
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", message).put("errorCode", code.name()).encode());
    }
  }

  private void forward(RoutingContext ctx, JsonObject request) {
    CallerContext.of(vertx.eventBus().<JsonObject>request(Addresses.WALLET_LEDGER_TRANSFER, request,
        new DeliveryOptions().setSendTimeout(config.ledgerTimeout().toMillis()))).onComplete(ar -> {
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
