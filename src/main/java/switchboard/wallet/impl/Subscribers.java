package switchboard.wallet.impl;

import switchboard.ws.WsConnection;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * This node's connections with at least one subscription, by the address they are bound to; ledger pushes
 * look their targets up here. One per event loop of the gateway, confined to it.
 */
public final class Subscribers {

  private final Map<String, Set<WsConnection>> byAddress = new HashMap<>();

  public void add(String address, WsConnection connection) {
    byAddress.computeIfAbsent(address, a -> new HashSet<>()).add(connection);
  }

  public void remove(String address, WsConnection connection) {
    Set<WsConnection> set = byAddress.get(address);
    if (set != null && set.remove(connection) && set.isEmpty()) {
      byAddress.remove(address);
    }
  }

  /** The connections bound to the address (empty when none); a snapshot, safe to iterate while sending. */
  public Set<WsConnection> of(String address) {
    Set<WsConnection> set = byAddress.get(address);
    return set == null ? Set.of() : Set.copyOf(set);
  }
}
