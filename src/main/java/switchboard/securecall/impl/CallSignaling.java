package switchboard.securecall.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.NodeMessage;
import switchboard.bus.NodeRouter;
import switchboard.bus.SessionDirectory;
import switchboard.securecall.SecureCallBusApi;
import switchboard.securecall.SecureCallProtocol.ErrorCode;
import switchboard.securecall.SecureCallSession;
import switchboard.securecall.impl.CallRecord.State;
import switchboard.securecall.impl.Delivery.Effect;
import switchboard.ws.WsConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

import static switchboard.securecall.SecureCallProtocol.*;

/**
 * The call state machine: CALL_INITIATE / ACCEPT / REJECT / END, opaque relay of ICE candidates, ring
 * timeouts, and the end of calls whose party disconnected or whose node left. The cluster-wide call table
 * decides every race; frames reach the other party through the node router. One per node, shared by its
 * event loops: it keeps no state of its own besides the router, so it needs no lock. Each call's legs live
 * in the sessions of its parties, each on the loop of its connection, and a frame for a party is applied
 * there ({@link #admit}); a ring timer runs on the caller's loop. SDP and candidates are relayed but never
 * parsed or logged.
 */
public final class CallSignaling {

  private static final Logger LOG = LoggerFactory.getLogger(CallSignaling.class);

  private final Vertx vertx;
  private final String nodeId;
  private final long ringTimeoutMs;
  private final int maxCallsPerClient;
  private final SessionDirectory sessions;
  private final CallTable calls;
  private final TurnCredentials turn;
  private final ErrorReplies errors;
  private final SecureCallBusApi events;
  private NodeRouter router;

