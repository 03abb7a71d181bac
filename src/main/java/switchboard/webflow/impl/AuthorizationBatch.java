package switchboard.webflow.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Many notices in one request: a JSON array of the single form's objects, answered by an array with one result
 * per item in the same order, each the single form's {@code {"delivered","queued"}} or {@code {"error"}} for an
 * item that is not a valid notice (the other items are still routed). Notices for the same webSocketId are
 * routed one after the other in their order, so a page sees them in that order; the others all at once.
 */
public final class AuthorizationBatch {

  private static final Logger LOG = LoggerFactory.getLogger(AuthorizationBatch.class);

  /** Most notices in one batch. */
  public static final int MAX_ITEMS = 1000;

  private AuthorizationBatch() {
  }

  /** Routes every item; throws {@link IllegalArgumentException} when there are more than {@link #MAX_ITEMS}. */
  public static Future<JsonArray> authorize(AuthorizationRouter router, JsonArray items) {
    if (items.size() > MAX_ITEMS) {
      throw new IllegalArgumentException("at most " + MAX_ITEMS + " notifications per request");
    }
    List<Future<JsonObject>> answers = new ArrayList<>(items.size());
    Map<String, Future<JsonObject>> lastPerId = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.getValue(i);
      AuthorizationNotice notice;
      try {
        notice = AuthorizationNotice.parse(item instanceof JsonObject json ? json : null);
      } catch (IllegalArgumentException e) {
        answers.add(Future.succeededFuture(new JsonObject().put("error", e.getMessage())));
        continue;
      }
      Future<JsonObject> before = lastPerId.get(notice.webSocketId());
      Future<JsonObject> answer = before == null
          ? authorize(router, notice)
          : before.transform(done -> authorize(router, notice));
      lastPerId.put(notice.webSocketId(), answer);
      answers.add(answer);
    }
    return Future.join(answers).map(done -> {
      JsonArray results = new JsonArray(new ArrayList<>(answers.size()));
      for (Future<JsonObject> answer : answers) {
        results.add(answer.result());
      }
      return results;
    });
  }

  /** Never fails: a notice that could not be routed answers {@code {"error":"delivery failed"}}. */
  private static Future<JsonObject> authorize(AuthorizationRouter router, AuthorizationNotice notice) {
    return router.authorize(notice).recover(err -> {
      LOG.warn("authorization for a webSocketId failed: {}", err.toString());
      return Future.succeededFuture(new JsonObject().put("error", "delivery failed"));
    });
  }
}
