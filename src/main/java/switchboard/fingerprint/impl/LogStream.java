package switchboard.fingerprint.impl;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import switchboard.fingerprint.FingerprintProtocol;

import java.util.Objects;

/**
 * Service events as log:entry frames for admins, cluster-wide (published on
 * {@link switchboard.bus.Addresses#FINGERPRINT_DEVICE_EVENTS}), and as ordinary log lines. Callers pass
 * only non-secret metadata: ids, counts, reasons; never keys or tokens.
 */
public final class LogStream {

  private final EventBus bus;
  private final Logger logger;
  private final String nodeId;
  private volatile boolean muted;

  public LogStream(EventBus bus, Logger logger, String nodeId) {
    this.bus = Objects.requireNonNull(bus, "bus");
    this.logger = Objects.requireNonNull(logger, "logger");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
  }

  /** From now on, log lines only: nobody is left to stream to (the node is shutting down). */
  public void mute() {
    muted = true;
  }

  public void info(String message, JsonObject metadata) {
    logger.info("{} {}", message, metadata == null ? "" : metadata.encode());
    publish("info", message, metadata);
  }

  public void warn(String message, JsonObject metadata) {
    logger.warn("{} {}", message, metadata == null ? "" : metadata.encode());
    publish("warn", message, metadata);
  }

  public void error(String message, JsonObject metadata) {
    logger.error("{} {}", message, metadata == null ? "" : metadata.encode());
    publish("error", message, metadata);
  }

  public void debug(String message, JsonObject metadata) {
    logger.debug("{} {}", message, metadata == null ? "" : metadata.encode());
    publish("debug", message, metadata);
  }

  private void publish(String level, String message, JsonObject metadata) {
    if (muted) {
      return;
    }
    JsonObject meta = metadata == null ? new JsonObject() : metadata.copy();
    bus.publish(switchboard.bus.Addresses.FINGERPRINT_DEVICE_EVENTS,
        FingerprintProtocol.logEntry(level, message, meta.put("node", nodeId)));
  }
}
