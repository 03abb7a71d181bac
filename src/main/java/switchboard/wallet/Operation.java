package switchboard.wallet;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The signed operations a client may send (the envelope's {@code type}). */
enum Operation {
  GET_BALANCE(null, false),
  SUBSCRIBE_BALANCE(WalletSession.Subscription.BALANCE, true),
  SUBSCRIBE_TRANSFERS(WalletSession.Subscription.TRANSFERS, true),
  UNSUBSCRIBE_BALANCE(WalletSession.Subscription.BALANCE, false),
  UNSUBSCRIBE_TRANSFERS(WalletSession.Subscription.TRANSFERS, false);

  private static final Map<String, Operation> BY_NAME =
      Stream.of(values()).collect(Collectors.toUnmodifiableMap(Enum::name, Function.identity()));

  /** The subscription it changes, null for GET_BALANCE. */
  final WalletSession.Subscription subscription;
  /** True to add the subscription, false to remove it. */
  final boolean subscribe;

  Operation(WalletSession.Subscription subscription, boolean subscribe) {
    this.subscription = subscription;
    this.subscribe = subscribe;
  }

  /** The operation of that exact name, or null. */
  static Operation named(String type) {
    return BY_NAME.get(type);
  }
}
