package switchboard.webflow;

import io.vertx.core.json.DecodeException;
import switchboard.auth.JwtVerifier;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.ServiceAuthHandler;
import switchboard.webflow.impl.AuthorizationNotice;
import switchboard.webflow.impl.AuthorizationRouter;
import switchboard.ws.ServiceHttpServer;

/** {@code POST /api/authorizations}: a service (JWT with role service or admin) notifies a page. */
final class WebFlowRestApi {

  private static final Logger LOG = LoggerFactory.getLogger(WebFlowRestApi.class);

  private final AuthorizationRouter authorizations;

  WebFlowRestApi(AuthorizationRouter authorizations) {
    this.authorizations = authorizations;
  }

  void mount(Router router, JwtVerifier jwt) {
    router.post(WebFlowProtocol.AUTHORIZATIONS_PATH)
        .handler(ServiceAuthHandler.forServices(jwt))
        .handler(this::onAuthorization);
  }

  private void onAuthorization(RoutingContext ctx) {
    AuthorizationNotice notice;
    try {
      notice = AuthorizationNotice.parse(ctx.body().asJsonObject());
    } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
      ServiceHttpServer.jsonError(ctx.response(), 400,
          e instanceof IllegalArgumentException ? e.getMessage() : "body must be a JSON object");
      return;
    }
    authorizations.authorize(notice).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result());
      } else {
        LOG.warn("authorization for a webSocketId failed: {}", ar.cause().toString());
        ServiceHttpServer.jsonError(ctx.response(), 500, "delivery failed");
      }
    });
  }
}
