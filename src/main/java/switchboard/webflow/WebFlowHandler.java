package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.stomp.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.LocalLoops;
import switchboard.platform.ServiceMetrics;
import switchboard.webflow.WebFlowProtocol.Refusal;
import switchboard.webflow.impl.AuthorizationNotice;
import switchboard.webflow.impl.AuthorizationRouter;
import switchboard.webflow.impl.Registrations;
import switchboard.webflow.impl.WebSocketIds;
import switchboard.ws.StompCodec;
import switchboard.ws.StompHandler;
import switchboard.ws.WsConnection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Web Flow's STOMP policy, what makes user destinations private: subscriptions are kept per session (never
 * in a shared destination), SUBSCRIBE is accepted only for the two user topics, SEND only to the registration
 * destinations, and MESSAGE frames are written to the target session's own subscriptions. Anything else is an
 * ERROR frame and a close. A registration binds the webSocketId to the newest session (the one it moved from
 * gets an ERROR and is closed, on whichever node it is) and then hands over the notices held for it, oldest
 * first. One handler per event loop: its sessions stay on that loop, which the node's {@link LocalLoops}
 * knows as their owner, so notices for them are delivered here.
 */
final class WebFlowHandler implements StompHandler {

  private static final Logger LOG = LoggerFactory.getLogger(WebFlowHandler.class);

  private final WebFlowConfig config;
  private final ServiceMetrics metrics;
  private final Registrations registrations;
  private final AuthorizationRouter authorizations;
  private final LocalLoops loops;
  private final LocalLoops.Loop loop;
  private final Set<String> userTopics;
  private final Set<String> registrationDestinations;
  private final Map<String, WebFlowSession> sessions = new HashMap<>();

  /** Joins the node's loops from the caller's context, which must be this loop's. */
  WebFlowHandler(Vertx vertx, WebFlowConfig config, ServiceMetrics metrics, Registrations registrations,
                 AuthorizationRouter authorizations, LocalLoops loops) {
    this.config = config;
    this.metrics = metrics;
    this.registrations = registrations;
    this.authorizations = authorizations;
    this.loops = loops;
    this.loop = loops.join(vertx.getOrCreateContext(),
        message -> AuthorizationRouter.dispatch(message, this::deliver, this::moved));
    this.userTopics = Set.of(config.registrationTopic(), config.authorizationTopic());
    // clients of the published protocol send the registration to the registration topic itself
    this.registrationDestinations = Set.of(config.registrationDestination(), config.registrationTopic());
  }

  /** Takes this loop out of the node's; its sessions are closed by then. */
  void close() {
    loops.leave(loop);
  }

  @Override
  public void onConnected(WsConnection connection) {
    WebFlowSession s = new WebFlowSession(connection);
    connection.state(s);
    sessions.put(s.id(), s);
    loops.own(loop, s.id());
  }

  @Override
  public void onFrame(WsConnection connection, Frame frame) {
    WebFlowSession s = connection.state();
    switch (frame.getCommand()) {
      case SUBSCRIBE -> onSubscribe(s, frame);
      case UNSUBSCRIBE -> onUnsubscribe(s, frame);
      case SEND -> onSend(s, frame);
      // acknowledgements are accepted (stompjs may send them) and otherwise ignored: delivery is at most once
      case ACK, NACK -> StompCodec.receipt(connection, frame);
      case BEGIN, COMMIT, ABORT -> refuse(s, Refusal.TRANSACTION, frame);
      default -> refuse(s, Refusal.UNKNOWN_COMMAND, frame);
    }
  }

  @Override
  public void onClose(WsConnection connection) {
    WebFlowSession s = connection.state();
    sessions.remove(s.id());
    loops.disown(loop, s.id());
    for (String webSocketId : s.webSocketIds()) {
      registrations.unregister(webSocketId, s.id()).onFailure(err ->
          LOG.warn("could not drop a registration of a closed session: {}", err.toString()));
    }
  }

  private void onSubscribe(WebFlowSession s, Frame frame) {
    String destination = frame.getDestination();
    String id = frame.getId() != null ? frame.getId() : destination;
    if (destination == null) {
      refuse(s, Refusal.SUBSCRIBE_WITHOUT_DESTINATION, frame);
    } else if (!userTopics.contains(destination)) {
      refuse(s, Refusal.FORBIDDEN_SUBSCRIPTION, frame);
    } else if (s.subscriptions().containsKey(id)) {
      refuse(s, Refusal.SUBSCRIPTION_ID_IN_USE, frame);
    } else if (s.subscriptions().size() >= config.stomp().maxSubscriptions()) {
      refuse(s, Refusal.TOO_MANY_SUBSCRIPTIONS, frame);
    } else {
      String ack = frame.getAck();
      s.subscriptions().put(id, WebFlowSession.Subscription.of(id, destination, ack != null && !ack.equals("auto")));
      StompCodec.receipt(s.connection(), frame);
    }
  }

  private void onUnsubscribe(WebFlowSession s, Frame frame) {
    String id = frame.getId() != null ? frame.getId() : frame.getDestination();
    if (id == null) {
      refuse(s, Refusal.UNSUBSCRIBE_WITHOUT_ID, frame);
      return;
    }
    s.subscriptions().remove(id);
    StompCodec.receipt(s.connection(), frame);
  }

