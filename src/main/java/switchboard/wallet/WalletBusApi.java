package switchboard.wallet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Subscribers;
import switchboard.wallet.impl.Uint256;
import switchboard.ws.WsConnection;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The ledger's pushes ({@link Addresses#WALLET_BALANCE_CHANGED}, {@link Addresses#WALLET_TRANSFER}): one
 * consumer per node, each event checked and written only to this node's connections subscribed to its
 * address and token.
 */
final class WalletBusApi {

  private static final Logger LOG = LoggerFactory.getLogger(WalletBusApi.class);

  private final Vertx vertx;
  private final Subscribers subscribers;
  private MessageConsumer<JsonObject> balanceChanged;
  private MessageConsumer<JsonObject> transfers;

  WalletBusApi(Vertx vertx, Subscribers subscribers) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.subscribers = Objects.requireNonNull(subscribers, "subscribers");
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
    Set<WsConnection> targets = subscribers.of(address);
    if (targets.isEmpty()) {
      return;
    }
    String frame = WalletProtocol.frame(WalletProtocol.BALANCE_UPDATE, new JsonObject().put("address", address)
        .put("domainSeparator", token).put("balance", b));
    for (WsConnection c : targets) {
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
    Set<WsConnection> targets = new LinkedHashSet<>(subscribers.of(from));
    targets.addAll(subscribers.of(to));
    if (targets.isEmpty()) {
      return;
    }
    String frame = WalletProtocol.frame(WalletProtocol.TRANSFER, new JsonObject().put("from", from).put("to", to)
        .put("amount", a).put("domainSeparator", token).put("txHash", txHash));
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
}
