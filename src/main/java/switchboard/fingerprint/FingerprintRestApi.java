package switchboard.fingerprint;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import switchboard.auth.JwtVerifier;
import switchboard.fingerprint.FingerprintProtocol.ErrorCode;
import switchboard.fingerprint.impl.CommandException;
import switchboard.fingerprint.impl.DeviceCommands;
import switchboard.fingerprint.impl.Permission;
import switchboard.fingerprint.impl.ScanOptions;
import switchboard.platform.CallerContext;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The REST mirror of the WebSocket operations under {@code /api}, authenticated by {@code X-API-Key} (or an
 * admin JWT as {@code Authorization: Bearer}). Errors are JSON {@code {error, code, timestamp}} with the
 * WebSocket API's codes and a matching HTTP status. {@code GET /api/health} needs no key.
 */
final class FingerprintRestApi {

  private static final String CALLER = "fingerprint.caller";

  private final FingerprintConfig config;
  private final JwtVerifier jwt;
  private final DeviceCommands commands;
  private final LongSupplier uptimeSeconds;

  /** The authenticated caller of a request. */
  private record RestCaller(String principal, boolean admin, Set<Permission> permissions) {
    boolean can(Permission p) {
      return admin || permissions.contains(p);
    }

    DeviceCommands.Caller caller() {
      return new DeviceCommands.Caller(principal, admin, null);
    }
  }

  FingerprintRestApi(FingerprintConfig config, JwtVerifier jwt, DeviceCommands commands, LongSupplier uptimeSeconds) {
    this.config = Objects.requireNonNull(config, "config");
    this.jwt = Objects.requireNonNull(jwt, "jwt");
    this.commands = Objects.requireNonNull(commands, "commands");
    this.uptimeSeconds = Objects.requireNonNull(uptimeSeconds, "uptimeSeconds");
  }

  void mount(Router router) {
    router.get("/api/health").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")
        .put("uptime", uptimeSeconds.getAsLong()).put("version", config.version()).put("timestamp", FingerprintProtocol.now())));
    router.route("/api/*").handler(this::authenticate);
    router.get("/api/devices").handler(this::listDevices);
    router.get("/api/devices/:id").handler(this::getDevice);
    router.post("/api/scans").handler(this::startScan);
    router.get("/api/scans/:id").handler(this::getScan);
    router.delete("/api/scans/:id").handler(this::stopScan);
  }

  private void authenticate(RoutingContext ctx) {
    String key = ctx.request().getHeader("X-API-Key");
    if (key != null) {
      config.apiKeys().authenticate(key).ifPresentOrElse(
          entry -> {
            ctx.put(CALLER, new RestCaller(entry.id(), false, entry.permissions()));
            ctx.next();
          },
          () -> error(ctx, ErrorCode.AUTH_FAILED, "Invalid API key"));
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      error(ctx, ErrorCode.AUTH_FAILED, "X-API-Key header required");
      return;
    }
    CallerContext.of(jwt.verify(header.substring(7).trim())).onComplete(ar -> {
      if (ar.failed()) {
        error(ctx, ErrorCode.AUTH_FAILED, "Invalid or expired token");
      } else if (!ar.result().roles().contains("admin")) {
        error(ctx, ErrorCode.PERMISSION_DENIED, "Admin role required");
      } else {
        ctx.put(CALLER, new RestCaller("admin:" + ar.result().userId(), true, EnumSet.allOf(Permission.class)));
        ctx.next();
      }
    });
  }

  private RestCaller permitted(RoutingContext ctx, Permission permission) {
    RestCaller caller = ctx.get(CALLER);
    if (!caller.can(permission)) {
      error(ctx, ErrorCode.PERMISSION_DENIED, "Permission denied: " + permission.wire() + " required");
      return null;
    }
    return caller;
  }

  private void listDevices(RoutingContext ctx) {
    if (permitted(ctx, Permission.DEVICE_READ) == null) {
      return;
    }
    CallerContext.of(commands.devices()).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else {
        ctx.json(new JsonObject().put("devices", new JsonArray(ar.result())).put("count", ar.result().size())
            .put("timestamp", FingerprintProtocol.now()));
      }
    });
  }

  private void getDevice(RoutingContext ctx) {
    if (permitted(ctx, Permission.DEVICE_READ) == null) {
      return;
    }
    CallerContext.of(commands.device(ctx.pathParam("id"))).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else {
        ctx.json(ar.result());
      }
    });
  }

  private void startScan(RoutingContext ctx) {
    RestCaller caller = permitted(ctx, Permission.FINGERPRINT_SCAN);
    if (caller == null) {
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      error(ctx, ErrorCode.INVALID_MESSAGE, "Body must be a JSON object");
      return;
    }
    if (body == null || !(body.getValue("deviceId") instanceof String deviceId) || deviceId.isEmpty()
        || deviceId.length() > 128) {
      error(ctx, ErrorCode.INVALID_MESSAGE, "deviceId must be a non-empty string");
      return;
    }
    ScanOptions options;
    try {
      options = ScanOptions.parse(body.getValue("options"), deviceId, config.scan());
    } catch (CommandException e) {
      fail(ctx, e);
      return;
    }
    CallerContext.of(commands.startScan(deviceId, options, caller.caller())).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else {
        ctx.response().setStatusCode(201);
        ctx.json(new JsonObject().put("scanId", ar.result().getString("scanId")).put("deviceId", deviceId)
            .put("status", "scanning").put("timestamp", FingerprintProtocol.now()));
      }
    });
  }

  private void getScan(RoutingContext ctx) {
    RestCaller caller = permitted(ctx, Permission.FINGERPRINT_SCAN);
    if (caller == null) {
      return;
    }
    CallerContext.of(commands.scan(ctx.pathParam("id"), caller.caller())).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else {
        ctx.json(ar.result());
      }
    });
  }

  private void stopScan(RoutingContext ctx) {
    RestCaller caller = permitted(ctx, Permission.FINGERPRINT_SCAN);
    if (caller == null) {
      return;
    }
    CallerContext.of(commands.stopScan(ctx.pathParam("id"), caller.caller())).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else {
        ctx.json(new JsonObject().put("scanId", ar.result().getString("scanId")).put("status", "stopped")
            .put("timestamp", FingerprintProtocol.now()));
      }
    });
  }

  private static void fail(RoutingContext ctx, Throwable cause) {
    if (cause instanceof CommandException e) {
      error(ctx, e.code(), e.getMessage());
    } else {
      error(ctx, ErrorCode.INTERNAL, ErrorCode.INTERNAL.message());
    }
  }

  private static void error(RoutingContext ctx, ErrorCode code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(code.httpStatus()).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).put("code", code.code()).put("timestamp", FingerprintProtocol.now()).encode());
  }
}
