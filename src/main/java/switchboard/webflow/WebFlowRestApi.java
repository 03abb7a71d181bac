package switchboard.webflow;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.JwtVerifier;
import switchboard.auth.ServiceAuthHandler;
import switchboard.auth.VerifiedTokens;
import switchboard.platform.CallerContext;
import switchboard.webflow.impl.AuthorizationBatch;
import switchboard.webflow.impl.AuthorizationNotice;
import switchboard.webflow.impl.AuthorizationRouter;
import switchboard.ws.ServiceHttpServer;

import java.time.Clock;

/**
 * {@code POST /api/authorizations}: a service (JWT with role service or admin) notifies a page with one
 * notice (a JSON object, answered by one result) or many (a JSON array of up to
 * {@link AuthorizationBatch#MAX_ITEMS}, answered by an array of results in the same order). One per event
 * loop; a service calling with the same token again is not verified again while the token is valid
 * ({@link VerifiedTokens}, at most {@link #TOKEN_CACHE_MAX_AGE_MS}).
 */
final class WebFlowRestApi {

  private static final Logger LOG = LoggerFactory.getLogger(WebFlowRestApi.class);

  /** Tokens remembered per loop: a handful of calling services, each with a token or two. */
  static final int TOKEN_CACHE_SIZE = 64;
  /** How long a verified token is trusted without verifying it again, even if its exp is later. */
  static final long TOKEN_CACHE_MAX_AGE_MS = 60_000;

  private static final JsonObject[] ANSWERS = {
      new JsonObject().put("delivered", true).put("queued", false),
      new JsonObject().put("delivered", false).put("queued", true),
      new JsonObject().put("delivered", false).put("queued", false)};
  private static final Buffer[] ANSWER_BYTES = {ANSWERS[0].toBuffer(), ANSWERS[1].toBuffer(), ANSWERS[2].toBuffer()};

  private final AuthorizationRouter authorizations;

  WebFlowRestApi(AuthorizationRouter authorizations) {
    this.authorizations = authorizations;
  }

  void mount(Router router, JwtVerifier jwt) {
    VerifiedTokens verified = new VerifiedTokens(TOKEN_CACHE_SIZE, TOKEN_CACHE_MAX_AGE_MS, Clock.systemUTC());
    router.post(WebFlowProtocol.AUTHORIZATIONS_PATH)
        .handler(ServiceAuthHandler.forServices(jwt, verified))
        .handler(this::onAuthorization);
  }

  private void onAuthorization(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body != null && startsWithArray(body)) {
      onBatch(ctx, body);
      return;
    }
    if (body != null && body.length() > WebFlowProtocol.MAX_REST_BODY_BYTES) {
      ServiceHttpServer.jsonError(ctx.response(), 413, "request body too large");
      return;
    }
    AuthorizationNotice notice;
    try {
      notice = AuthorizationNotice.parse(ctx.body().asJsonObject());
    } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
      ServiceHttpServer.jsonError(ctx.response(), 400,
          e instanceof IllegalArgumentException ? e.getMessage() : "body must be a JSON object");
      return;
    }
    CallerContext.of(authorizations.authorize(notice)).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", "application/json").end(encoded(ar.result()));
      } else {
        LOG.warn("authorization for a webSocketId failed: {}", ar.cause().toString());
        ServiceHttpServer.jsonError(ctx.response(), 500, "delivery failed");
      }
    });
  }

  private void onBatch(RoutingContext ctx, Buffer body) {
    JsonArray items;
    try {
      items = (JsonArray) Json.decodeValue(body);
    } catch (DecodeException | ClassCastException e) {
      ServiceHttpServer.jsonError(ctx.response(), 400, "body must be a JSON object or an array of them");
      return;
    }
    if (items.size() > AuthorizationBatch.MAX_ITEMS) {
      ServiceHttpServer.jsonError(ctx.response(), 413,
          "at most " + AuthorizationBatch.MAX_ITEMS + " notifications per request");
      return;
    }
    CallerContext.of(AuthorizationBatch.authorize(authorizations, items)).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", "application/json").end(ar.result().toBuffer());
      } else {
        LOG.warn("a batch of authorizations failed: {}", ar.cause().toString());
        ServiceHttpServer.jsonError(ctx.response(), 500, "delivery failed");
      }
    });
  }

  /** The answer's bytes; the three answers there are, encoded once. */
  private static Buffer encoded(JsonObject result) {
    for (int i = 0; i < ANSWERS.length; i++) {
      if (ANSWERS[i].equals(result)) {
        return ANSWER_BYTES[i];
      }
    }
    return result.toBuffer();
  }

  /** Whether the body's first character that is not JSON whitespace opens an array. */
  private static boolean startsWithArray(Buffer body) {
    for (int i = 0; i < body.length(); i++) {
      byte b = body.getByte(i);
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return b == '[';
      }
    }
    return false;
  }
}
