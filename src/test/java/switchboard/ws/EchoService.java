package switchboard.ws;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import switchboard.config.HttpEndpointConfig;
import switchboard.config.TlsConfig;
import switchboard.platform.ServiceMetrics;

import java.util.List;
import java.util.Set;

/**
 * A minimal JSON service on the shared plumbing, for testing the plumbing itself: echoes objects,
 * {"auth":true} authenticates, {"flood":n,"size":b} sends n messages of b bytes as fast as it can.
 */
final class EchoService extends VerticleBase implements WsHandler {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ServiceMetrics metrics = new ServiceMetrics(registry, "echo");
  private final WsLimits limits;
  private final List<String> origins;
  private final TlsConfig tls;
  WsEndpoint endpoint;
  int port;
  volatile int floodSent = -1;

  EchoService(WsLimits limits, List<String> origins) {
    this(limits, origins, TlsConfig.OFF);
  }

  EchoService(WsLimits limits, List<String> origins, TlsConfig tls) {
    this.limits = limits;
    this.origins = origins;
    this.tls = tls;
  }

  @Override
  public Future<?> start() {
    endpoint = new WsEndpoint(vertx, Set.of("/ws"), limits, new WsCloseCodes(4001, 4005, 4009, 1008), origins, this, metrics);
    HttpEndpointConfig http = new HttpEndpointConfig("127.0.0.1", 0, tls, origins);
    return ServiceHttpServer.start(vertx, http, ServiceHttpServer.router(vertx, 1024), endpoint)
        .onSuccess(s -> port = s.actualPort());
  }

  @Override
  public Future<?> stop() {
    return endpoint.closeAll(WsCloseCodes.GOING_AWAY, "shutting down");
  }

  @Override
  public void onMessage(WsConnection connection, JsonObject message, String text) {
    if (message.getBoolean("auth", false)) {
      connection.markAuthenticated();
    }
    if (message.containsKey("flood")) {
      String payload = "x".repeat(message.getInteger("size"));
      int sent = 0;
      for (int i = 0; i < message.getInteger("flood"); i++) {
        if (!connection.send(payload)) {
          break;
        }
        sent++;
      }
      floodSent = sent;
      return;
    }
    if (message.getBoolean("boom", false)) {
      throw new IllegalStateException("handler failure");
    }
    connection.send(new JsonObject().put("echo", message).encode());
  }

  @Override
  public String errorFrame(WsConnection connection, WsProblem problem) {
    return new JsonObject().put("error", problem.name()).encode();
  }

  double closes(int code) {
    var counter = registry.find("switchboard.closes").tag("code", Integer.toString(code)).counter();
    return counter == null ? 0 : counter.count();
  }
}
