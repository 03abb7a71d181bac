package switchboard.securecall;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.JwtVerifier;
import switchboard.auth.Principal;
import switchboard.bus.LocalLoops;
import switchboard.bus.NodeMessage;
import switchboard.bus.NodeRouter;
import switchboard.bus.SessionDirectory;
import switchboard.securecall.SecureCallProtocol.ErrorCode;
import switchboard.securecall.impl.CallSignaling;
import switchboard.securecall.impl.Delivery;
import switchboard.securecall.impl.ErrorReplies;
import switchboard.securecall.impl.KeyRequests;
import switchboard.securecall.impl.TurnCredentials;
import switchboard.ws.WsConnection;
import switchboard.ws.WsHandler;
import switchboard.ws.WsProblem;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static switchboard.securecall.SecureCallProtocol.*;

/**
 * The SecureCall signaling protocol on top of the shared WebSocket plumbing: each connection's message
 * queue, dispatch, and registration (clientId → connection, cluster-wide). Calls go to {@link CallSignaling},
 * the public-key directory to {@link KeyRequests}. One per event loop, confined to it: its connections are
 * the ones Vert.x hands to that loop, and it tells the node's {@link LocalLoops} which clientIds it holds,
 * so frames for them are delivered here. SDP, candidates, keys and tokens are relayed or stored but never
 * parsed or logged.
 */
