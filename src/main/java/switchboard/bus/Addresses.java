package switchboard.bus;

/**
 * The public event-bus addresses of Switchboard, in one place (documented in docs/event-bus.md).
 * Bodies are JSON objects.
 */
public final class Addresses {

  /** {@code {topic, data}} to every Signal client, cluster-wide. */
  public static final String SIGNAL_BROADCAST = "signal.broadcast";
  /** Request {@code {room, topic, data}}; reply {@code {recipients}}. */
  public static final String SIGNAL_ROOM_SEND = "signal.room.send";
  /** Request {@code {clientId, topic, data}}; reply {@code {recipients}} or fail 404. */
  public static final String SIGNAL_CLIENT_SEND = "signal.client.send";
  /** Published by Signal: {@code {clientId, userId, event, data}}, what clients send, decrypted. */
  public static final String SIGNAL_INBOUND = "signal.inbound";
  /** Request {@code {webSocketId | operationId, authResult}}; reply {@code {delivered, queued}}. */
  public static final String WEBFLOW_AUTHORIZATION = "webflow.authorization";
  /** Published by SecureCall: {@code {event, callId, ...}}, call lifecycle. */
  public static final String SECURECALL_EVENTS = "securecall.events";
  /** Request {@code {address, domainSeparators}}; reply {@code {balances:[{domainSeparator, balance}]}}. */
  public static final String WALLET_LEDGER_BALANCES = "wallet.ledger.balances";
  /** Published by a ledger: {@code {address, domainSeparator, balance}}. */
  public static final String WALLET_BALANCE_CHANGED = "wallet.balance.changed";
  /** Published by a ledger: {@code {from, to, amount, domainSeparator, txHash}}. */
  public static final String WALLET_TRANSFER = "wallet.transfer";
  /** Published by the fingerprint hardware verticle: the seed's server→client device events. */
  public static final String FINGERPRINT_DEVICE_EVENTS = "fingerprint.device.events";
  /** Prefix of the per-node fingerprint command address; the node id follows. */
  public static final String FINGERPRINT_DEVICE_COMMANDS_PREFIX = "fingerprint.device.commands.";

  private Addresses() {
  }

  public static String fingerprintCommands(String nodeId) {
    return FINGERPRINT_DEVICE_COMMANDS_PREFIX + nodeId;
  }
}
