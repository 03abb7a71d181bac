package switchboard.auth;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import switchboard.platform.CallerContext;

import java.util.Objects;
import java.util.Set;

/**
 * Guards service-to-service REST routes: {@code Authorization: Bearer <platform JWT>} whose roles include
 * one of the allowed ones. 401 without a valid token, 403 without the role. The principal is put in the
 * routing context under {@link #PRINCIPAL}.
 */
public final class ServiceAuthHandler implements Handler<RoutingContext> {

  public static final String PRINCIPAL = "switchboard.principal";
  public static final Set<String> SERVICE_ROLES = Set.of("service", "admin");

  private final JwtVerifier verifier;
  private final Set<String> allowedRoles;
  private final VerifiedTokens verified;

  public ServiceAuthHandler(JwtVerifier verifier, Set<String> allowedRoles) {
    this(verifier, allowedRoles, null);
  }

  /** @param verified tokens verified lately, consulted before verifying (null: verify every request) */
  public ServiceAuthHandler(JwtVerifier verifier, Set<String> allowedRoles, VerifiedTokens verified) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.allowedRoles = Set.copyOf(allowedRoles);
    this.verified = verified;
  }

  /** Accepts tokens with the {@code service} or {@code admin} role. */
  public static ServiceAuthHandler forServices(JwtVerifier verifier) {
    return new ServiceAuthHandler(verifier, SERVICE_ROLES);
  }

  /** Same, remembering the tokens it verified in {@code verified}. */
  public static ServiceAuthHandler forServices(JwtVerifier verifier, VerifiedTokens verified) {
    return new ServiceAuthHandler(verifier, SERVICE_ROLES, verified);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      reject(ctx, 401, "missing bearer token");
      return;
    }
    String token = header.substring(7).trim();
    Principal known = verified == null ? null : verified.get(token);
    if (known != null) {
      admit(ctx, known);
      return;
    }
    CallerContext.of(verifier.verify(token)).onComplete(ar -> {
      if (ar.failed()) {
        reject(ctx, 401, "invalid or expired token");
        return;
      }
      if (verified != null) {
        verified.put(token, ar.result());
      }
      admit(ctx, ar.result());
    });
  }

  private void admit(RoutingContext ctx, Principal principal) {
    if (!principal.hasAnyRole(allowedRoles)) {
      reject(ctx, 403, "token lacks a required role " + allowedRoles);
    } else {
      ctx.put(PRINCIPAL, principal);
      ctx.next();
    }
  }

  private static void reject(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", status == 401 ? "unauthorized" : "forbidden")
            .put("message", message).encode());
  }
}
