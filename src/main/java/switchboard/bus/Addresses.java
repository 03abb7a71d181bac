package switchboard.bus;

/**
 * Every event-bus address and cluster map name of Switchboard, in one place (documented in
 * docs/event-bus.md). Bodies are JSON objects. The public addresses come first; the internal ones (between
 * Switchboard's own verticles and nodes) and the cluster map names follow.
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

  /** Internal: request to the dev ledger {@code {from, to, amount, domainSeparator}}; reply {@code {txHash}}. */
  public static final String WALLET_LEDGER_TRANSFER = "wallet.ledger.transfer";

  /** Cluster map: Signal clientId → session entry with its node. */
  public static final String SIGNAL_SESSIONS_MAP = "switchboard.sessions.signal";
  /** Cluster map: SecureCall clientId → registration entry with its node. */
  public static final String SECURECALL_SESSIONS_MAP = "switchboard.sessions.securecall";
  /** Cluster map: callId → call record. */
  public static final String SECURECALL_CALLS_MAP = "switchboard.securecall.calls";
  /** Cluster map: clientId → public key (the public-key directory, also persisted per node). */
  public static final String SECURECALL_KEYS_MAP = "switchboard.securecall.keys";
  /** Cluster map: webSocketId → the STOMP session (and node) that registered it, with a TTL. */
  public static final String WEBFLOW_REGISTRATIONS_MAP = "switchboard.sessions.webflow";
  /** Cluster map: webSocketId → authorization notice waiting for its registration, with a TTL. */
  public static final String WEBFLOW_PENDING_MAP = "switchboard.webflow.pending";
  /** Cluster map: signed wallet message hash → seen, until its deadline (replay cache). */
  public static final String WALLET_REPLAY_MAP = "wallet.replay";
  /** Cluster map: the one entry "holder" → the node id running the cluster's dev ledger. */
  public static final String WALLET_LEDGER_HOLDER_MAP = "wallet.ledger.holder";
  /** Cluster map: fingerprint deviceId → device entry with the node its reader is attached to. */
  public static final String FINGERPRINT_DEVICES_MAP = "switchboard.sessions.fingerprint.devices";
  /** Cluster map: fingerprint scanId → scan entry with the node running it. */
  public static final String FINGERPRINT_SCANS_MAP = "switchboard.sessions.fingerprint.scans";

  private static final String NODE_ADDRESS_PREFIX = "switchboard.";

  private Addresses() {
  }

  public static String fingerprintCommands(String nodeId) {
    return FINGERPRINT_DEVICE_COMMANDS_PREFIX + nodeId;
  }

  /** Internal: the one consumer per service and node that delivers to that node's sockets. */
  public static String nodeDelivery(String service, String nodeId) {
    return NODE_ADDRESS_PREFIX + service + ".node." + nodeId;
  }
}
