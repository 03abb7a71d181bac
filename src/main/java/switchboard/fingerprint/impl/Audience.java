package switchboard.fingerprint.impl;

import switchboard.ws.WsConnection;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who on one event loop hears a device's events: the connections subscribed to it, and every admin. One per
 * loop of the service, confined to it.
 */
public final class Audience {

  private final Map<String, Set<WsConnection>> byDevice = new HashMap<>();
  private final Set<WsConnection> admins = new HashSet<>();

  public void addAdmin(WsConnection connection) {
    admins.add(connection);
  }

  public void subscribe(String deviceId, WsConnection connection) {
    byDevice.computeIfAbsent(deviceId, k -> new HashSet<>()).add(connection);
  }

  public void unsubscribe(String deviceId, WsConnection connection) {
    Set<WsConnection> set = byDevice.get(deviceId);
    if (set != null && set.remove(connection) && set.isEmpty()) {
      byDevice.remove(deviceId);
    }
  }

  /** Forgets a closed connection: its admin seat and its subscriptions to these devices. */
  public void remove(WsConnection connection, Set<String> deviceIds) {
    admins.remove(connection);
    deviceIds.forEach(deviceId -> unsubscribe(deviceId, connection));
  }

  /** The admins; a snapshot. */
  public Set<WsConnection> admins() {
    return Set.copyOf(admins);
  }

  /** The admins and the device's subscribers (deviceId may be null); a new set the caller may extend. */
  public Set<WsConnection> of(String deviceId) {
    Set<WsConnection> targets = new LinkedHashSet<>(admins);
    Set<WsConnection> subscribed = deviceId == null ? null : byDevice.get(deviceId);
    if (subscribed != null) {
      targets.addAll(subscribed);
    }
    return targets;
  }
}
