package switchboard.wallet;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.bus.ClusterView;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.LedgerStore;
import switchboard.wallet.impl.Uint256;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The embedded dev ledger: balances per (address, token) in an MVStore file that survives restarts,
 * seeded from config grants, served over the event bus. Deploy it as a worker verticle: every handler
 * touches the file, and a worker instance runs one handler at a time, which also makes each transfer
 * atomic with respect to the others. At most one runs per cluster (the balances live in its file, and two
 * ledgers would each spend the same funds): it claims {@link Addresses#WALLET_LEDGER_HOLDER_MAP} before
 * serving, and a second one refuses to start, naming the node that holds the claim. A claim whose node has
 * left the cluster is taken over. So it is deployed as one instance whatever the gateway's {@code instances}.
 */
public final class DevLedgerVerticle extends VerticleBase {

  /** The key of the claim in {@link Addresses#WALLET_LEDGER_HOLDER_MAP}. */
  static final String HOLDER_KEY = "holder";

  private static final Logger LOG = LoggerFactory.getLogger(DevLedgerVerticle.class);

  private final LedgerConfig config;
  private final Set<String> tokens;
  private final ClusterView cluster;
  private AsyncMap<String, String> holder;
  private boolean claimed;
  private LedgerStore store;

  public DevLedgerVerticle(LedgerConfig config, List<TokenInfo> tokens, ClusterView cluster) {
    this.config = Objects.requireNonNull(config, "config");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.tokens = tokens.stream().map(TokenInfo::domainSeparator).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public Future<?> start() throws Exception {
    if (!context.isWorkerContext()) {
      throw new IllegalStateException("DevLedgerVerticle must be deployed as a worker verticle (it does file I/O)");
    }
    return vertx.sharedData().<String, String>getAsyncMap(Addresses.WALLET_LEDGER_HOLDER_MAP)
        .compose(map -> {
          holder = map;
          return claim();
        })
        .compose(v -> {
          claimed = true;
          try {
            store = LedgerStore.open(config.dataDir());
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          EventBus bus = vertx.eventBus();
          store.applyGrants(config.grants()).forEach(c -> publishBalance(c.address(), c.domainSeparator(), c.balance()));
          MessageConsumer<JsonObject> balances = bus.consumer(Addresses.WALLET_LEDGER_BALANCES, this::onBalances);
          MessageConsumer<JsonObject> transfers = bus.consumer(Addresses.WALLET_LEDGER_TRANSFER, this::onTransfer);
          return Future.all(balances.completion(), transfers.completion());
        });
  }

  /** Claims the cluster's one ledger slot, taking it over from a node that is no longer a member. */
  private Future<Void> claim() {
    String self = cluster.nodeId();
    return holder.putIfAbsent(HOLDER_KEY, self).compose(current -> {
      if (current == null || current.equals(self)) {
        return Future.succeededFuture();
      }
      if (cluster.members().contains(current)) {
        return Future.failedFuture(new IllegalStateException("a dev ledger already runs in this cluster, on node "
            + current + "; at most one may run (wallet.ledger.enabled=false on this node)"));
      }
      LOG.info("taking over the dev ledger claim of node {}, which has left the cluster", current);
      return holder.replaceIfPresent(HOLDER_KEY, current, self).compose(replaced -> replaced
          ? Future.succeededFuture()
          : claim());
    });
  }

  @Override
  public Future<?> stop() {
    if (store != null) {
      store.close();
    }
    return claimed ? holder.removeIfPresent(HOLDER_KEY, cluster.nodeId()).mapEmpty() : Future.succeededFuture();
  }

  private void onBalances(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String address = body == null ? null : address(body.getValue("address"));
    if (address == null || !(body.getValue("domainSeparators") instanceof JsonArray list)) {
      msg.fail(400, "expected {address, domainSeparators}");
      return;
    }
    JsonArray out = new JsonArray();
    for (Object o : list) {
      String token = token(o);
      if (token == null) {
        msg.fail(404, "unknown token " + o);
        return;
      }
      out.add(new JsonObject().put("domainSeparator", token).put("balance", store.balance(address, token).toString()));
    }
    msg.reply(new JsonObject().put("balances", out));
  }

  private void onTransfer(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    if (body == null) {
      msg.fail(400, "expected {from, to, amount, domainSeparator}");
      return;
    }
    String from = address(body.getValue("from"));
    String to = address(body.getValue("to"));
    String token = token(body.getValue("domainSeparator"));
    BigInteger amount = body.getValue("amount") instanceof String s ? Uint256.parse(s) : null;
    if (from == null || to == null || from.equals(to)) {
      msg.fail(400, "from and to must be two different addresses (0x followed by 40 hex digits)");
    } else if (token == null) {
      msg.fail(400, "unknown token");
    } else if (amount == null || amount.signum() == 0) {
      msg.fail(400, "amount must be a positive uint256 decimal string");
    } else {
      try {
        LedgerStore.Transfer t = store.transfer(from, to, amount, token);
        JsonObject event = new JsonObject().put("from", t.from()).put("to", t.to())
            .put("amount", t.amount().toString()).put("domainSeparator", t.domainSeparator()).put("txHash", t.txHash());
        vertx.eventBus().publish(Addresses.WALLET_TRANSFER, event);
        publishBalance(t.from(), t.domainSeparator(), t.fromBalance());
        publishBalance(t.to(), t.domainSeparator(), t.toBalance());
        msg.reply(event.copy().put("balances", new JsonObject()
            .put("from", t.fromBalance().toString()).put("to", t.toBalance().toString())));
      } catch (LedgerStore.InsufficientFunds e) {
        msg.fail(409, e.getMessage());
      } catch (IllegalArgumentException e) {
        msg.fail(400, e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("dev ledger transfer failed", e);
        msg.fail(500, "ledger error");
      }
    }
  }

  private void publishBalance(String address, String token, BigInteger balance) {
    vertx.eventBus().publish(Addresses.WALLET_BALANCE_CHANGED, new JsonObject().put("address", address)
        .put("domainSeparator", token).put("balance", balance.toString()));
  }

  private static String address(Object value) {
    byte[] bytes = value instanceof String s ? Hex.decode(s, 20) : null;
    return bytes == null ? null : Hex.encode(bytes);
  }

  private String token(Object value) {
    byte[] bytes = value instanceof String s ? Hex.decode(s, 32) : null;
    String token = bytes == null ? null : Hex.encode(bytes);
    return token != null && tokens.contains(token) ? token : null;
  }
}
