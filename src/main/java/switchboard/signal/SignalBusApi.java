package switchboard.signal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import switchboard.bus.Addresses;
import switchboard.bus.ClusterView;
import switchboard.bus.NodeRouter.Reach;
import switchboard.signal.impl.SignalHub;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Signal's event-bus API: the {@code signal.broadcast}, {@code signal.room.send}, {@code signal.client.send} and
 * {@code signal.client.disconnect} consumers, and {@code signal.inbound}, where client events are published. A send/request fans out
 * cluster-wide and replies {@link SignalProtocol#sendAnswer}; a publish reaches every node's consumer, and
 * each delivers to its own clients.
 */
final class SignalBusApi {

  private final Vertx vertx;
  private final SignalHub hub;
  private final SignalConfig config;
  private final ClusterView cluster;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  SignalBusApi(Vertx vertx, SignalHub hub, SignalConfig config, ClusterView cluster) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.hub = Objects.requireNonNull(hub, "hub");
    this.config = Objects.requireNonNull(config, "config");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
  }

  Future<Void> start() {
    consumers.add(vertx.eventBus().consumer(Addresses.SIGNAL_BROADCAST, this::onBroadcast));
    consumers.add(vertx.eventBus().consumer(Addresses.SIGNAL_ROOM_SEND, this::onRoomSend));
    consumers.add(vertx.eventBus().consumer(Addresses.SIGNAL_CLIENT_SEND, this::onClientSend));
    consumers.add(vertx.eventBus().consumer(Addresses.SIGNAL_CLIENT_DISCONNECT, this::onClientDisconnect));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  Future<Void> stop() {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /** An application event a client sent, for whoever listens on {@code signal.inbound}. */
  void publishInbound(String clientId, String userId, String event, Object data) {
    vertx.eventBus().publish(Addresses.SIGNAL_INBOUND, new JsonObject().put("clientId", clientId)
        .put("userId", userId).put("event", event).put("data", data));
  }

  private void onBroadcast(Message<JsonObject> msg) {
    withTopic(msg, (topic, body) -> (msg.isSend() ? hub.broadcast(topic, body.getValue("data"))
        : hub.broadcastLocal(topic, body.getValue("data"))).map(SignalProtocol::sendAnswer));
  }

  private void onRoomSend(Message<JsonObject> msg) {
    withTopic(msg, (topic, body) -> {
      if (!(body.getValue("room") instanceof String room) || !config.rooms().containsKey(room)) {
        return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404,
            "unknown room"));
      }
      // a publish reaches every node, but the message must enter the room's history once: the oldest member
      // sends it on for the cluster, the others leave it
      if (msg.isSend() || cluster.oldestMember()) {
        return hub.toRoom(room, topic, body.getValue("data")).map(SignalProtocol::roomSendAnswer);
      }
      return Future.succeededFuture(SignalProtocol.sendAnswer(Reach.NONE));
    });
  }

  private void onClientSend(Message<JsonObject> msg) {
    withTopic(msg, (topic, body) -> {
      if (!(body.getValue("clientId") instanceof String clientId) || clientId.isEmpty()) {
        return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 400,
            "clientId must be a string"));
      }
      return hub.toClient(clientId, topic, body.getValue("data")).map(SignalProtocol::sendAnswer);
    });
  }

  /** Closes a client's connection on whichever node holds it, as the REST disconnect does. */
  private void onClientDisconnect(Message<JsonObject> msg) {
    Object raw = msg.body();
    if (!(raw instanceof JsonObject body) || !(body.getValue("clientId") instanceof String clientId) || clientId.isEmpty()) {
      msg.fail(400, "body must be {clientId: string}");
      return;
    }
    hub.disconnect(clientId, SignalProtocol.CLOSE_DISCONNECTED, "disconnected by server").onComplete(ar -> {
      if (ar.succeeded() && !ar.result().partial()) {
        msg.reply(new JsonObject().put("disconnected", true).put("clientId", clientId));
      } else if (ar.succeeded()) {
        msg.fail(504, "the client's node did not answer in time");
      } else if (ar.cause() instanceof SignalHub.ClientNotFoundException e) {
        msg.fail(404, e.getMessage());
      } else {
        msg.fail(500, "disconnect failed: " + ar.cause().getMessage());
      }
    });
  }

  private void withTopic(Message<JsonObject> msg, BiFunction<String, JsonObject, Future<JsonObject>> action) {
    // a sender may put any type on the address; only a JSON object is a send
    Object raw = msg.body();
    JsonObject body = raw instanceof JsonObject json ? json : null;
    String topic = SignalProtocol.topic(body);
    if (topic == null) {
      msg.fail(400, "body must be {topic: string, data: any}");
      return;
    }
    action.apply(topic, body).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else if (ar.cause() instanceof SignalHub.ClientNotFoundException e) {
        msg.fail(404, e.getMessage());
      } else if (ar.cause() instanceof ReplyException e) {
        msg.fail(e.failureCode(), e.getMessage());
      } else {
        msg.fail(500, "delivery failed: " + ar.cause().getMessage());
      }
    });
  }
}
