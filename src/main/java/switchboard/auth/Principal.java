package switchboard.auth;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Who a verified JWT speaks for.
 *
 * @param userId    the {@code sub} claim
 * @param roles     the {@code roles} claim (array of strings, or one string)
 * @param expiresAt {@code exp} in unix seconds, 0 when the token has none
 * @param claims    all claims, for services that need more
 */
public record Principal(String userId, Set<String> roles, long expiresAt, JsonObject claims) {

  public boolean hasAnyRole(Set<String> wanted) {
    for (String role : wanted) {
      if (roles.contains(role)) {
        return true;
      }
    }
    return false;
  }
}
