package switchboard.ws;

import switchboard.config.ConfigReader;

import java.time.Duration;

/**
 * Per-connection and per-endpoint limits of a WebSocket service. Each service supplies defaults that
 * match its contract; every value can be overridden under the service's {@code ws} config section
 * (keys as the component names, durations in milliseconds with an {@code Ms} suffix).
 *
 * @param maxMessageBytes        largest text message handled; bigger ones are an error (see oversizeCloseAfter)
 * @param oversizeCloseAfter     the n-th oversized message closes with 1009 (1: the first one does)
 * @param hardFrameBytes         frames above this are cut off by the WebSocket decoder with 1009
 * @param authTimeout            time to authenticate before close; zero for services without an auth step
 * @param idleTimeout            close after this long without any inbound frame (pongs count); zero: never
 * @param pingInterval           WebSocket ping frames sent this often; zero: none
 * @param messagesPerSecond      token-bucket refill rate of inbound messages; zero: unlimited
 * @param burst                  token-bucket size
 * @param rateLimitCloseAfter    consecutive rate-limited messages before the connection is closed
 * @param maxConnectionsPerIp    concurrent connections from one address; zero: unlimited
 * @param maxConnections         concurrent connections on this node; zero: unlimited
 * @param outboundHighWaterBytes bytes queued for a socket before it counts as behind
 * @param outboundHardBytes      bytes written to a socket that is behind before it is closed
 * @param slowConsumerGrace      how long a socket may stay behind before it is closed
 * @param compression            whether permessage-deflate is offered; when it is, inflating a frame past
 *                               {@code maxMessageBytes} closes with 1009
 */
public record WsLimits(int maxMessageBytes, int oversizeCloseAfter, int hardFrameBytes,
                       Duration authTimeout, Duration idleTimeout, Duration pingInterval,
                       double messagesPerSecond, int burst, int rateLimitCloseAfter,
                       int maxConnectionsPerIp, int maxConnections,
                       int outboundHighWaterBytes, int outboundHardBytes, Duration slowConsumerGrace,
                       boolean compression) {

  /** Limits without compression: a peer cannot make the node inflate anything. */
  public WsLimits(int maxMessageBytes, int oversizeCloseAfter, int hardFrameBytes,
                  Duration authTimeout, Duration idleTimeout, Duration pingInterval,
                  double messagesPerSecond, int burst, int rateLimitCloseAfter,
                  int maxConnectionsPerIp, int maxConnections,
                  int outboundHighWaterBytes, int outboundHardBytes, Duration slowConsumerGrace) {
    this(maxMessageBytes, oversizeCloseAfter, hardFrameBytes, authTimeout, idleTimeout, pingInterval,
        messagesPerSecond, burst, rateLimitCloseAfter, maxConnectionsPerIp, maxConnections,
        outboundHighWaterBytes, outboundHardBytes, slowConsumerGrace, false);
  }

  /** Conservative defaults; services start from these and change what their contract says. */
  public static final WsLimits DEFAULTS = new WsLimits(64 * 1024, 1, 256 * 1024,
      Duration.ZERO, Duration.ofSeconds(90), Duration.ZERO,
      50, 100, 50, 100, 0,
      256 * 1024, 1024 * 1024, Duration.ofSeconds(10));

  public static WsLimits read(ConfigReader r, WsLimits d) {
    int maxMessage = r.integer("maxMessageBytes", d.maxMessageBytes, 256, 16 * 1024 * 1024);
    int hard = r.integer("hardFrameBytes", Math.max(d.hardFrameBytes, maxMessage), 256, 64 * 1024 * 1024);
    if (hard < maxMessage) {
      throw r.invalid("hardFrameBytes", "must be at least maxMessageBytes (" + maxMessage + ")");
    }
    return new WsLimits(maxMessage,
        r.integer("oversizeCloseAfter", d.oversizeCloseAfter, 1, 1000),
        hard,
        r.millis("authTimeoutMs", d.authTimeout.toMillis(), 0, 3_600_000),
        r.millis("idleTimeoutMs", d.idleTimeout.toMillis(), 0, 86_400_000),
        r.millis("pingIntervalMs", d.pingInterval.toMillis(), 0, 3_600_000),
        r.integer("messagesPerSecond", (int) d.messagesPerSecond, 0, 1_000_000),
        r.integer("burst", d.burst, 1, 1_000_000),
        r.integer("rateLimitCloseAfter", d.rateLimitCloseAfter, 1, 1_000_000),
        r.integer("maxConnectionsPerIp", d.maxConnectionsPerIp, 0, 1_000_000),
        r.integer("maxConnections", d.maxConnections, 0, 10_000_000),
        r.integer("outboundHighWaterBytes", d.outboundHighWaterBytes, 1024, 256 * 1024 * 1024),
        r.integer("outboundHardBytes", d.outboundHardBytes, 1024, 1024 * 1024 * 1024),
        r.millis("slowConsumerGraceMs", d.slowConsumerGrace.toMillis(), 0, 600_000),
        r.bool("compression", d.compression));
  }

  public WsLimits withAuthTimeout(Duration v) {
    return new WsLimits(maxMessageBytes, oversizeCloseAfter, hardFrameBytes, v, idleTimeout, pingInterval,
        messagesPerSecond, burst, rateLimitCloseAfter, maxConnectionsPerIp, maxConnections,
        outboundHighWaterBytes, outboundHardBytes, slowConsumerGrace, compression);
  }

  public WsLimits withIdleTimeout(Duration v) {
    return new WsLimits(maxMessageBytes, oversizeCloseAfter, hardFrameBytes, authTimeout, v, pingInterval,
        messagesPerSecond, burst, rateLimitCloseAfter, maxConnectionsPerIp, maxConnections,
        outboundHighWaterBytes, outboundHardBytes, slowConsumerGrace, compression);
  }

  public WsLimits withPingInterval(Duration v) {
    return new WsLimits(maxMessageBytes, oversizeCloseAfter, hardFrameBytes, authTimeout, idleTimeout, v,
        messagesPerSecond, burst, rateLimitCloseAfter, maxConnectionsPerIp, maxConnections,
        outboundHighWaterBytes, outboundHardBytes, slowConsumerGrace, compression);
  }

  public WsLimits withMessageSize(int maxMessage, int oversizeCloseAfter, int hardFrame) {
    return new WsLimits(maxMessage, oversizeCloseAfter, hardFrame, authTimeout, idleTimeout, pingInterval,
        messagesPerSecond, burst, rateLimitCloseAfter, maxConnectionsPerIp, maxConnections,
        outboundHighWaterBytes, outboundHardBytes, slowConsumerGrace, compression);
  }

  public WsLimits withRate(double perSecond, int burst, int closeAfter) {
    return new WsLimits(maxMessageBytes, oversizeCloseAfter, hardFrameBytes, authTimeout, idleTimeout,
        pingInterval, perSecond, burst, closeAfter, maxConnectionsPerIp, maxConnections,
        outboundHighWaterBytes, outboundHardBytes, slowConsumerGrace, compression);
  }

  public WsLimits withCompression(boolean v) {
    return new WsLimits(maxMessageBytes, oversizeCloseAfter, hardFrameBytes, authTimeout, idleTimeout,
        pingInterval, messagesPerSecond, burst, rateLimitCloseAfter, maxConnectionsPerIp, maxConnections,
        outboundHighWaterBytes, outboundHardBytes, slowConsumerGrace, v);
  }
}
