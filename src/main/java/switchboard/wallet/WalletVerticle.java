package switchboard.wallet;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.ServiceAuthHandler;
import switchboard.bus.Addresses;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.wallet.impl.EnvelopeReader;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Uint256;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsConnection;
import switchboard.ws.WsEndpoint;
import switchboard.ws.WsHandler;
import switchboard.ws.WsProblem;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The wallet gateway: {@code /ws} for EIP-712 signed messages, {@code GET /basic-data}, and
 * {@code POST /api/wallet/transfers} (service JWT) in front of the ledger.
 *
 * <p>A message is read, verified (digest, signer, low-s, deadline), checked against the connection's
 * binding, recorded in the cluster-wide replay cache and only then acted on; the first message that gets
 * that far binds the connection to its signer. Ledger pushes arrive on one consumer per node and are
 * written to this node's subscribers only.
 */
public final class WalletVerticle extends VerticleBase implements WsHandler {

  static final String WS_PATH = "/ws";

  private static final Logger LOG = LoggerFactory.getLogger(WalletVerticle.class);
  private static final int MAX_REQUEST_ID_LENGTH = 128;

  private final Platform platform;
  private final WalletConfig config;
  private final Clock clock;
  private final Eip712Verifier verifier;
  private final EnvelopeReader reader = new EnvelopeReader();
  private final ServiceMetrics metrics;
  private final Set<String> tokens;
  /** Connections with at least one subscription, by bound address. */
  private final Map<String, Set<WsConnection>> subscribers = new HashMap<>();
  private AsyncMap<String, Boolean> replay;
  private WsEndpoint endpoint;
  private HttpServer server;

