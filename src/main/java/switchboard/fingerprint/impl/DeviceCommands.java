package switchboard.fingerprint.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import switchboard.bus.Addresses;
import switchboard.bus.ClusterView;
import switchboard.bus.SessionDirectory;
import switchboard.fingerprint.FingerprintProtocol.ErrorCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The client side of the device commands: finds the node that owns a device or a scan in the cluster-wide
 * directories and sends the command to {@code fingerprint.device.commands.<nodeId>} (request/reply), so
 * WebSocket and REST clients on any node reach readers on any other. Failures come back as
 * {@link CommandException}s with the contract's codes.
 */
public final class DeviceCommands {

  public static final String COMMAND = "command";
  public static final String SCAN_START = "scan:start";
  public static final String SCAN_STOP = "scan:stop";
  public static final String SCAN_GET = "scan:get";

  private final Vertx vertx;
  private final SessionDirectory devices;
  private final SessionDirectory scans;
  private final DeliveryOptions delivery;
  private final String nodeId;

  public DeviceCommands(Vertx vertx, ClusterView cluster, Duration timeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.devices = new SessionDirectory(vertx, cluster, Addresses.FINGERPRINT_DEVICES_MAP);
    this.scans = new SessionDirectory(vertx, cluster, Addresses.FINGERPRINT_SCANS_MAP);
    this.delivery = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    this.nodeId = cluster.nodeId();
  }

  /** Who asks: the principal (API key id or admin), whether it is an admin, and its connection (or null). */
  public record Caller(String principal, boolean admin, String connection) {
  }

  /** The device as clients see it, or a 1001 failure. */
  public Future<JsonObject> device(String deviceId) {
    return devices.get(deviceId).compose(entry -> entry == null
        ? Future.failedFuture(new CommandException(ErrorCode.DEVICE_NOT_FOUND))
        : Future.succeededFuture(entry.getJsonObject("device")));
  }

  /** Every device of the cluster, by id. */
  public Future<List<JsonObject>> devices() {
    return devices.entries().map(all -> {
      List<JsonObject> out = new ArrayList<>();
      all.values().forEach(e -> out.add(e.getJsonObject("device")));
      out.sort(Comparator.comparing(d -> d.getString("id")));
      return out;
    });
  }

  /** Starts a scan on the device's node; answers {scanId, deviceId}. */
  public Future<JsonObject> startScan(String deviceId, ScanOptions options, Caller caller) {
    return devices.nodeOf(deviceId).compose(node -> {
      if (node == null) {
        return Future.failedFuture(new CommandException(ErrorCode.DEVICE_NOT_FOUND));
      }
      JsonObject body = command(SCAN_START, caller).put("deviceId", deviceId)
          .put("timeout", options.timeoutMs()).put("qualityThreshold", options.qualityThreshold())
          .put("scansRequired", options.scansRequired());
      return request(node, body, ErrorCode.DEVICE_NOT_FOUND);
    });
  }

  /** Stops an active scan wherever it runs; answers {scanId, deviceId}. */
  public Future<JsonObject> stopScan(String scanId, Caller caller) {
    return onScanNode(scanId, command(SCAN_STOP, caller).put("scanId", scanId));
  }

  /** A scan's record (active or recently finished). */
  public Future<JsonObject> scan(String scanId, Caller caller) {
    return onScanNode(scanId, command(SCAN_GET, caller).put("scanId", scanId));
  }

  private Future<JsonObject> onScanNode(String scanId, JsonObject body) {
    return scans.nodeOf(scanId).compose(node -> node == null
        ? Future.failedFuture(new CommandException(ErrorCode.SCAN_NOT_FOUND))
        : request(node, body, ErrorCode.SCAN_NOT_FOUND));
  }

  /** A caller's connection is named with its node, where a finished scan's template is delivered to it alone. */
  private JsonObject command(String name, Caller caller) {
    JsonObject body = new JsonObject().put(COMMAND, name).put("principal", caller.principal()).put("admin", caller.admin());
    if (caller.connection() != null) {
      body.put("connection", caller.connection()).put("node", nodeId);
    }
    return body;
  }

  /** A node that no longer answers at all (it left) means its devices and scans are gone. */
  private Future<JsonObject> request(String node, JsonObject body, ErrorCode whenGone) {
    return vertx.eventBus().<JsonObject>request(Addresses.fingerprintCommands(node), body, delivery)
        .map(reply -> reply.body())
        .recover(err -> {
          if (err instanceof ReplyException r) {
            return switch (r.failureType()) {
              case RECIPIENT_FAILURE -> Future.failedFuture(new CommandException(ErrorCode.of(r.failureCode()), r.getMessage()));
              case NO_HANDLERS -> Future.failedFuture(new CommandException(whenGone));
              default -> Future.failedFuture(new CommandException(ErrorCode.INTERNAL, "The device did not answer in time"));
            };
          }
          return Future.failedFuture(new CommandException(ErrorCode.INTERNAL));
        });
  }
}
