package switchboard.wallet;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.platform.ServiceMetrics;
import switchboard.wallet.WalletProtocol.ErrorCode;
import switchboard.wallet.impl.EnvelopeReader;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Subscribers;
import switchboard.wallet.impl.Uint256;
import switchboard.ws.WsConnection;
import switchboard.ws.WsHandler;
import switchboard.ws.WsProblem;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The gateway's WebSocket protocol. A message is read, verified (digest, signer, low-s, deadline), checked
 * against the connection's binding, recorded in the cluster-wide replay cache and only then acted on; the
 * first message that gets that far binds the connection to its signer.
 */
final class WalletHandler implements WsHandler {

  private static final Logger LOG = LoggerFactory.getLogger(WalletHandler.class);
  private static final int MAX_REQUEST_ID_LENGTH = 128;

  private final Vertx vertx;
  private final WalletConfig config;
  private final Clock clock;
  private final Eip712Verifier verifier;
  private final EnvelopeReader reader = new EnvelopeReader();
  private final ServiceMetrics metrics;
  private final Set<String> tokens;
  private final Subscribers subscribers;
  private final AsyncMap<String, Boolean> replay;

  WalletHandler(Vertx vertx, WalletConfig config, Clock clock, ServiceMetrics metrics, Subscribers subscribers,
                AsyncMap<String, Boolean> replay) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.subscribers = Objects.requireNonNull(subscribers, "subscribers");
    this.replay = Objects.requireNonNull(replay, "replay");
    this.verifier = new Eip712Verifier(config.domain(), clock, config.deadlineHorizon());
    this.tokens = new LinkedHashSet<>(config.tokens().stream().map(TokenInfo::domainSeparator).toList());
  }

  @Override
  public void onOpen(WsConnection connection) {
    connection.state(new WalletSession());
  }

  @Override
  public void onClose(WsConnection connection) {
    WalletSession session = connection.state();
    if (session.address != null) {
      subscribers.remove(session.address, connection);
    }
  }

  @Override
  public String errorFrame(WsConnection connection, WsProblem problem) {
    return WalletProtocol.error(null, ErrorCode.INVALID_MESSAGE, problem.message());
  }

  @Override
  public void onMessage(WsConnection c, JsonObject json, String text) {
    SignedMessage m;
    try {
      m = reader.read(text, json);
    } catch (EnvelopeReader.InvalidEnvelope e) {
      Object id = json.getValue("payload") instanceof JsonObject p ? p.getValue("requestId") : null;
      error(c, id instanceof String s ? s : null, e.code(), e.getMessage());
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
      error(c, requestId, ErrorCode.ADDRESS_MISMATCH, "this connection is bound to " + session.address);
      return;
    }
    Operation op = Operation.named(m.type());
    if (op == null) {
      error(c, requestId, ErrorCode.UNKNOWN_TYPE, "unknown type \"" + m.type() + "\"");
      return;
    }
    Object rawId = m.payload().getValue("requestId");
    if (rawId != null && (requestId == null || requestId.length() > MAX_REQUEST_ID_LENGTH)) {
      error(c, null, ErrorCode.INVALID_MESSAGE,
          "payload.requestId must be a string of at most " + MAX_REQUEST_ID_LENGTH + " characters");
      return;
    }
    List<String> separators;
    try {
      separators = domainSeparators(m.payload());
    } catch (IllegalArgumentException e) {
      error(c, requestId, ErrorCode.INVALID_MESSAGE, e.getMessage());
      return;
    }
    long ttlMs = Math.max(1, m.deadline().longValue() * 1000 - clock.millis());
    replay.putIfAbsent(Hex.encode(result.digest()), Boolean.TRUE, ttlMs).onComplete(ar -> {
      if (!c.isOpen()) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("replay cache unavailable: {}", ar.cause().toString());
        error(c, requestId, ErrorCode.INVALID_MESSAGE, "replay cache unavailable, sign a fresh message and retry");
      } else if (ar.result() != null) {
        error(c, requestId, ErrorCode.REPLAYED, "this signed message was already used; sign a fresh one");
      } else if (session.address != null && !session.address.equals(signer)) {
        error(c, requestId, ErrorCode.ADDRESS_MISMATCH, "this connection is bound to " + session.address);
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
        error(c, requestId, ErrorCode.INVALID_MESSAGE,
            "at most " + config.maxSubscriptions() + " subscriptions per connection");
        return;
      }
      for (String t : tokens) {
        set.add(t);
        changed.add(t);
      }
      subscribers.add(session.address, c);
    } else {
      for (String t : tokens) {
        if (set.remove(t)) {
          changed.add(t);
        }
      }
      if (session.subscriptionCount() == 0) {
        subscribers.remove(session.address, c);
      }
    }
    JsonObject payload = new JsonObject().put("requestId", requestId)
        .put("subscription", op.subscription.name()).put("domainSeparators", new JsonArray(changed));
    c.send(WalletProtocol.frame(op.subscribe ? WalletProtocol.SUBSCRIBED : WalletProtocol.UNSUBSCRIBED, payload));
  }

  private void getBalance(WsConnection c, String address, String requestId, List<String> tokens) {
    JsonObject request = new JsonObject().put("address", address).put("domainSeparators", new JsonArray(tokens));
    vertx.eventBus().<JsonObject>request(Addresses.WALLET_LEDGER_BALANCES, request,
        new DeliveryOptions().setSendTimeout(config.ledgerTimeout().toMillis())).onComplete(ar -> {
          JsonArray balances = ar.succeeded() ? validBalances(ar.result().body(), tokens) : null;
          if (balances == null) {
            error(c, requestId, ErrorCode.LEDGER_UNAVAILABLE, ar.succeeded()
                ? "the ledger sent an unusable answer" : "no ledger answered: " + ar.cause().getMessage());
          } else {
            c.send(WalletProtocol.frame(WalletProtocol.BALANCE_RESULT,
                new JsonObject().put("requestId", requestId).put("balances", balances)));
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

  private void error(WsConnection c, String requestId, ErrorCode code, String message) {
    metrics.error(code.name());
    c.send(WalletProtocol.error(requestId, code, message));
  }
}