final class SecureCallHandler implements WsHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SecureCallHandler.class);
  /** Messages of one connection waiting behind a slow one (e.g. a stalled cluster map) before new ones are refused. */
  private static final int MAX_QUEUED = 64;
  /** How long the holder of a contested clientId has to answer the liveness ping. */
  static final long PROBE_WINDOW_MS = 2_000;
  /** Members of a router frame that is a command about the holder of a clientId, not a frame to relay. */
  private static final String HOLDER_COMMAND = "holderCommand";
  private static final String HOLDER_CONNECTION = "connection";

  private final Vertx vertx;
  private final boolean requireToken;
  private final String nodeId;
  private final JwtVerifier jwt;
  private final SessionDirectory sessions;
  private final CallSignaling calls;
  private final KeyRequests keys;
  private final TurnCredentials turn;
  private final ErrorReplies errors;
  private final Map<String, WsConnection> byClient = new HashMap<>();
  private final Map<String, WsConnection> byConnection = new HashMap<>();
  private final NodeRouter router;
  private final LocalLoops loops;
  private LocalLoops.Loop loop;

  SecureCallHandler(Vertx vertx, boolean requireToken, String nodeId, JwtVerifier jwt, SessionDirectory sessions,
                    CallSignaling calls, KeyRequests keys, TurnCredentials turn, ErrorReplies errors,
                    NodeRouter router, LocalLoops loops) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.requireToken = requireToken;
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.jwt = Objects.requireNonNull(jwt, "jwt");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.calls = Objects.requireNonNull(calls, "calls");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.turn = Objects.requireNonNull(turn, "turn");
    this.errors = Objects.requireNonNull(errors, "errors");
    this.router = Objects.requireNonNull(router, "router");
    this.loops = Objects.requireNonNull(loops, "loops");
  }

  /** Takes this loop's place among the node's loops: from now on {@link #deliverLocally} runs on {@code context}. */
  void join(Context context) {
    loop = loops.join(context, this::deliverLocally);
  }

  /** Gives up this loop's place; its clientIds are no longer delivered to. */
  void leave() {
    loops.leave(loop);
  }

  // ---- plumbing callbacks ------------------------------------------------------------------------

  @Override
  public void onOpen(WsConnection connection) {
    connection.state(new SecureCallSession());
    byConnection.put(connection.id(), connection);
  }

  @Override
  public void onMessage(WsConnection connection, JsonObject message, String text) {
    SecureCallSession session = connection.state();
    if (session.queued >= MAX_QUEUED) {
      errors.send(connection, ErrorCode.RATE_LIMITED, "too many messages in flight, slow down");
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
        errors.send(connection, ErrorCode.INTERNAL_ERROR, "internal error");
        return Future.succeededFuture();
      }).onComplete(done -> session.queued--);
    });
  }

  @Override
  public void onClose(WsConnection connection) {
    byConnection.remove(connection.id());
    release(connection).onFailure(err -> LOG.warn("could not release a closed connection: {}", err.toString()));
  }

  /**
   * Frees a connection's clientId and ends its calls for the other parties; once only. The verticle calls it
   * for every connection before it stops, so the peers hear of it while this node is still in the cluster.
   */
  Future<Void> release(WsConnection connection) {
    SecureCallSession session = connection.state();
    if (session == null) {
      return Future.succeededFuture();
    }
    session.released = true;
    if (!session.registered()) {
      return Future.succeededFuture();
    }
    String clientId = session.clientId;
    session.clientId = null;
    if (byClient.remove(clientId, connection)) {
      loops.disown(loop, clientId);
    }
    return Future.join(sessions.removeIfPresent(clientId, session.directoryEntry), calls.leaveAll(session, clientId))
        .mapEmpty();
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
    return SecureCallProtocol.error(code, problem.message()).encode();
  }

  // ---- dispatch ----------------------------------------------------------------------------------

  private Future<Void> handle(WsConnection c, SecureCallSession s, JsonObject message) {
    if (s.released) {
      return Future.succeededFuture();
    }
    if (!(message.getValue("type") instanceof String type)) {
      return errors.reply(c, ErrorCode.INVALID_MESSAGE, "type must be a string");
    }
    Object rawPayload = message.getValue("payload");
    if (rawPayload != null && !(rawPayload instanceof JsonObject)) {
      return errors.reply(c, ErrorCode.INVALID_MESSAGE, "payload must be an object");
    }
    JsonObject payload = rawPayload == null ? new JsonObject() : (JsonObject) rawPayload;
    switch (type) {
      case PING:
        c.send(frame(PONG, payload).encode());
        return Future.succeededFuture();
      case REGISTER:
        return register(c, s, payload);
      case CALL_INITIATE, CALL_ACCEPT, CALL_REJECT, CALL_END, ICE_CANDIDATE, PKD_REGISTER, PKD_LOOKUP,
          TURN_CREDENTIALS:
        if (!s.registered()) {
          return errors.reply(c, ErrorCode.NOT_REGISTERED, "send REGISTER first");
        }
        return registered(c, s, type, payload);
      default:
        return errors.reply(c, ErrorCode.INVALID_MESSAGE, "unknown message type");
    }
  }

  private Future<Void> registered(WsConnection c, SecureCallSession s, String type, JsonObject payload) {
    return switch (type) {
      case PKD_REGISTER -> keys.register(c, s, payload);
      case PKD_LOOKUP -> keys.lookup(c, payload);
      case TURN_CREDENTIALS -> {
        c.send(frame(TURN_CREDENTIALS, new JsonObject()
            .put("iceServers", turn.iceServers(s.clientId))
            .put("ttlSeconds", turn.ttlSeconds())).encode());
        yield Future.succeededFuture();
      }
      default -> calls.handle(c, s, type, payload);
    };
  }

  // ---- registration ------------------------------------------------------------------------------

  private Future<Void> register(WsConnection c, SecureCallSession s, JsonObject payload) {
    if (s.registered()) {
      return errors.reply(c, ErrorCode.INVALID_MESSAGE, "this connection is already registered");
    }
    String clientId = id(payload, "clientId");
    if (clientId == null) {
      return errors.reply(c, ErrorCode.INVALID_CLIENT_ID, "clientId " + CLIENT_ID_RULE);
    }
    // the token's principal in token mode, null in open mode
    Future<Principal> authorized = Future.succeededFuture();
    if (requireToken) {
      String token = string(payload, "token");
      authorized = jwt.verify(token).compose(principal -> principal.userId().equals(clientId)
          ? Future.succeededFuture(principal)
          : Future.failedFuture(new JwtVerifier.InvalidTokenException("sub does not match clientId")));
    }
    return authorized.transform(auth -> {
      if (auth.failed()) {
        if (auth.cause() instanceof JwtVerifier.InvalidTokenException) {
          return errors.reply(c, ErrorCode.INVALID_CLIENT_ID, "a valid token whose sub is the clientId is required");
        }
        return Future.failedFuture(auth.cause());
      }
      return claim(c, s, clientId, auth.result(), true);
    });
  }

  /**
   * Takes {@code clientId} for {@code c}. When another connection holds it, that one is displaced once:
   * at once when a token proved the id ({@code principal} not null), else only if it fails a liveness probe.
   */
  private Future<Void> claim(WsConnection c, SecureCallSession s, String clientId, Principal principal,
                             boolean mayDisplace) {
    JsonObject entry = new JsonObject().put(HOLDER_CONNECTION, c.id());
    return sessions.putIfAbsent(clientId, entry).compose(free -> {
      if (free) {
        return registered(c, s, clientId, principal, entry.copy().put(SessionDirectory.NODE, nodeId));
      }
      if (!mayDisplace) {
        return taken(c);
      }
      return sessions.get(clientId).compose(holder -> {
        if (holder == null) {
          return claim(c, s, clientId, principal, false);
        }
        Future<Boolean> gone = principal != null ? displace(holder) : probe(holder);
        return gone.compose(displaced -> {
          if (!displaced) {
            return taken(c);
          }
          if (s.released || !c.isOpen()) {
            return Future.succeededFuture();
          }
          return sessions.removeIfPresent(clientId, holder).compose(v -> claim(c, s, clientId, principal, false));
        });
      });
    });
  }

  private Future<Void> taken(WsConnection c) {
    return errors.reply(c, ErrorCode.CLIENT_ID_TAKEN, "clientId is held by a live connection");
  }

  private Future<Void> registered(WsConnection c, SecureCallSession s, String clientId, Principal principal,
                                  JsonObject stored) {
    if (s.released || !c.isOpen()) {
      // Closed while the directory was being written: release() saw no clientId, so clean up here.
      return sessions.removeIfPresent(clientId, stored).mapEmpty();
    }
    s.clientId = clientId;
    s.tokenProven = principal != null;
    s.directoryEntry = stored;
    byClient.put(clientId, c);
    loops.own(loop, clientId);
    if (principal != null) {
      c.authenticated(principal);
    } else {
      c.markAuthenticated();
    }
    c.send(frame(REGISTERED, new JsonObject().put("clientId", clientId)
        .put("iceServers", turn.iceServers(clientId))).encode());
    return Future.succeededFuture();
  }

  /** Closes the holder on its node; true once it is gone (or was already), false if its node did not say. */
  private Future<Boolean> displace(JsonObject holder) {
    return command(holder, HolderCommand.REPLACE).map(reach -> !reach.partial());
  }

  /**
   * Pings the holder on its node and asks again after {@link #PROBE_WINDOW_MS}: true when it did not answer
   * (its node has then closed it) or was not there at all; false while it is alive or its node did not say.
   */
  private Future<Boolean> probe(JsonObject holder) {
    return command(holder, HolderCommand.PROBE).compose(pinged -> {
      if (pinged.partial()) {
        return Future.succeededFuture(false);
      }
      if (pinged.recipients() == 0) {
        return Future.succeededFuture(true);
      }
      return vertx.timer(PROBE_WINDOW_MS, TimeUnit.MILLISECONDS)
          .compose(t -> command(holder, HolderCommand.CHECK))
          .map(alive -> !alive.partial() && alive.recipients() == 0);
    });
  }

  private Future<NodeRouter.Reach> command(JsonObject holder, HolderCommand command) {
    JsonObject body = new JsonObject().put(HOLDER_COMMAND, command.name())
        .put(HOLDER_CONNECTION, holder.getString(HOLDER_CONNECTION));
    // Every loop of the holder's node looks for the connection by id: it is found from the moment it opened,
    // before its loop records the clientId as held (which happens only once the directory entry is written).
    return router.deliver(holder.getString(SessionDirectory.NODE), new NodeMessage.ToAll(body));
  }

  /** What another node asks this one to do with the connection that holds a contested clientId. */
  private enum HolderCommand {
    /** Close it: a token proved the id for a newer connection. Answers 1 when it was closed now. */
    REPLACE,
    /** Ping it (unless a probe is already waiting for an answer). Answers 1 when it is open. */
    PROBE,
    /** Answers 1 when it sent anything since the probe's ping; otherwise closes it and answers 0. */
    CHECK
  }

  private int holderCommand(JsonObject body) {
    HolderCommand command = HolderCommand.valueOf(body.getString(HOLDER_COMMAND));
    WsConnection holder = byConnection.get(body.getString(HOLDER_CONNECTION));
    if (holder == null || !holder.isOpen()) {
      return 0;
    }
    SecureCallSession session = holder.state();
    switch (command) {
      case REPLACE -> {
        holder.close(CLOSE_REPLACED, "clientId registered by another connection");
        return 1;
      }
      case PROBE -> {
        if (session.probeSentNanos == 0 || holder.lastInboundNanos() > session.probeSentNanos) {
          session.probeSentNanos = System.nanoTime();
          holder.ping();
        }
        return 1;
      }
      default -> {
        if (session.probeSentNanos == 0 || holder.lastInboundNanos() > session.probeSentNanos) {
          return 1;
        }
        holder.close(CLOSE_REPLACED, "no answer to a liveness probe; clientId registered by another connection");
        return 0;
      }
    }
  }

  // ---- delivery ----------------------------------------------------------------------------------

  /**
   * This loop's share of the router's local delivery: a frame for a client of this loop, admitted by the call
   * state machine, or a command about the connection that holds a contested clientId.
   */
  int deliverLocally(NodeMessage message) {
    if (message instanceof NodeMessage.ToAll all && all.frame().containsKey(HOLDER_COMMAND)) {
      return holderCommand(all.frame());
    }
    if (!(message instanceof NodeMessage.ToClient toClient)) {
      return 0;
    }
    WsConnection connection = byClient.get(toClient.clientId());
    if (connection == null) {
      return 0;
    }
    Delivery d = Delivery.fromJson(toClient.frame());
    if (!calls.admit(connection.state(), d)) {
      return 0;
    }
    return connection.send(d.frame().encode()) ? 1 : 0;
  }
}