  public CallSignaling(Vertx vertx, String nodeId, long ringTimeoutMs, int maxCallsPerClient,
                       SessionDirectory sessions, CallTable calls, TurnCredentials turn, ErrorReplies errors,
                       SecureCallBusApi events) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.ringTimeoutMs = ringTimeoutMs;
    this.maxCallsPerClient = maxCallsPerClient;
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.calls = Objects.requireNonNull(calls, "calls");
    this.turn = Objects.requireNonNull(turn, "turn");
    this.errors = Objects.requireNonNull(errors, "errors");
    this.events = Objects.requireNonNull(events, "events");
  }

  /** The router must exist before the first call; it calls back into the handler's local delivery. */
  public void router(NodeRouter router) {
    this.router = router;
  }

  /** One call message of a registered connection. */
  public Future<Void> handle(WsConnection c, SecureCallSession s, String type, JsonObject payload) {
    return switch (type) {
      case CALL_INITIATE -> initiate(c, s, payload);
      case CALL_ACCEPT -> accept(c, s, payload);
      case CALL_REJECT -> reject(c, s, payload);
      case CALL_END -> hangUp(c, s, payload);
      case ICE_CANDIDATE -> candidate(c, s, payload);
      default -> throw new IllegalArgumentException("not a call message: " + type);
    };
  }

  private Future<Void> initiate(WsConnection c, SecureCallSession s, JsonObject payload) {
    String targetId = id(payload, "targetId");
    if (targetId == null) {
      return errors.reply(c, ErrorCode.INVALID_CLIENT_ID, "targetId " + CLIENT_ID_RULE);
    }
    if (targetId.equals(s.clientId())) {
      return errors.reply(c, ErrorCode.INVALID_MESSAGE, "a client cannot call itself");
    }
    Object offer = opaque(payload, "sdpOffer");
    if (offer == null) {
      return errors.reply(c, ErrorCode.INVALID_MESSAGE, "sdpOffer must be a non-empty string or an object");
    }
    String callId;
    if (payload.getValue("callId") == null) {
      callId = UUID.randomUUID().toString();
    } else {
      callId = id(payload, "callId");
      if (callId == null) {
        return errors.reply(c, ErrorCode.INVALID_MESSAGE, "callId " + CLIENT_ID_RULE);
      }
    }
    if (s.legs().size() >= maxCallsPerClient) {
      return errors.reply(c, ErrorCode.RATE_LIMITED, "too many calls at once");
    }
    String callerId = s.clientId();
    return sessions.nodeOf(targetId).compose(targetNode -> {
      if (targetNode == null) {
        return errors.reply(c, ErrorCode.TARGET_OFFLINE, "target is not connected");
      }
      CallRecord call = new CallRecord(callId, callerId, targetId, nodeId, targetNode, State.RINGING,
          System.currentTimeMillis());
      return calls.create(call).compose(created -> {
        if (!created) {
          return errors.reply(c, ErrorCode.INVALID_MESSAGE, "callId is already in use");
        }
        if (s.released() || !c.isOpen()) {
          return calls.remove(call).mapEmpty();
        }
        CallLeg leg = new CallLeg(callId, targetId, targetNode);
        leg.ringTimer = vertx.setTimer(ringTimeoutMs, t -> ringTimedOut(callId));
        s.legs().put(callId, leg);
        JsonObject incoming = frame(INCOMING_CALL, new JsonObject()
            .put("callId", callId).put("callerId", callerId).put("sdpOffer", offer)
            .put("iceServers", turn.iceServers(targetId)));
        return deliver(targetNode, targetId, new Delivery(incoming, Effect.OPEN, callId, callerId, nodeId))
            .compose(reached -> {
              if (reached == 0) {
                s.legs().remove(callId);
                cancelRingTimer(leg);
                return calls.remove(call).compose(v ->
                    errors.reply(c, ErrorCode.TARGET_OFFLINE, "target is not connected"));
              }
              c.send(frame(CALL_INITIATED, new JsonObject().put("callId", callId).put("targetId", targetId)
                  .put("iceServers", turn.iceServers(callerId))).encode());
              events.publish("call.initiated", call, null);
              return Future.succeededFuture();
            });
      });
    });
  }

  private Future<Void> accept(WsConnection c, SecureCallSession s, JsonObject payload) {
    String callId = string(payload, "callId");
    Object answer = opaque(payload, "sdpAnswer");
    if (callId == null || answer == null) {
      return errors.reply(c, ErrorCode.INVALID_MESSAGE, "callId and sdpAnswer are required");
    }
    return calleeAction(c, s, callId, call -> {
      if (call.state() != State.RINGING) {
        return errors.reply(c, ErrorCode.INVALID_MESSAGE, "call is already active");
      }
      return calls.activate(call).compose(done -> {
        if (!done) {
          return errors.reply(c, ErrorCode.CALL_NOT_FOUND, "call has ended");
        }
        events.publish("call.accepted", call, null);
        JsonObject accepted = frame(CALL_ACCEPTED, new JsonObject().put("callId", callId).put("sdpAnswer", answer)
            .put("iceServers", turn.iceServers(call.callerId())));
        return deliver(call.callerNode(), call.callerId(), Delivery.of(accepted, Effect.ANSWERED, callId)).mapEmpty();
      });
    });
  }

  private Future<Void> reject(WsConnection c, SecureCallSession s, JsonObject payload) {
    String callId = string(payload, "callId");
    if (callId == null) {
      return errors.reply(c, ErrorCode.INVALID_MESSAGE, "callId is required");
    }
    return calleeAction(c, s, callId, call -> {
      if (call.state() != State.RINGING) {
        return errors.reply(c, ErrorCode.INVALID_MESSAGE, "call is already active; use CALL_END");
      }
      return calls.remove(call).compose(done -> {
        if (!done) {
          return errors.reply(c, ErrorCode.CALL_NOT_FOUND, "call has ended");
        }
        s.legs().remove(callId);
        events.publish("call.rejected", call, null);
        JsonObject rejected = frame(CALL_REJECTED, new JsonObject().put("callId", callId));
        return deliver(call.callerNode(), call.callerId(), Delivery.of(rejected, Effect.CLOSE, callId)).mapEmpty();
      });
    });
  }

  /** Looks the call up and runs {@code action} if the sender is its callee. */
  private Future<Void> calleeAction(WsConnection c, SecureCallSession s, String callId,
                                    Function<CallRecord, Future<Void>> action) {
    return calls.get(callId).compose(call -> {
      if (call == null) {
        return errors.reply(c, ErrorCode.CALL_NOT_FOUND, "no such call");
      }
      if (!call.calleeId().equals(s.clientId()) || !s.legs().containsKey(callId)) {
        return errors.reply(c, ErrorCode.NOT_A_PARTICIPANT, "only the callee may answer this call");
      }
      return action.apply(call);
    });
  }

  private Future<Void> hangUp(WsConnection c, SecureCallSession s, JsonObject payload) {
    String callId = string(payload, "callId");
    if (callId == null) {
      return errors.reply(c, ErrorCode.INVALID_MESSAGE, "callId is required");
    }
    String clientId = s.clientId();
    return calls.get(callId).compose(call -> {
      if (call == null) {
        return errors.reply(c, ErrorCode.CALL_NOT_FOUND, "no such call");
      }
      CallLeg leg = s.legs().get(callId);
      if (!call.isParticipant(clientId) || leg == null) {
        return errors.reply(c, ErrorCode.NOT_A_PARTICIPANT, "not a party to this call");
      }
      return calls.remove(call).compose(done -> {
        if (!done) {
          return errors.reply(c, ErrorCode.CALL_NOT_FOUND, "call has ended");
        }
        s.legs().remove(callId);
        cancelRingTimer(leg);
        events.publish("call.ended", call, "hangup");
        return deliver(call.peerNodeOf(clientId), call.peerOf(clientId), ended(callId, "hangup")).mapEmpty();
      });
    });
  }

  private Future<Void> candidate(WsConnection c, SecureCallSession s, JsonObject payload) {
    String callId = string(payload, "callId");
    Object candidate = opaque(payload, "candidate");
    if (callId == null || candidate == null) {
      return errors.reply(c, ErrorCode.INVALID_MESSAGE, "callId and candidate are required");
    }
    CallLeg leg = s.legs().get(callId);
    if (leg != null) {
      // Fast path: the leg says where the peer is; the peer's node drops it if the call ended meanwhile.
      JsonObject frame = frame(ICE_CANDIDATE, new JsonObject().put("callId", callId).put("candidate", candidate));
      return deliver(leg.peerNode, leg.peerId, Delivery.of(frame, Effect.KEEP, callId)).mapEmpty();
    }
    return calls.get(callId).compose(call -> call == null || call.isParticipant(s.clientId())
        ? errors.reply(c, ErrorCode.CALL_NOT_FOUND, "no such call")
        : errors.reply(c, ErrorCode.NOT_A_PARTICIPANT, "not a party to this call"));
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
        events.publish("call.ended", call, "timeout");
        return Future.all(
            deliver(call.callerNode(), call.callerId(), ended(callId, "timeout")),
            deliver(call.calleeNode(), call.calleeId(), ended(callId, "timeout"))).mapEmpty();
      });
    }).onFailure(err -> LOG.warn("ring timeout of a call failed: {}", err.toString()));
  }

  /** Ends every call of a connection that is going away (its clientId {@code leaving}); peers get CALL_ENDED. */
  public Future<Void> leaveAll(SecureCallSession s, String leaving) {
    List<Future<Void>> work = new ArrayList<>();
    for (CallLeg leg : s.legs().values()) {
      cancelRingTimer(leg);
      work.add(endCall(leg.callId, leaving, "disconnected"));
    }
    s.legs().clear();
    return Future.join(work).mapEmpty();
  }

  private Future<Void> endCall(String callId, String leaving, String reason) {
    return calls.get(callId).compose(call -> {
      if (call == null || !call.isParticipant(leaving)) {
        return Future.succeededFuture();
      }
      return calls.remove(call).compose(done -> {
        if (!done) {
          return Future.succeededFuture();
        }
        events.publish("call.ended", call, reason);
        return deliver(call.peerNodeOf(leaving), call.peerOf(leaving), ended(callId, reason)).<Void>mapEmpty();
      });
    });
  }

  /**
   * Ends the calls that had a party on a node that left the cluster; the surviving party is told. Every
   * surviving node scans; removal is compare-and-delete, so each call is ended and announced once.
   */
  public void nodeLeft(String departed) {
    calls.involving(departed).onSuccess(list -> {
      for (CallRecord call : list) {
        calls.remove(call).onSuccess(done -> {
          if (!done) {
            return;
          }
          events.publish("call.ended", call, "disconnected");
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

  /**
   * Applies a delivery's effect on the recipient's legs; false when the frame must not go out because the
   * recipient is no longer a party to its call.
   */
  public boolean admit(SecureCallSession recipient, Delivery d) {
    switch (d.effect()) {
      case OPEN -> recipient.legs().put(d.callId(), new CallLeg(d.callId(), d.peerId(), d.peerNode()));
      case KEEP -> {
        return recipient.legs().containsKey(d.callId());
      }
      case ANSWERED -> {
        CallLeg leg = recipient.legs().get(d.callId());
        if (leg == null) {
          return false;
        }
        cancelRingTimer(leg);
      }
      case CLOSE -> {
        CallLeg leg = recipient.legs().remove(d.callId());
        if (leg == null) {
          return false;
        }
        cancelRingTimer(leg);
      }
      case NONE -> {
      }
    }
    return true;
  }

  private Future<Integer> deliver(String node, String clientId, Delivery delivery) {
    return router.toNode(node, new NodeMessage.ToClient(clientId, delivery.toJson()));
  }

  private static Delivery ended(String callId, String reason) {
    return Delivery.of(frame(CALL_ENDED, new JsonObject().put("callId", callId).put("reason", reason)),
        Effect.CLOSE, callId);
  }

  private void cancelRingTimer(CallLeg leg) {
    if (leg.ringTimer >= 0) {
      vertx.cancelTimer(leg.ringTimer);
      leg.ringTimer = -1;
    }
  }

  /** An SDP or candidate relayed as is: a non-empty string, or an object (RTCSessionDescriptionInit, RTCIceCandidateInit). */
  private static Object opaque(JsonObject payload, String name) {
    Object value = payload.getValue(name);
    if (value instanceof String str && !str.isEmpty()) {
      return str;
    }
    return value instanceof JsonObject ? value : null;
  }
}
