package switchboard.wallet.impl;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import switchboard.wallet.LedgerConfig;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The dev ledger's balances in an H2 MVStore file. Auto-commit is off and every operation ends with one
 * explicit commit, so a transfer's debit and credit reach the file together or not at all (a crash rolls
 * back to the last commit). Blocking file I/O: call it from a worker thread only. Not thread-safe.
 */
public final class LedgerStore implements AutoCloseable {

  /** A balance after a change. */
  public record Change(String address, String domainSeparator, BigInteger balance) {
  }

  /** A committed transfer and both resulting balances. */
  public record Transfer(String txHash, String from, String to, BigInteger amount, String domainSeparator,
                         BigInteger fromBalance, BigInteger toBalance) {
  }

  /** The sender does not hold the amount. */
  public static final class InsufficientFunds extends Exception {
    public InsufficientFunds(BigInteger balance) {
      super("insufficient funds: balance is " + balance, null, false, false);
    }
  }

  private final MVStore store;
  private final MVMap<String, String> balances;
  private final MVMap<String, String> grants;
  private final MVMap<String, String> meta;

  private LedgerStore(MVStore store) {
    this.store = store;
    this.balances = store.openMap("balances");
    this.grants = store.openMap("grants");
    this.meta = store.openMap("meta");
    if (!meta.containsKey("ledgerId")) {
      byte[] id = new byte[16];
      new SecureRandom().nextBytes(id);
      meta.put("ledgerId", Hex.encode(id));
      meta.put("sequence", "0");
      store.commit();
    }
  }

  /** Opens (or creates) {@code dir/ledger.mv.db}. */
  public static LedgerStore open(Path dir) throws java.io.IOException {
    Files.createDirectories(dir);
    return new LedgerStore(new MVStore.Builder().fileName(dir.resolve("ledger.mv.db").toString())
        .autoCommitDisabled().open());
  }

  public BigInteger balance(String address, String domainSeparator) {
    String v = balances.get(key(address, domainSeparator));
    return v == null ? BigInteger.ZERO : new BigInteger(v);
  }

  /**
   * Applies start-up grants so that a restart never credits twice: for each (source, address, token) the
   * store keeps the amount granted so far and credits only what a larger configured amount adds.
   */
  public List<Change> applyGrants(List<LedgerConfig.Grant> list) {
    List<Change> changes = new ArrayList<>();
    for (LedgerConfig.Grant g : list) {
      for (String token : g.tokens()) {
        String grantKey = g.source() + "/" + key(g.address(), token);
        String done = grants.get(grantKey);
        BigInteger already = done == null ? BigInteger.ZERO : new BigInteger(done);
        BigInteger extra = g.amount().subtract(already);
        if (extra.signum() <= 0) {
          continue;
        }
        BigInteger next = balance(g.address(), token).add(extra);
        if (!Uint256.fits(next)) {
          continue;
        }
        balances.put(key(g.address(), token), next.toString());
        grants.put(grantKey, g.amount().toString());
        changes.add(new Change(g.address(), token, next));
      }
    }
    store.commit();
    return changes;
  }

  /** Moves {@code amount} from one address to another in one commit; refuses an overdraft. */
  public Transfer transfer(String from, String to, BigInteger amount, String domainSeparator)
      throws InsufficientFunds {
    if (from.equals(to)) {
      throw new IllegalArgumentException("from and to must differ");
    }
    BigInteger fromBalance = balance(from, domainSeparator);
    if (fromBalance.compareTo(amount) < 0) {
      throw new InsufficientFunds(fromBalance);
    }
    BigInteger toBalance = balance(to, domainSeparator).add(amount);
    if (!Uint256.fits(toBalance)) {
      throw new IllegalArgumentException("the recipient's balance would exceed uint256");
    }
    BigInteger newFrom = fromBalance.subtract(amount);
    long sequence = Long.parseLong(meta.get("sequence")) + 1;
    balances.put(key(from, domainSeparator), newFrom.toString());
    balances.put(key(to, domainSeparator), toBalance.toString());
    meta.put("sequence", Long.toString(sequence));
    store.commit();
    byte[] txHash = Keccak.hash(Hex.decode(meta.get("ledgerId"), 16), Uint256.word(BigInteger.valueOf(sequence)),
        Hex.decode(domainSeparator, 32), Hex.decode(from, 20), Hex.decode(to, 20), Uint256.word(amount));
    return new Transfer(Hex.encode(txHash), from, to, amount, domainSeparator, newFrom, toBalance);
  }

  private static String key(String address, String domainSeparator) {
    return domainSeparator + "/" + address;
  }

  @Override
  public void close() {
    store.close();
  }
}
