package switchboard.fingerprint;

import switchboard.fingerprint.impl.DeviceCommands;
import switchboard.fingerprint.impl.Permission;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

/** What the service knows about one WebSocket client; confined to the service verticle's event loop. */
final class FingerprintSession {

  /** Between an admin token arriving and its verification finishing. */
  boolean authenticating;
  boolean authenticated;
  boolean admin;
  /** The API key id, or "admin:&lt;sub&gt;": scans it starts can be stopped by the same principal. */
  String principal;
  Set<Permission> permissions = EnumSet.noneOf(Permission.class);
  /** Devices whose events it asked for. */
  final Set<String> subscriptions = new HashSet<>();
  /** Scans it started that have not ended: stopped when it disconnects, so readers are not left busy. */
  final Set<String> activeScans = new HashSet<>();

  boolean can(Permission permission) {
    return admin || permissions.contains(permission);
  }

  DeviceCommands.Caller caller(String connectionId) {
    return new DeviceCommands.Caller(principal, admin, connectionId);
  }
}
