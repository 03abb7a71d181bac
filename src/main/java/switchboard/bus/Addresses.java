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
  /** Request {@code {clientId}}; reply {@code {disconnected, clientId}}, or fail 404 (unknown) / 504 (node silent). */
  public static final String SIGNAL_CLIENT_DISCONNECT = "signal.client.disconnect";
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
  /** Published by the fingerprint hardware verticle: the server→client device events. */
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
  /** Cluster map: {@code <webSocketId>#<slot>} → authorization notice waiting for its registration, with a TTL. */
  public static final String WEBFLOW_PENDING_MAP = "switchboard.webflow.pending";
  /** Cluster counter: the order of held Web Flow notices. */
  public static final String WEBFLOW_PENDING_SEQUENCE = "switchboard.webflow.pending.seq";
  /** Cluster map: signed wallet message hash → seen, until its deadline (replay cache). */
  public static final String WALLET_REPLAY_MAP = "wallet.replay";
  /** Cluster map: the one entry "holder" → the node id running the cluster's dev ledger. */
  public static final String WALLET_LEDGER_HOLDER_MAP = "wallet.ledger.holder";
  /** Cluster map: fingerprint deviceId → device entry with the node its reader is attached to. */
  public static final String FINGERPRINT_DEVICES_MAP = "switchboard.sessions.fingerprint.devices";
  /** Cluster map: fingerprint scanId → scan entry with the node running it. */
  public static final String FINGERPRINT_SCANS_MAP = "switchboard.sessions.fingerprint.scans";

  /** Internal: prefix of the per-node management address answering that node's statistics; the node id follows. */
  public static final String MANAGEMENT_NODE_STATS_PREFIX = "switchboard.management.stats.";
  /** Cluster map: Signal room → epoch, the id of the room's current history stream (same partition as it). */
  public static final String SIGNAL_EPOCHS_MAP = "switchboard.signal.epochs";
  /** Hazelcast map: Signal room name → the ids of the nodes with members in it (comma-separated). */
  public static final String SIGNAL_ROOM_NODES_MAP = "switchboard.signal.room-nodes";
  /** Prefix of the Hazelcast ringbuffer of a Signal room's recent messages; see {@link #signalHistory}. */
  public static final String SIGNAL_HISTORY_PREFIX = "switchboard.signal.history.";

  private static final String NODE_ADDRESS_PREFIX = "switchboard.";

  private Addresses() {
  }

  public static String fingerprintCommands(String nodeId) {
    return FINGERPRINT_DEVICE_COMMANDS_PREFIX + nodeId;
  }

  public static String managementNodeStats(String nodeId) {
    return MANAGEMENT_NODE_STATS_PREFIX + nodeId;
  }

  /**
   * Ringbuffer of a Signal room's recent messages. The part after {@code @} is Hazelcast's partition key:
   * the room name, which is also the room's key in {@link #SIGNAL_EPOCHS_MAP}, so a room's history and its
   * epoch live in the same partition and are lost together or not at all.
   */
  public static String signalHistory(String room) {
    return SIGNAL_HISTORY_PREFIX + room + "@" + room;
  }

  /** Internal: the one consumer per service and node that delivers to that node's sockets. */
  public static String nodeDelivery(String service, String nodeId) {
    return NODE_ADDRESS_PREFIX + service + ".node." + nodeId;
  }
}
