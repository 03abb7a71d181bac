package switchboard.fingerprint.impl;

import java.util.Locale;

/** What an API key may do. Admins (JWT role {@code admin}) hold every permission and see every event. */
public enum Permission {
  /** Subscribe to devices, list and read devices. */
  DEVICE_READ("device:read"),
  /** Start and stop scans. */
  FINGERPRINT_SCAN("fingerprint:scan");

  private final String wire;

  Permission(String wire) {
    this.wire = wire;
  }

  /** The name on the wire and in config ("device:read"). */
  public String wire() {
    return wire;
  }

  /** The permission of a wire name, or null. */
  public static Permission parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Permission p : values()) {
      if (p.wire.equals(n)) {
        return p;
      }
    }
    return null;
  }
}
