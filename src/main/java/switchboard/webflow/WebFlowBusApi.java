package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.webflow.impl.AuthorizationBatch;
import switchboard.webflow.impl.AuthorizationNotice;
import switchboard.webflow.impl.AuthorizationRouter;

/**
 * The {@code webflow.authorization} request/reply address: a service notifies a page over the event bus, with
 * one notice (a JSON object, answered by one result) or many (a JSON array, answered by an array of results
 * in the same order), as over REST. One per node.
 */
final class WebFlowBusApi {

  private static final Logger LOG = LoggerFactory.getLogger(WebFlowBusApi.class);

  private final AuthorizationRouter authorizations;
  private MessageConsumer<Object> consumer;

  WebFlowBusApi(AuthorizationRouter authorizations) {
    this.authorizations = authorizations;
  }

  Future<Void> start(EventBus bus) {
    consumer = bus.consumer(Addresses.WEBFLOW_AUTHORIZATION, this::onAuthorization);
    return consumer.completion();
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void onAuthorization(Message<Object> msg) {
    if (msg.body() instanceof JsonArray items) {
      onBatch(msg, items);
      return;
    }
    if (!(msg.body() instanceof JsonObject body)) {
      msg.fail(400, "body must be a JSON object or an array of them");
      return;
    }
    AuthorizationNotice notice;
    try {
      notice = AuthorizationNotice.parse(body);
    } catch (IllegalArgumentException e) {
      msg.fail(400, e.getMessage());
      return;
    }
    authorizations.authorize(notice).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        LOG.warn("authorization for a webSocketId failed: {}", ar.cause().toString());
        msg.fail(500, "delivery failed");
      }
    });
  }

  private void onBatch(Message<Object> msg, JsonArray items) {
    if (items.size() > AuthorizationBatch.MAX_ITEMS) {
      msg.fail(413, "at most " + AuthorizationBatch.MAX_ITEMS + " notifications per request");
      return;
    }
    AuthorizationBatch.authorize(authorizations, items).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        LOG.warn("a batch of authorizations failed: {}", ar.cause().toString());
        msg.fail(500, "delivery failed");
      }
    });
  }
}
