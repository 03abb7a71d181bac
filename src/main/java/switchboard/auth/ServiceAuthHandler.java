package switchboard.auth;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

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

  public ServiceAuthHandler(JwtVerifier verifier, Set<String> allowedRoles) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.allowedRoles = Set.copyOf(allowedRoles);
  }

  /** Accepts tokens with the {@code service} or {@code admin} role. */
  public static ServiceAuthHandler forServices(JwtVerifier verifier) {
    return new ServiceAuthHandler(verifier, SERVICE_ROLES);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      reject(ctx, 401, "missing bearer token");
      return;
    }
    verifier.verify(header.substring(7).trim()).onComplete(ar -> {
      if (ar.failed()) {
        reject(ctx, 401, "invalid or expired token");
      } else if (!ar.result().hasAnyRole(allowedRoles)) {
        reject(ctx, 403, "token lacks a required role " + allowedRoles);
      } else {
        ctx.put(PRINCIPAL, ar.result());
        ctx.next();
      }
    });
  }

  private static void reject(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", status == 401 ? "unauthorized" : "forbidden")
            .put("message", message).encode());
  }
}
