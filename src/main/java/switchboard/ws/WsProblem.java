package switchboard.ws;

/** Problems the shared plumbing finds with an inbound frame; each service renders them in its own error format. */
public enum WsProblem {
  /** Not JSON, or JSON but not an object. */
  MALFORMED_JSON("message is not a JSON object"),
  /** Larger than the service's maximum message size. */
  TOO_LARGE("message exceeds the maximum size"),
  /** The per-connection message rate was exceeded; the message was dropped. */
  RATE_LIMITED("too many messages, slow down"),
  /** The service's handler failed on this message. */
  INTERNAL_ERROR("internal error");

  private final String message;

  WsProblem(String message) {
    this.message = message;
  }

  /** A sentence for the client. */
  public String message() {
    return message;
  }
}
