package switchboard.ws;

/**
 * The close codes a service uses for the closes the shared plumbing makes. Standard codes (1009 too big,
 * 1003 binary, 1007 not UTF-8, 1001 going away) are fixed; these differ per service contract.
 *
 * @param authTimeout  no authentication within the auth window (Signal 4001)
 * @param idle         no inbound frame within the idle timeout (Signal 4005)
 * @param slowConsumer the client stopped reading (Signal 4009)
 * @param abuse        persistent rate-limit or oversize abuse
 * @param tokenExpired the token the connection authenticated with expired (Signal 4002)
 */
public record WsCloseCodes(int authTimeout, int idle, int slowConsumer, int abuse, int tokenExpired) {

  /** Codes of a service that closes an expired token's connection as it closes a missed auth window. */
  public WsCloseCodes(int authTimeout, int idle, int slowConsumer, int abuse) {
    this(authTimeout, idle, slowConsumer, abuse, authTimeout);
  }

  public static final int NORMAL = 1000;
  public static final int GOING_AWAY = 1001;
  public static final int UNSUPPORTED_DATA = 1003;
  public static final int INVALID_PAYLOAD = 1007;
  public static final int POLICY_VIOLATION = 1008;
  public static final int MESSAGE_TOO_BIG = 1009;
  public static final int INTERNAL_ERROR = 1011;

  /** Generic codes for services whose contract names none: policy violation for everything. */
  public static final WsCloseCodes GENERIC = new WsCloseCodes(4001, 4000, 4009, POLICY_VIOLATION);
}
