package switchboard.signal;

import java.util.Set;

/**
 * A configured room and who may be in it.
 *
 * @param name     the room name clients join ("ws-orders")
 * @param roles    JWT roles allowed to join; empty: every authenticated client
 * @param autoJoin joined automatically on authentication (by clients whose roles allow it)
 * @param history  how many recent messages, for how long, the room keeps for clients that resume
 */
public record RoomPolicy(String name, Set<String> roles, boolean autoJoin, History history) {

  /**
   * The resume window of a room: at most {@code size} messages, none older than {@code ttlSeconds}.
   */
  public record History(int size, int ttlSeconds) {

    public static final History DEFAULT = new History(1000, 300);
  }

  public RoomPolicy {
    roles = Set.copyOf(roles);
  }

  public boolean allows(Set<String> clientRoles) {
    if (roles.isEmpty()) {
      return true;
    }
    for (String role : clientRoles) {
      if (roles.contains(role)) {
        return true;
      }
    }
    return false;
  }
}
