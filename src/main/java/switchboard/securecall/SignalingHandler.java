package switchboard.securecall;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.JwtVerifier;
import switchboard.bus.Addresses;
import switchboard.bus.NodeMessage;
import switchboard.bus.NodeRouter;
import switchboard.bus.SessionDirectory;
import switchboard.platform.ServiceMetrics;
import switchboard.securecall.CallRecord.State;
import switchboard.securecall.ClientSession.Leg;
import switchboard.securecall.Delivery.Effect;
import switchboard.ws.WsConnection;
import switchboard.ws.WsHandler;
import switchboard.ws.WsProblem;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The SecureCall signaling protocol on top of the shared WebSocket plumbing: registration, the call state
 * machine, opaque relay of SDP and ICE candidates, the public-key directory and TURN credentials.
 * Runs on the verticle's event loop. SDP, candidates, keys and tokens are relayed or stored but never
 * parsed or logged.
 */
final class SignalingHandler implements WsHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SignalingHandler.class);
  static final Pattern CLIENT_ID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
  /** Messages of one connection waiting behind a slow one (e.g. a stalled cluster map) before new ones are refused. */
  private static final int MAX_QUEUED = 64;

  private final Vertx vertx;
  private final SecureCallConfig config;
  private final String nodeId;
  private final JwtVerifier jwt;
  private final SessionDirectory sessions;
  private final CallTable calls;
  private final KeyDirectory keys;
  private final TurnCredentials turn;
  private final ServiceMetrics metrics;
  private final Map<String, WsConnection> byClient = new HashMap<>();
  private NodeRouter router;

  SignalingHandler(Vertx vertx, SecureCallConfig config, String nodeId, JwtVerifier jwt, SessionDirectory sessions,
                   CallTable calls, KeyDirectory keys, TurnCredentials turn, ServiceMetrics metrics) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.config = Objects.requireNonNull(config, "config");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.jwt = Objects.requireNonNull(jwt, "jwt");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.calls = Objects.requireNonNull(calls, "calls");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.turn = Objects.requireNonNull(turn, "turn");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** The router must exist before the first connection; it calls back into {@link #deliverLocally}. */
  void router(NodeRouter router) {
    this.router = router;
  }

  // ---- plumbing callbacks ------------------------------------------------------------------------

  @Override
  public void onOpen(WsConnection connection) {
    connection.state(new ClientSession());
  }

  @Override
  public void onMessage(WsConnection connection, JsonObject message, String text) {
    ClientSession session = connection.state();
    if (session.queued >= MAX_QUEUED) {
      sendError(connection, ErrorCode.RATE_LIMITED, "too many messages in flight, slow down");
      return;
    }
    session.queued++;
    session.tail = session.tail.transform(previous -> {
      Future<Void> handled;
      try {
        handled = handle(connection, session, message);
      } catch (RuntimeException e) {
        handled = Future.failedFuture(e);
      }
      return handled.recover(err -> {
        LOG.error("securecall failed on a message from {}", connection.id(), err);
        sendError(connection, ErrorCode.INTERNAL_ERROR, "internal error");
        return Future.succeededFuture();
      }).onComplete(done -> session.queued--);
    });
  }

  @Override
  public void onClose(WsConnection connection) {
    release(connection).onFailure(err -> LOG.warn("could not release a closed connection: {}", err.toString()));
  }

  /**
   * Frees a connection's clientId and ends its calls for the other parties; once only. The verticle calls it
   * for every connection before it stops, so the peers hear of it while this node is still in the cluster.
   */
  Future<Void> release(WsConnection connection) {
    ClientSession session = connection.state();
    if (session == null) {
      return Future.succeededFuture();
    }
    session.released = true;
    if (!session.registered()) {
      return Future.succeededFuture();
    }
    String clientId = session.clientId;
    session.clientId = null;
    byClient.remove(clientId, connection);
    List<Future<?>> work = new ArrayList<>();
    work.add(sessions.removeIfPresent(clientId, session.directoryEntry));
    for (Leg leg : session.legs.values()) {
      cancelRingTimer(leg);
      work.add(endCall(leg.callId, clientId, "disconnected"));
    }
    session.legs.clear();
    return Future.join(work).mapEmpty();
  }

  /** Releases every connection (see {@link #release}); completes when all are done. */
  Future<Void> releaseAll(Collection<WsConnection> connections) {
    List<Future<Void>> all = new ArrayList<>();
    for (WsConnection c : List.copyOf(connections)) {
      all.add(release(c));
    }
    return Future.join(all).mapEmpty();
  }

  @Override
  public String errorFrame(WsConnection connection, WsProblem problem) {
    ErrorCode code = switch (problem) {
      case MALFORMED_JSON -> ErrorCode.INVALID_MESSAGE;
      case TOO_LARGE -> ErrorCode.PAYLOAD_TOO_LARGE;
      case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
      case INTERNAL_ERROR -> ErrorCode.INTERNAL_ERROR;
    };
    return Frames.error(code, problem.message()).encode();
  }

  // ---- dispatch ----------------------------------------------------------------------------------

  private Future<Void> handle(WsConnection c, ClientSession s, JsonObject message) {
    if (s.released) {
      return Future.succeededFuture();
    }
    if (!(message.getValue("type") instanceof String type)) {
      return error(c, ErrorCode.INVALID_MESSAGE, "type must be a string");
    }
    Object rawPayload = message.getValue("payload");
    if (rawPayload != null && !(rawPayload instanceof JsonObject)) {
      return error(c, ErrorCode.INVALID_MESSAGE, "payload must be an object");
    }
    JsonObject payload = rawPayload == null ? new JsonObject() : (JsonObject) rawPayload;
    switch (type) {
      case Frames.PING:
        c.send(Frames.frame(Frames.PONG, payload).encode());
        return Future.succeededFuture();
      case Frames.REGISTER:
        return register(c, s, payload);
      case Frames.CALL_INITIATE, Frames.CALL_ACCEPT, Frames.CALL_REJECT, Frames.CALL_END, Frames.ICE_CANDIDATE,
          Frames.PKD_REGISTER, Frames.PKD_LOOKUP, Frames.TURN_CREDENTIALS:
        if (!s.registered()) {
          return error(c, ErrorCode.NOT_REGISTERED, "send REGISTER first");
        }
        return registered(c, s, type, payload);
      default:
        return error(c, ErrorCode.INVALID_MESSAGE, "unknown message type");
    }
  }

  private Future<Void> registered(WsConnection c, ClientSession s, String type, JsonObject payload) {
    return switch (type) {
      case Frames.CALL_INITIATE -> initiate(c, s, payload);
      case Frames.CALL_ACCEPT -> accept(c, s, payload);
      case Frames.CALL_REJECT -> reject(c, s, payload);
      case Frames.CALL_END -> hangUp(c, s, payload);
      case Frames.ICE_CANDIDATE -> candidate(c, s, payload);
      case Frames.PKD_REGISTER -> registerKey(c, s, payload);
      case Frames.PKD_LOOKUP -> lookupKey(c, payload);
      default -> {
        c.send(Frames.frame(Frames.TURN_CREDENTIALS, new JsonObject()
            .put("iceServers", turn.iceServers(s.clientId, nowSeconds()))
            .put("ttlSeconds", turn.ttlSeconds())).encode());
        yield Future.succeededFuture();
      }
    };
  }

  // ---- registration ------------------------------------------------------------------------------

  private Future<Void> register(WsConnection c, ClientSession s, JsonObject payload) {
    if (s.registered()) {
      return error(c, ErrorCode.INVALID_MESSAGE, "this connection is already registered");
    }
    String clientId = string(payload, "clientId");
    if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
      return error(c, ErrorCode.INVALID_CLIENT_ID, "clientId must match ^[a-zA-Z0-9_-]{1,64}$");
    }
    Future<Void> authorized = Future.succeededFuture();
    if (config.requireToken()) {
      String token = string(payload, "token");
      authorized = jwt.verify(token).compose(principal -> principal.userId().equals(clientId)
          ? Future.<Void>succeededFuture()
          : Future.failedFuture(new JwtVerifier.InvalidTokenException("sub does not match clientId")));
    }
    return authorized.transform(auth -> {
      if (auth.failed()) {
        if (auth.cause() instanceof JwtVerifier.InvalidTokenException) {
          return error(c, ErrorCode.INVALID_CLIENT_ID, "a valid token whose sub is the clientId is required");
        }
        return Future.failedFuture(auth.cause());
      }
      JsonObject entry = new JsonObject().put("connection", c.id());
      return sessions.putIfAbsent(clientId, entry).compose(free -> {
        if (!free) {
          return error(c, ErrorCode.CLIENT_ID_TAKEN, "clientId is held by a live connection");
        }
        JsonObject stored = entry.copy().put(SessionDirectory.NODE, nodeId);
        if (s.released || !c.isOpen()) {
          // Closed while the directory was being written: release() saw no clientId, so clean up here.
          return sessions.removeIfPresent(clientId, stored).mapEmpty();
        }
        s.clientId = clientId;
        s.directoryEntry = stored;
        byClient.put(clientId, c);
        c.markAuthenticated();
        c.send(Frames.frame(Frames.REGISTERED, new JsonObject().put("clientId", clientId)
            .put("iceServers", turn.iceServers(clientId, nowSeconds()))).encode());
        return Future.succeededFuture();
      });
    });
  }

  // ---- calls -------------------------------------------------------------------------------------

  private Future<Void> initiate(WsConnection c, ClientSession s, JsonObject payload) {
    String targetId = string(payload, "targetId");
    if (targetId == null || !CLIENT_ID.matcher(targetId).matches()) {
      return error(c, ErrorCode.INVALID_CLIENT_ID, "targetId must match ^[a-zA-Z0-9_-]{1,64}$");
    }
    if (targetId.equals(s.clientId)) {
      return error(c, ErrorCode.INVALID_MESSAGE, "a client cannot call itself");
    }
    Object offer = opaque(payload, "sdpOffer");
    if (offer == null) {
      return error(c, ErrorCode.INVALID_MESSAGE, "sdpOffer must be a non-empty string or an object");
    }
    String callId;
    if (payload.getValue("callId") == null) {
      callId = UUID.randomUUID().toString();
    } else {
      callId = string(payload, "callId");
      if (callId == null || !CLIENT_ID.matcher(callId).matches()) {
        return error(c, ErrorCode.INVALID_MESSAGE, "callId must match ^[a-zA-Z0-9_-]{1,64}$");
      }
    }
    if (s.legs.size() >= config.maxCallsPerClient()) {
      return error(c, ErrorCode.RATE_LIMITED, "too many calls at once");
    }
    return sessions.nodeOf(targetId).compose(targetNode -> {
      if (targetNode == null) {
        return error(c, ErrorCode.TARGET_OFFLINE, "target is not connected");
      }
      CallRecord call = new CallRecord(callId, s.clientId, targetId, nodeId, targetNode, State.RINGING,
          System.currentTimeMillis());
      return calls.create(call).compose(created -> {
        if (!created) {
          return error(c, ErrorCode.INVALID_MESSAGE, "callId is already in use");
        }
        if (s.released || !c.isOpen()) {
          return calls.remove(call).mapEmpty();
        }
        Leg leg = new Leg(callId, targetId, targetNode, true);
        leg.ringTimer = vertx.setTimer(config.ringTimeout().toMillis(), t -> ringTimedOut(callId));
        s.legs.put(callId, leg);
        JsonObject incoming = Frames.frame(Frames.INCOMING_CALL, new JsonObject()
            .put("callId", callId).put("callerId", s.clientId).put("sdpOffer", offer)
            .put("iceServers", turn.iceServers(targetId, nowSeconds())));
        return deliver(targetNode, targetId, new Delivery(incoming, Effect.OPEN, callId, s.clientId, nodeId))
            .compose(reached -> {
              if (reached == 0) {
                s.legs.remove(callId);
                cancelRingTimer(leg);
                return calls.remove(call).compose(v ->
                    error(c, ErrorCode.TARGET_OFFLINE, "target is not connected"));
              }
              c.send(Frames.frame(Frames.CALL_INITIATED, new JsonObject()
                  .put("callId", callId).put("targetId", targetId)).encode());
              publish("call.initiated", call, null);
              return Future.succeededFuture();
            });
      });
    });
  }

  private Future<Void> accept(WsConnection c, ClientSession s, JsonObject payload) {
    String callId = string(payload, "callId");
    Object answer = opaque(payload, "sdpAnswer");
    if (callId == null || answer == null) {
      return error(c, ErrorCode.INVALID_MESSAGE, "callId and sdpAnswer are required");
    }
    return calleeAction(c, s, callId, call -> {
      if (call.state() != State.RINGING) {
        return error(c, ErrorCode.INVALID_MESSAGE, "call is already active");
      }
      return calls.activate(call).compose(done -> {
        if (!done) {
          return error(c, ErrorCode.CALL_NOT_FOUND, "call has ended");
        }
        publish("call.accepted", call, null);
        JsonObject accepted = Frames.frame(Frames.CALL_ACCEPTED,
            new JsonObject().put("callId", callId).put("sdpAnswer", answer));
        return deliver(call.callerNode(), call.callerId(), Delivery.of(accepted, Effect.ANSWERED, callId)).mapEmpty();
      });
    });
  }

  private Future<Void> reject(WsConnection c, ClientSession s, JsonObject payload) {
    String callId = string(payload, "callId");
    if (callId == null) {
      return error(c, ErrorCode.INVALID_MESSAGE, "callId is required");
    }
    return calleeAction(c, s, callId, call -> {
      if (call.state() != State.RINGING) {
        return error(c, ErrorCode.INVALID_MESSAGE, "call is already active; use CALL_END");
      }
      return calls.remove(call).compose(done -> {
        if (!done) {
          return error(c, ErrorCode.CALL_NOT_FOUND, "call has ended");
        }
        s.legs.remove(callId);
        publish("call.rejected", call, null);
        JsonObject rejected = Frames.frame(Frames.CALL_REJECTED, new JsonObject().put("callId", callId));
        return deliver(call.callerNode(), call.callerId(), Delivery.of(rejected, Effect.CLOSE, callId)).mapEmpty();
      });
    });
  }

  /** Looks the call up and runs {@code action} if the sender is its callee. */
  private Future<Void> calleeAction(WsConnection c, ClientSession s, String callId,
                                    Function<CallRecord, Future<Void>> action) {
    return calls.get(callId).compose(call -> {
      if (call == null) {
        return error(c, ErrorCode.CALL_NOT_FOUND, "no such call");
      }
      if (!call.calleeId().equals(s.clientId) || !s.legs.containsKey(callId)) {
        return error(c, ErrorCode.NOT_A_PARTICIPANT, "only the callee may answer this call");
      }
      return action.apply(call);
    });
  }

  private Future<Void> hangUp(WsConnection c, ClientSession s, JsonObject payload) {
    String callId = string(payload, "callId");
    if (callId == null) {
      return error(c, ErrorCode.INVALID_MESSAGE, "callId is required");
    }
    return calls.get(callId).compose(call -> {
      if (call == null) {
        return error(c, ErrorCode.CALL_NOT_FOUND, "no such call");
      }
      Leg leg = s.legs.get(callId);
      if (!call.isParticipant(s.clientId) || leg == null) {
        return error(c, ErrorCode.NOT_A_PARTICIPANT, "not a party to this call");
      }
      return calls.remove(call).compose(done -> {
        if (!done) {
          return error(c, ErrorCode.CALL_NOT_FOUND, "call has ended");
        }
        s.legs.remove(callId);
        cancelRingTimer(leg);
        publish("call.ended", call, "hangup");
        return deliver(call.peerNodeOf(s.clientId), call.peerOf(s.clientId), ended(callId, "hangup")).mapEmpty();
      });
    });
  }

  private Future<Void> candidate(WsConnection c, ClientSession s, JsonObject payload) {
    String callId = string(payload, "callId");
    Object candidate = opaque(payload, "candidate");
    if (callId == null || candidate == null) {
      return error(c, ErrorCode.INVALID_MESSAGE, "callId and candidate are required");
    }
    Leg leg = s.legs.get(callId);
    if (leg != null) {
      // Fast path: the leg says where the peer is; the peer's node drops it if the call ended meanwhile.
      JsonObject frame = Frames.frame(Frames.ICE_CANDIDATE,
          new JsonObject().put("callId", callId).put("candidate", candidate));
      return deliver(leg.peerNode, leg.peerId, Delivery.of(frame, Effect.KEEP, callId)).mapEmpty();
    }
    return calls.get(callId).compose(call -> call == null || call.isParticipant(s.clientId)
        ? error(c, ErrorCode.CALL_NOT_FOUND, "no such call")
        : error(c, ErrorCode.NOT_A_PARTICIPANT, "not a party to this call"));
  }

  private void ringTimedOut(String callId) {
    calls.get(callId).compose(call -> {
      if (call == null || call.state() != State.RINGING) {
        return Future.succeededFuture();
      }
      return calls.remove(call).compose(done -> {
        if (!done) {
          return Future.succeededFuture();
        }
        publish("call.ended", call, "timeout");
        return Future.all(
            deliver(call.callerNode(), call.callerId(), ended(callId, "timeout")),
            deliver(call.calleeNode(), call.calleeId(), ended(callId, "timeout"))).mapEmpty();
      });
    }).onFailure(err -> LOG.warn("ring timeout of a call failed: {}", err.toString()));
  }

  /** Ends a call one party left (disconnect); the other party gets CALL_ENDED. */
  private Future<Void> endCall(String callId, String leaving, String reason) {
    return calls.get(callId).compose(call -> {
      if (call == null || !call.isParticipant(leaving)) {
        return Future.succeededFuture();
      }
      return calls.remove(call).compose(done -> {
        if (!done) {
          return Future.succeededFuture();
        }
        publish("call.ended", call, reason);
        return deliver(call.peerNodeOf(leaving), call.peerOf(leaving), ended(callId, reason)).<Void>mapEmpty();
      });
    });
  }

  /**
   * Ends the calls that had a party on a node that left the cluster; the surviving party is told. Every
   * surviving node scans; removal is compare-and-delete, so each call is ended and announced once.
   */
  void nodeLeft(String departed) {
    calls.involving(departed).onSuccess(list -> {
      for (CallRecord call : list) {
        calls.remove(call).onSuccess(done -> {
          if (!done) {
            return;
          }
          publish("call.ended", call, "disconnected");
          if (!departed.equals(call.callerNode())) {
            deliver(call.callerNode(), call.callerId(), ended(call.callId(), "disconnected"));
          }
          if (!departed.equals(call.calleeNode())) {
            deliver(call.calleeNode(), call.calleeId(), ended(call.callId(), "disconnected"));
          }
        });
      }
    }).onFailure(err -> LOG.warn("could not end the calls of departed node {}: {}", departed, err.toString()));
  }

  private static Delivery ended(String callId, String reason) {
    return Delivery.of(Frames.frame(Frames.CALL_ENDED, new JsonObject().put("callId", callId).put("reason", reason)),
        Effect.CLOSE, callId);
  }

  private void cancelRingTimer(Leg leg) {
    if (leg.ringTimer >= 0) {
      vertx.cancelTimer(leg.ringTimer);
      leg.ringTimer = -1;
    }
  }

  // ---- public-key directory ----------------------------------------------------------------------

  private Future<Void> registerKey(WsConnection c, ClientSession s, JsonObject payload) {
    String clientId = string(payload, "clientId");
    if (clientId == null || !clientId.equals(s.clientId)) {
      return error(c, ErrorCode.INVALID_CLIENT_ID, "a key may only be registered for your own clientId");
    }
    String publicKey = string(payload, "publicKey");
    if (publicKey == null || publicKey.length() > config.maxPublicKeyChars()) {
      return error(c, ErrorCode.INVALID_MESSAGE,
          "publicKey must be a non-empty string of at most " + config.maxPublicKeyChars() + " characters");
    }
    return keys.register(clientId, publicKey).onSuccess(v -> c.send(Frames.frame(Frames.PKD_RESULT,
        new JsonObject().put("clientId", clientId).put("publicKey", publicKey)).encode()));
  }

  private Future<Void> lookupKey(WsConnection c, JsonObject payload) {
    String clientId = string(payload, "clientId");
    if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
      return error(c, ErrorCode.INVALID_CLIENT_ID, "clientId must match ^[a-zA-Z0-9_-]{1,64}$");
    }
    return keys.lookup(clientId).compose(publicKey -> {
      if (publicKey == null) {
        return error(c, ErrorCode.KEY_NOT_FOUND, "no key registered for this clientId");
      }
      c.send(Frames.frame(Frames.PKD_RESULT,
          new JsonObject().put("clientId", clientId).put("publicKey", publicKey)).encode());
      return Future.succeededFuture();
    });
  }

  // ---- delivery ----------------------------------------------------------------------------------

  private Future<Integer> deliver(String node, String clientId, Delivery delivery) {
    return router.toNode(node, new NodeMessage.ToClient(clientId, delivery.toJson()));
  }

  /** The router's local delivery: applies the delivery's effect on the recipient's legs and sends. */
  int deliverLocally(NodeMessage message) {
    if (!(message instanceof NodeMessage.ToClient toClient)) {
      return 0;
    }
    WsConnection connection = byClient.get(toClient.clientId());
    if (connection == null) {
      return 0;
    }
    ClientSession session = connection.state();
    Delivery d = Delivery.fromJson(toClient.frame());
    switch (d.effect()) {
      case OPEN -> session.legs.put(d.callId(), new Leg(d.callId(), d.peerId(), d.peerNode(), false));
      case KEEP -> {
        if (!session.legs.containsKey(d.callId())) {
          return 0;
        }
      }
      case ANSWERED -> {
        Leg leg = session.legs.get(d.callId());
        if (leg == null) {
          return 0;
        }
        cancelRingTimer(leg);
      }
      case CLOSE -> {
        Leg leg = session.legs.remove(d.callId());
        if (leg == null) {
          return 0;
        }
        cancelRingTimer(leg);
      }
      case NONE -> {
      }
    }
    return connection.send(d.frame().encode()) ? 1 : 0;
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private void publish(String event, CallRecord call, String reason) {
    JsonObject body = new JsonObject().put("event", event).put("callId", call.callId())
        .put("callerId", call.callerId()).put("calleeId", call.calleeId()).put("node", nodeId)
        .put("at", System.currentTimeMillis());
    if (reason != null) {
      body.put("reason", reason);
    }
    vertx.eventBus().publish(Addresses.SECURECALL_EVENTS, body);
  }

  private Future<Void> error(WsConnection c, ErrorCode code, String message) {
    sendError(c, code, message);
    return Future.succeededFuture();
  }

  private void sendError(WsConnection c, ErrorCode code, String message) {
    metrics.error(code.name());
    c.send(Frames.error(code, message).encode());
  }

  private static String string(JsonObject payload, String name) {
    return payload.getValue(name) instanceof String s && !s.isEmpty() ? s : null;
  }

  /** An SDP or candidate relayed as is: a non-empty string, or an object (RTCSessionDescriptionInit, RTCIceCandidateInit). */
  private static Object opaque(JsonObject payload, String name) {
    Object value = payload.getValue(name);
    if (value instanceof String s && !s.isEmpty()) {
      return s;
    }
    return value instanceof JsonObject ? value : null;
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }
}
