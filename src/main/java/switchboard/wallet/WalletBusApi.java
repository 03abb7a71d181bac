package switchboard.wallet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.bus.LocalLoops;
import switchboard.bus.NodeMessage;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Subscribers;
import switchboard.wallet.impl.Uint256;
import switchboard.ws.WsConnection;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The ledger's pushes ({@link Addresses#WALLET_BALANCE_CHANGED}, {@link Addresses#WALLET_TRANSFER}): one
 * consumer per node, each event checked and its frame encoded once, then handed to every event loop of the
 * gateway ({@link LocalLoops}), each of which writes it to its own connections subscribed to the event's
 * address and token ({@link #deliver}). The subscriber index is partitioned per loop rather than shared:
 * only the loop of a connection may write to it, so a shared index would still have to hop to that loop.
 */
final class WalletBusApi {

  private static final Logger LOG = LoggerFactory.getLogger(WalletBusApi.class);

  /** Members of a push handed to the loops: the encoded frame, the addresses it concerns, its token and kind. */
  private static final String FRAME = "frame";
  private static final String ADDRESSES = "addresses";
  private static final String TOKEN = "domainSeparator";
  private static final String KIND = "subscription";

  private final Vertx vertx;
  private final LocalLoops loops;
  private MessageConsumer<JsonObject> balanceChanged;
  private MessageConsumer<JsonObject> transfers;

  WalletBusApi(Vertx vertx, LocalLoops loops) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.loops = Objects.requireNonNull(loops, "loops");
  }

  /** Registers both consumers; completes once the cluster knows them. */
  Future<Void> start() {
    balanceChanged = vertx.eventBus().consumer(Addresses.WALLET_BALANCE_CHANGED, this::onBalanceChanged);
    transfers = vertx.eventBus().consumer(Addresses.WALLET_TRANSFER, this::onTransfer);
    return Future.all(balanceChanged.completion(), transfers.completion()).mapEmpty();
  }

  Future<Void> stop() {
    return balanceChanged == null ? Future.succeededFuture()
        : Future.join(balanceChanged.unregister(), transfers.unregister()).mapEmpty();
  }

  private void onBalanceChanged(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String address = body == null ? null : normalised(body.getValue("address"), 20);
    String token = body == null ? null : normalised(body.getValue("domainSeparator"), 32);
    Object balance = body == null ? null : body.getValue("balance");
    if (address == null || token == null || !(balance instanceof String b) || Uint256.parse(b) == null) {
      LOG.debug("ignoring a malformed {} event", Addresses.WALLET_BALANCE_CHANGED);
      return;
    }
    String frame = WalletProtocol.frame(WalletProtocol.BALANCE_UPDATE, new JsonObject().put("address", address)
        .put("domainSeparator", token).put("balance", b));
    push(frame, new JsonArray().add(address), token, WalletSession.Subscription.BALANCE);
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
    String frame = WalletProtocol.frame(WalletProtocol.TRANSFER, new JsonObject().put("from", from).put("to", to)
        .put("amount", a).put("domainSeparator", token).put("txHash", txHash));
    push(frame, new JsonArray().add(from).add(to), token, WalletSession.Subscription.TRANSFERS);
  }

  private void push(String frame, JsonArray addresses, String token, WalletSession.Subscription kind) {
    loops.deliver(new NodeMessage.ToAll(new JsonObject().put(FRAME, frame).put(ADDRESSES, addresses)
        .put(TOKEN, token).put(KIND, kind.name())));
  }

  /**
   * One loop's share of a push: writes its frame to the loop's connections bound to one of its addresses
   * and subscribed to its token and kind (once each, when a transfer's two addresses are the same
   * connection's); answers how many. Runs on the loop that owns {@code subscribers}.
   */
  static int deliver(Subscribers subscribers, NodeMessage message) {
    if (!(message instanceof NodeMessage.ToAll all)) {
      return 0;
    }
    JsonObject push = all.frame();
    Set<WsConnection> targets = new LinkedHashSet<>();
    for (Object address : push.getJsonArray(ADDRESSES)) {
      targets.addAll(subscribers.of((String) address));
    }
    String token = push.getString(TOKEN);
    WalletSession.Subscription kind = WalletSession.Subscription.valueOf(push.getString(KIND));
    String frame = push.getString(FRAME);
    int reached = 0;
    for (WsConnection c : targets) {
      if (((WalletSession) c.state()).of(kind).contains(token) && c.send(frame)) {
        reached++;
      }
    }
    return reached;
  }

  private static String normalised(Object value, int length) {
    byte[] bytes = value instanceof String s ? Hex.decode(s, length) : null;
    return bytes == null ? null : Hex.encode(bytes);
  }
}
