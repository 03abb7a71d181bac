package switchboard.auth;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Set;

/**
 * Who a verified JWT speaks for, and until when.
 *
 * @param userId    the user claim ({@code jwt.userIdClaim}, {@code sub} by default)
 * @param roles     the roles claim ({@code jwt.rolesClaim}): a list of strings, or a space-separated string
 * @param expiresAt the token's {@code exp}: a connection authenticated by it should end then
 * @param claims    all claims, for services that need more
 */
public record Principal(String userId, Set<String> roles, Instant expiresAt, JsonObject claims) {

  public boolean hasAnyRole(Set<String> wanted) {
    for (String role : wanted) {
      if (roles.contains(role)) {
        return true;
      }
    }
    return false;
  }
}
