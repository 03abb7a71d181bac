package switchboard.management;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.Principal;
import switchboard.auth.ServiceAuthHandler;
import switchboard.bus.Addresses;
import switchboard.platform.Platform;
import switchboard.platform.RunningService;
import switchboard.ws.ServiceHttpServer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operator console's JSON API under {@code /api/}, for tokens with the {@code admin} role. Reads are
 * cluster-wide: the session maps every service keeps (see {@link Addresses}) and each member's
 * {@link NodeStats}. Actions go through Signal's public event-bus addresses, so they work whichever node
 * holds the client.
 */
final class ConsoleApi {

  /** Longest list a read answers; {@code total} tells how many there are. */
  static final int MAX_ITEMS = 1000;
  private static final long MEMBER_TIMEOUT_MS = 1000;
  private static final long ACTION_TIMEOUT_MS = 5000;
  private static final long MAX_BODY_BYTES = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleApi.class);

  private final Vertx vertx;
  private final Platform platform;
  private final NodeStats localStats;

  ConsoleApi(Vertx vertx, Platform platform, NodeStats localStats) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.platform = Objects.requireNonNull(platform, "platform");
    this.localStats = Objects.requireNonNull(localStats, "localStats");
  }

  void mount(Router router) {
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(new ServiceAuthHandler(platform.jwt(), Set.of("admin")));
    router.get("/api/overview").handler(ctx -> answer(ctx, overview()));
    router.get("/api/signal/clients").handler(ctx -> answer(ctx, signalClients()));
    router.post("/api/signal/clients/:clientId/disconnect").handler(this::disconnect);
    router.post("/api/signal/rooms/:room/send").handler(this::sendToRoom);
    router.get("/api/securecall/calls").handler(ctx -> answer(ctx, calls()));
    router.get("/api/webflow/sessions").handler(ctx -> answer(ctx, list(Addresses.WEBFLOW_REGISTRATIONS_MAP,
        "webSocketId").map(list -> list.put("sessions", list.remove("items")))));
    router.get("/api/fingerprint/devices").handler(ctx -> answer(ctx, devices()));
    router.route("/api/*").handler(ctx -> ServiceHttpServer.jsonError(ctx.response(), 404, "not found"));
  }

  /** Members with their figures, cluster-wide totals, and this node's services (the console finds ports there). */
  private Future<JsonObject> overview() {
    List<Future<JsonObject>> members = platform.cluster().members().stream().map(this::memberStats).toList();
    Future<JsonObject> totals = Future.all(List.of(size(Addresses.SIGNAL_SESSIONS_MAP),
        size(Addresses.SECURECALL_SESSIONS_MAP), size(Addresses.SECURECALL_CALLS_MAP),
        size(Addresses.WEBFLOW_REGISTRATIONS_MAP), size(Addresses.FINGERPRINT_DEVICES_MAP))).map(sizes ->
        new JsonObject().put("signalClients", sizes.resultAt(0)).put("securecallClients", sizes.resultAt(1))
            .put("calls", sizes.resultAt(2)).put("webflowSessions", sizes.resultAt(3))
            .put("fingerprintDevices", sizes.resultAt(4)));
    return Future.all(members).compose(done -> totals).map(total -> {
      JsonObject services = new JsonObject();
      for (RunningService s : List.copyOf(platform.running().values())) {
        services.put(s.name(), new JsonObject().put("port", s.port()).put("urls", new JsonArray(s.urls())));
      }
      return new JsonObject().put("node", platform.nodeId()).put("clustered", platform.cluster().clustered())
          .put("members", new JsonArray(members.stream().map(Future::result).toList()))
          .put("totals", total).put("services", services);
    });
  }

  /** A member's {@link NodeStats}, or {@code {node, reachable: false}} when it did not answer in time. */
  private Future<JsonObject> memberStats(String node) {
    if (node.equals(platform.nodeId())) {
      return Future.succeededFuture(localStats.snapshot().put("reachable", true));
    }
    return vertx.eventBus().<JsonObject>request(Addresses.managementNodeStats(node), new JsonObject(),
            new DeliveryOptions().setSendTimeout(MEMBER_TIMEOUT_MS))
        .map(reply -> reply.body().put("reachable", true))
        .otherwise(err -> new JsonObject().put("node", node).put("reachable", false)
            .put("error", err.getMessage()));
  }

  private Future<JsonObject> signalClients() {
    return entries(Addresses.SIGNAL_SESSIONS_MAP).map(entries -> {
      Map<String, Integer> rooms = new TreeMap<>();
      List<JsonObject> clients = new ArrayList<>();
      entries.forEach((id, entry) -> {
        clients.add(new JsonObject().put("clientId", id).mergeIn(entry));
        JsonArray joined = entry.getJsonArray("rooms", new JsonArray());
        joined.forEach(room -> rooms.merge(String.valueOf(room), 1, Integer::sum));
      });
      clients.sort(Comparator.comparing(c -> c.getString("connectedAt", "")));
      JsonArray roomList = new JsonArray();
      rooms.forEach((room, count) -> roomList.add(new JsonObject().put("room", room).put("clients", count)));
      return new JsonObject().put("total", clients.size())
          .put("clients", new JsonArray(clients.subList(0, Math.min(MAX_ITEMS, clients.size()))))
          .put("rooms", roomList);
    });
  }

  private Future<JsonObject> calls() {
    return Future.all(list(Addresses.SECURECALL_CALLS_MAP, "callId"), size(Addresses.SECURECALL_SESSIONS_MAP))
        .map(done -> {
          JsonObject calls = done.resultAt(0);
          return new JsonObject().put("total", calls.getInteger("total")).put("calls", calls.getJsonArray("items"))
              .put("registeredClients", done.<Integer>resultAt(1));
        });
  }

  private Future<JsonObject> devices() {
    return entries(Addresses.FINGERPRINT_DEVICES_MAP).map(entries -> {
      List<JsonObject> devices = new ArrayList<>();
      entries.forEach((id, entry) -> devices.add(entry.getJsonObject("device", new JsonObject()).copy()
          .put("id", id).put("node", entry.getString("node"))));
      devices.sort(Comparator.comparing(d -> d.getString("id")));
      return new JsonObject().put("total", devices.size())
          .put("devices", new JsonArray(devices.subList(0, Math.min(MAX_ITEMS, devices.size()))));
    });
  }

  private void disconnect(RoutingContext ctx) {
    String clientId = ctx.pathParam("clientId");
    LOG.info("operator {} disconnects Signal client {}", operator(ctx), clientId);
    relay(ctx, Addresses.SIGNAL_CLIENT_DISCONNECT, new JsonObject().put("clientId", clientId));
  }

  private void sendToRoom(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null || !(body.getValue("topic") instanceof String topic) || topic.isEmpty()) {
      ServiceHttpServer.jsonError(ctx.response(), 400, "body must be {\"topic\": string, \"data\": any}");
      return;
    }
    String room = ctx.pathParam("room");
    LOG.info("operator {} sends '{}' to Signal room {}", operator(ctx), topic, room);
    relay(ctx, Addresses.SIGNAL_ROOM_SEND, new JsonObject().put("room", room).put("topic", topic)
        .put("data", body.getValue("data")));
  }

  /** Requests a public Signal address and answers its reply, or its failure code as the HTTP status. */
  private void relay(RoutingContext ctx, String address, JsonObject request) {
    vertx.eventBus().<JsonObject>request(address, request, new DeliveryOptions().setSendTimeout(ACTION_TIMEOUT_MS))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.json(ar.result().body());
          } else if (ar.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
            ServiceHttpServer.jsonError(ctx.response(), 503, "Signal runs on no node of the cluster");
          } else if (ar.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.TIMEOUT) {
            ServiceHttpServer.jsonError(ctx.response(), 504, "Signal did not answer in time");
          } else if (ar.cause() instanceof ReplyException e && e.failureCode() >= 400 && e.failureCode() < 600) {
            ServiceHttpServer.jsonError(ctx.response(), e.failureCode(), e.getMessage());
          } else {
            LOG.warn("console action on {} failed: {}", address, ar.cause().toString());
            ServiceHttpServer.jsonError(ctx.response(), 500, "internal error");
          }
        });
  }

  private static String operator(RoutingContext ctx) {
    Principal principal = ctx.get(ServiceAuthHandler.PRINCIPAL);
    return principal == null ? "?" : principal.userId();
  }

  /** {@code {total, items: [entry with its key under idField]}}, at most {@link #MAX_ITEMS} items. */
  private Future<JsonObject> list(String mapName, String idField) {
    return entries(mapName).map(entries -> {
      List<JsonObject> items = new ArrayList<>();
      entries.forEach((id, entry) -> items.add(new JsonObject().put(idField, id).mergeIn(entry)));
      items.sort(Comparator.comparing(i -> i.getString(idField)));
      return new JsonObject().put("total", items.size())
          .put("items", new JsonArray(items.subList(0, Math.min(MAX_ITEMS, items.size()))));
    });
  }

  private Future<Map<String, JsonObject>> entries(String mapName) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(mapName).compose(AsyncMap::entries);
  }

  private Future<Integer> size(String mapName) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(mapName).compose(AsyncMap::size);
  }

  private static void answer(RoutingContext ctx, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Cache-Control", "no-store");
        ctx.json(ar.result());
      } else {
        LOG.warn("console read {} failed: {}", ctx.request().path(), ar.cause().toString());
        ServiceHttpServer.jsonError(ctx.response(), 500, "internal error");
      }
    });
  }
}
