package switchboard.wallet;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the gateway keeps per connection: the address it is bound to (after its first valid message) and
 * its subscriptions, by token domain separator. Confined to the event loop of its connection.
 */
final class WalletSession {

  /** Lowercase 0x-hex, null until the first valid signed message. */
  String address;
  final Set<String> balance = new LinkedHashSet<>();
  final Set<String> transfers = new LinkedHashSet<>();

  int subscriptionCount() {
    return balance.size() + transfers.size();
  }

  Set<String> of(Subscription kind) {
    return kind == Subscription.BALANCE ? balance : transfers;
  }

  /** The two kinds of push a connection can subscribe to. */
  enum Subscription {
    BALANCE, TRANSFERS
  }
}
