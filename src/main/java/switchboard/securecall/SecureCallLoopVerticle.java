package switchboard.securecall;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import switchboard.bus.LocalLoops;
import switchboard.bus.NodeRouter;
import switchboard.bus.SessionDirectory;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.securecall.impl.CallSignaling;
import switchboard.securecall.impl.ErrorReplies;
import switchboard.securecall.impl.KeyDirectory;
import switchboard.securecall.impl.KeyRequests;
import switchboard.securecall.impl.TurnCredentials;
import switchboard.ws.ConnectionCounts;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.SharedPort;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;

import java.util.Set;

/**
 * One event loop's share of SecureCall: its WebSocket endpoint ({@link SecureCallHandler}) and
 * {@code GET /health} on an HTTP server that listens on the port every instance shares. The connections
 * Vert.x hands to this loop, their clientIds and their call legs stay on it; frames for them arrive through
 * the node's {@link LocalLoops}.
 */
final class SecureCallLoopVerticle extends VerticleBase {

  /** What the node's instances share, built once by {@link SecureCallVerticle}. */
  record Shared(Platform platform, SecureCallConfig config, KeyDirectory keys, SessionDirectory sessions,
                CallSignaling calls, TurnCredentials turn, ErrorReplies errors, ServiceMetrics metrics,
                LocalLoops loops, NodeRouter router, ConnectionCounts counts, SharedPort port) {
  }

  private final Shared shared;
  private SecureCallHandler handler;
  private WsEndpoint endpoint;

  SecureCallLoopVerticle(Shared shared) {
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    SecureCallConfig config = shared.config();
    Platform platform = shared.platform();
    handler = new SecureCallHandler(vertx, config.requireToken(), platform.nodeId(), platform.jwt(),
        shared.sessions(), shared.calls(), new KeyRequests(shared.keys(), config.maxPublicKeyChars(), shared.errors()),
        shared.turn(), shared.errors(), shared.router(), shared.loops());
    handler.join(context);
    endpoint = new WsEndpoint(vertx, Set.of(SecureCallConfig.PATH), config.ws(), SecureCallProtocol.CLOSE_CODES,
        config.http().allowedOrigins(), handler, shared.metrics())
        .refusePerIpLimitWith(SecureCallProtocol.error(SecureCallProtocol.ErrorCode.RATE_LIMITED,
            "too many connections from this address").encode(), WsCloseCodes.POLICY_VIOLATION)
        .countConnectionsIn(shared.counts());
    return ServiceHttpServer.start(vertx, config.http(), ServiceHttpServer.router(vertx, 1024), endpoint,
        shared.port());
  }

  @Override
  public Future<?> stop() {
    // Calls end and ids are freed first, while this node can still reach the cluster; then sockets close.
    return handler.releaseAll(endpoint.connections())
        .eventually(() -> endpoint.closeAll(WsCloseCodes.GOING_AWAY, "server shutting down"))
        .eventually(() -> {
          handler.leave();
          return Future.succeededFuture();
        });
  }
}