  private void onSend(WebFlowSession s, Frame frame) {
    String destination = frame.getDestination();
    if (destination == null) {
      refuse(s, Refusal.SEND_WITHOUT_DESTINATION, frame);
    } else if (!registrationDestinations.contains(destination)) {
      refuse(s, Refusal.FORBIDDEN_SEND, frame);
    } else if (frame.getTransaction() != null) {
      refuse(s, Refusal.TRANSACTION, frame);
    } else {
      String webSocketId = registrationId(frame);
      if (WebSocketIds.isValid(webSocketId)) {
        register(s, webSocketId, frame);
      } else {
        refuse(s, Refusal.INVALID_REGISTRATION, frame);
      }
    }
  }

  private static String registrationId(Frame frame) {
    try {
      Object body = Json.decodeValue(frame.getBodyAsString(StandardCharsets.UTF_8.name()));
      return body instanceof JsonObject json && json.getValue("webSocketId") instanceof String id ? id : null;
    } catch (DecodeException e) {
      return null;
    }
  }

  private void refuse(WebFlowSession s, Refusal refusal, Frame cause) {
    metrics.error(refusal.metric);
    StompCodec.fail(s.connection(), refusal.message, cause);
  }

  private void register(WebFlowSession s, String webSocketId, Frame frame) {
    if (!s.webSocketIds().contains(webSocketId) && s.webSocketIds().size() >= config.maxRegistrationsPerSession()) {
      refuse(s, Refusal.TOO_MANY_REGISTRATIONS, frame);
      return;
    }
    registrations.register(webSocketId, s.id()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("registration of a webSocketId failed: {}", ar.cause().toString());
        refuse(s, Refusal.REGISTRATION_FAILED, frame);
        return;
      }
      // answered once every displaced session has been told, so no notice sent after the answer reaches one
      List<Future<Boolean>> told = new ArrayList<>();
      for (JsonObject previous : ar.result().displaced()) {
        told.add(authorizations.moved(previous, webSocketId).onFailure(err ->
            LOG.warn("could not tell a session that its webSocketId moved: {}", err.toString())));
      }
      Future.join(told).onComplete(done -> registered(s, webSocketId, frame, ar.result().outcome()));
    });
  }

  private void registered(WebFlowSession s, String webSocketId, Frame frame, Registrations.Outcome outcome) {
    if (outcome == Registrations.Outcome.TAKEN) {
      refuse(s, Refusal.WEBSOCKET_ID_TAKEN, frame);
      return;
    }
    if (s.isClosed()) {
      registrations.unregister(webSocketId, s.id());
      return;
    }
    s.webSocketIds().add(webSocketId);
    s.deliver(config.registrationTopic(), new JsonObject().put("webSocketId", webSocketId));
    StompCodec.receipt(s.connection(), frame);
    handOverHeld(s, webSocketId);
  }

  /**
   * Delivers the notices held for a webSocketId just registered, oldest first, then the live ones that arrived
   * meanwhile; from the first one the session cannot take (closed, or not subscribed to the authorization
   * topic), the rest are held again in order.
   */
  private void handOverHeld(WebFlowSession s, String webSocketId) {
    if (!s.startDrain(webSocketId)) {
      return;
    }
    registrations.takeHeld(webSocketId).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("could not take the notices held for a webSocketId: {}", ar.cause().toString());
      }
      List<AuthorizationNotice> queue = new ArrayList<>(ar.succeeded() ? ar.result() : List.of());
      queue.addAll(s.endDrain(webSocketId));
      for (int i = 0; i < queue.size(); i++) {
        if (deliver(s, queue.get(i)) == 0) {
          authorizations.holdInOrder(queue, i).onFailure(err ->
              LOG.warn("could not hold notices again: {}", err.toString()));
          return;
        }
      }
    });
  }

  /**
   * Tells session {@code sessionId} of this node that a newer registration took {@code webSocketId}: ERROR
   * and close, unless the session has registered it again since. Answers 1 if the session is here.
   */
  int moved(String sessionId, String webSocketId) {
    WebFlowSession s = sessions.get(sessionId);
    if (s == null || s.isClosed()) {
      return 0;
    }
    // from now on notices for it go by the directory, which names the newer session
    Runnable keep = registrations.forgetLocal(webSocketId, sessionId);
    registrations.lookup(webSocketId).onComplete(ar -> {
      if (ar.succeeded() && registrations.binding(sessionId).equals(ar.result())) {
        keep.run();
        return;
      }
      s.webSocketIds().remove(webSocketId);
      refuse(s, Refusal.WEBSOCKET_ID_MOVED, null);
    });
    return 1;
  }

  /**
   * Writes a notice routed to this node to session {@code sessionId}, which must still hold the webSocketId
   * it is for; answers the number of sessions reached (0 or 1).
   */
  int deliver(String sessionId, AuthorizationNotice notice) {
    WebFlowSession s = sessions.get(sessionId);
    if (s == null || s.isClosed() || !s.webSocketIds().contains(notice.webSocketId())) {
      return 0;
    }
    if (s.waitBehindDrain(notice, config.maxPendingPerId())) {
      return 1;
    }
    return deliver(s, notice);
  }

  private int deliver(WebFlowSession s, AuthorizationNotice notice) {
    return s.deliver(config.authorizationTopic(), notice.toJson()) > 0 ? 1 : 0;
  }
}