  public WalletVerticle(Platform platform, WalletConfig config, Clock clock) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.verifier = new Eip712Verifier(config.domain(), clock, config.deadlineHorizon());
    this.metrics = platform.metricsFor("wallet");
    this.tokens = new LinkedHashSet<>(config.tokens().stream().map(TokenInfo::domainSeparator).toList());
  }

  /** The port the HTTP server listens on (after start). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    endpoint = new WsEndpoint(vertx, Set.of(WS_PATH), config.ws(), WsCloseCodes.GENERIC,
        config.http().allowedOrigins(), this, metrics);
    Router router = ServiceHttpServer.router(vertx, config.maxTransferBodyBytes());
    router.get("/basic-data").handler(this::basicData);
    router.post("/api/wallet/transfers").handler(ServiceAuthHandler.forServices(platform.jwt()))
        .handler(this::transfer);
    var balanceChanged = vertx.eventBus().<JsonObject>consumer(Addresses.WALLET_BALANCE_CHANGED, this::onBalanceChanged);
    var transfers = vertx.eventBus().<JsonObject>consumer(Addresses.WALLET_TRANSFER, this::onTransfer);
    return vertx.sharedData().<String, Boolean>getAsyncMap(Addresses.WALLET_REPLAY_MAP)
        .compose(map -> {
          replay = map;
          return Future.all(balanceChanged.completion(), transfers.completion());
        })
        .compose(v -> ServiceHttpServer.start(vertx, config.http(), router, endpoint))
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return endpoint == null ? Future.succeededFuture() : endpoint.closeAll(WsCloseCodes.GOING_AWAY, "shutting down");
  }

  // ---- WebSocket ----

  @Override
  public void onOpen(WsConnection connection) {
    connection.state(new WalletSession());
  }

  @Override
  public void onClose(WsConnection connection) {
    WalletSession session = connection.state();
    if (session.address != null) {
      unindex(session.address, connection);
    }
  }

  @Override
  public String errorFrame(WsConnection connection, WsProblem problem) {
    return errorJson(null, WalletError.INVALID_MESSAGE, problem.message());
  }

  @Override
  public void onMessage(WsConnection c, JsonObject json, String text) {
    SignedMessage m;
    try {
      m = reader.read(text, json);
    } catch (EnvelopeReader.InvalidEnvelope e) {
      Object id = json.getValue("payload") instanceof JsonObject p ? p.getValue("requestId") : null;
      error(c, id instanceof String s ? s : null, WalletError.INVALID_MESSAGE, e.getMessage());
      return;
    }
    String requestId = m.requestId();
    Eip712Verifier.Result result = verifier.verify(m);
    if (!result.ok()) {
      error(c, requestId, result.error(), result.reason());
      return;
    }
    WalletSession session = c.state();
    String signer = Hex.encode(result.signer());
    if (session.address != null && !session.address.equals(signer)) {
      error(c, requestId, WalletError.ADDRESS_MISMATCH, "this connection is bound to " + session.address);
      return;
    }
    Operation op = Operation.named(m.type());
    if (op == null) {
      error(c, requestId, WalletError.UNKNOWN_TYPE, "unknown type \"" + m.type() + "\"");
      return;
    }
    Object rawId = m.payload().getValue("requestId");
    if (rawId != null && (requestId == null || requestId.length() > MAX_REQUEST_ID_LENGTH)) {
      error(c, null, WalletError.INVALID_MESSAGE,
          "payload.requestId must be a string of at most " + MAX_REQUEST_ID_LENGTH + " characters");
      return;
    }
    List<String> separators;
    try {
      separators = domainSeparators(m.payload());
    } catch (IllegalArgumentException e) {
      error(c, requestId, WalletError.INVALID_MESSAGE, e.getMessage());
      return;
    }
    long ttlMs = Math.max(1, m.deadline().longValue() * 1000 - clock.millis());
    replay.putIfAbsent(Hex.encode(result.digest()), Boolean.TRUE, ttlMs).onComplete(ar -> {
      if (!c.isOpen()) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("replay cache unavailable: {}", ar.cause().toString());
        error(c, requestId, WalletError.INVALID_MESSAGE, "replay cache unavailable, sign a fresh message and retry");
      } else if (ar.result() != null) {
        error(c, requestId, WalletError.REPLAYED, "this signed message was already used; sign a fresh one");
      } else if (session.address != null && !session.address.equals(signer)) {
        error(c, requestId, WalletError.ADDRESS_MISMATCH, "this connection is bound to " + session.address);
      } else {
        if (session.address == null) {
          session.address = signer;
          c.markAuthenticated();
        }
        perform(c, session, op, requestId, separators);
      }
    });
  }

  /** The payload's domainSeparators, lowercase and deduplicated; absent or empty means every token. */
  private List<String> domainSeparators(JsonObject payload) {
    Object value = payload.getValue("domainSeparators");
    if (value == null) {
      return List.copyOf(tokens);
    }
    if (!(value instanceof JsonArray list)) {
      throw new IllegalArgumentException("payload.domainSeparators must be an array of 0x-hex strings");
    }
    if (list.isEmpty()) {
      return List.copyOf(tokens);
    }
    if (list.size() > Math.max(tokens.size(), 1) * 4) {
      throw new IllegalArgumentException("payload.domainSeparators has too many entries");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object o : list) {
      byte[] bytes = o instanceof String s ? Hex.decode(s, 32) : null;
      if (bytes == null) {
        throw new IllegalArgumentException("payload.domainSeparators entries must be 0x followed by 64 hex digits");
      }
      String token = Hex.encode(bytes);
      if (!tokens.contains(token)) {
        throw new IllegalArgumentException("unknown domainSeparator " + token + " (see GET /basic-data)");
      }
      out.add(token);
    }
    return List.copyOf(out);
  }

  private void perform(WsConnection c, WalletSession session, Operation op, String requestId, List<String> tokens) {
    if (op == Operation.GET_BALANCE) {
      getBalance(c, session.address, requestId, tokens);
      return;
    }
    Set<String> set = session.of(op.subscription);
    List<String> changed = new ArrayList<>();
    if (op.subscribe) {
      int adding = (int) tokens.stream().filter(t -> !set.contains(t)).count();
      if (session.subscriptionCount() + adding > config.maxSubscriptions()) {
        error(c, requestId, WalletError.INVALID_MESSAGE,
            "at most " + config.maxSubscriptions() + " subscriptions per connection");
        return;
      }
      for (String t : tokens) {
        set.add(t);
        changed.add(t);
      }
      subscribers.computeIfAbsent(session.address, a -> new HashSet<>()).add(c);
    } else {
      for (String t : tokens) {
        if (set.remove(t)) {
          changed.add(t);
        }
      }
      if (session.subscriptionCount() == 0) {
        unindex(session.address, c);
      }
    }
    JsonObject payload = new JsonObject().put("requestId", requestId)
        .put("subscription", op.subscription.name()).put("domainSeparators", new JsonArray(changed));
    send(c, op.subscribe ? "SUBSCRIBED" : "UNSUBSCRIBED", payload);
  }

  private void getBalance(WsConnection c, String address, String requestId, List<String> tokens) {
    JsonObject request = new JsonObject().put("address", address).put("domainSeparators", new JsonArray(tokens));
    vertx.eventBus().<JsonObject>request(Addresses.WALLET_LEDGER_BALANCES, request,
        new DeliveryOptions().setSendTimeout(config.ledgerTimeout().toMillis())).onComplete(ar -> {
          JsonArray balances = ar.succeeded() ? validBalances(ar.result().body(), tokens) : null;
          if (balances == null) {
            error(c, requestId, WalletError.LEDGER_UNAVAILABLE, ar.succeeded()
                ? "the ledger sent an unusable answer" : "no ledger answered: " + ar.cause().getMessage());
          } else {
            send(c, "BALANCE_RESULT", new JsonObject().put("requestId", requestId).put("balances", balances));
          }
        });
  }

  /** The ledger's balances in request order, or null unless it answered exactly the tokens asked for. */
  private static JsonArray validBalances(JsonObject body, List<String> tokens) {
    if (body == null || !(body.getValue("balances") instanceof JsonArray list) || list.size() != tokens.size()) {
      return null;
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject entry)
          || !(entry.getValue("balance") instanceof String balance) || Uint256.parse(balance) == null
          || !(entry.getValue("domainSeparator") instanceof String ds) || !tokens.get(i).equalsIgnoreCase(ds)) {
        return null;
      }
      out.add(new JsonObject().put("domainSeparator", tokens.get(i)).put("balance", balance));
    }
    return out;
  }

  private void unindex(String address, WsConnection c) {
    Set<WsConnection> set = subscribers.get(address);
    if (set != null && set.remove(c) && set.isEmpty()) {
      subscribers.remove(address);
    }
  }

  // ---- ledger pushes (one consumer per node) ----

  private void onBalanceChanged(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String address = body == null ? null : normalised(body.getValue("address"), 20);
    String token = body == null ? null : normalised(body.getValue("domainSeparator"), 32);
    Object balance = body == null ? null : body.getValue("balance");
    if (address == null || token == null || !(balance instanceof String b) || Uint256.parse(b) == null) {
      LOG.debug("ignoring a malformed {} event", Addresses.WALLET_BALANCE_CHANGED);
      return;
    }
    Set<WsConnection> set = subscribers.get(address);
    if (set == null) {
      return;
    }
    String frame = frame("BALANCE_UPDATE", new JsonObject().put("address", address).put("domainSeparator", token)
        .put("balance", b));
    for (WsConnection c : List.copyOf(set)) {
      if (((WalletSession) c.state()).balance.contains(token)) {
        c.send(frame);
      }
    }
  }

  private void onTransfer(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    if (body == null) {
      return;
    }
    String from = normalised(body.getValue("from"), 20);
    String to = normalised(body.getValue("to"), 20);
    String token = normalised(body.getValue("domainSeparator"), 32);
    String txHash = normalised(body.getValue("txHash"), 32);
    Object amount = body.getValue("amount");
    if (from == null || to == null || token == null || txHash == null
        || !(amount instanceof String a) || Uint256.parse(a) == null) {
      LOG.debug("ignoring a malformed {} event", Addresses.WALLET_TRANSFER);
      return;
    }
    Set<WsConnection> targets = new LinkedHashSet<>(subscribers.getOrDefault(from, Set.of()));
    targets.addAll(subscribers.getOrDefault(to, Set.of()));
    if (targets.isEmpty()) {
      return;
    }
    String frame = frame("TRANSFER", new JsonObject().put("from", from).put("to", to).put("amount", a)
        .put("domainSeparator", token).put("txHash", txHash));
    for (WsConnection c : targets) {
      if (((WalletSession) c.state()).transfers.contains(token)) {
        c.send(frame);
      }
    }
  }

  private static String normalised(Object value, int length) {
    byte[] bytes = value instanceof String s ? Hex.decode(s, length) : null;
    return bytes == null ? null : Hex.encode(bytes);
  }

  // ---- frames ----

  static String frame(String type, JsonObject payload) {
    return new JsonObject().put("type", type).put("payload", payload).encode();
  }

  private static String errorJson(String requestId, WalletError code, String message) {
    return frame("ERROR", new JsonObject().put("requestId", requestId).put("errorCode", code.name())
        .put("message", message));
  }

  private void error(WsConnection c, String requestId, WalletError code, String message) {
    metrics.error(code.name());
    c.send(errorJson(requestId, code, message));
  }

  private void send(WsConnection c, String type, JsonObject payload) {
    c.send(frame(type, payload));
  }

  // ---- HTTP ----

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
          : config.http().host() + ":" + actualPort();
      wsUrl = config.http().scheme(true) + "://" + host + WS_PATH;
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
