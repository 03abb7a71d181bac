package switchboard.securecall;

import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;

import java.util.List;
import java.util.function.Supplier;

/**
 * TURN/STUN settings for coturn's REST-API credentials ({@code use-auth-secret}).
 *
 * @param secrets    shared secrets, newest first; the first one signs (the rest are listed so a rotation
 *                   can be staged in config; coturn checks its own list)
 * @param devSecret  true when no secret was configured and this installation's generated dev secret signs
 * @param ttlSeconds lifetime of a credential, 3600 s by default
 * @param urls       TURN URLs handed to clients
 * @param stunUrls   STUN URLs handed to clients (no credentials); may be empty
 */
public record TurnConfig(List<String> secrets, boolean devSecret, long ttlSeconds, List<String> urls,
                         List<String> stunUrls) {

  public static final long DEFAULT_TTL_SECONDS = 3_600;
  public static final List<String> DEFAULT_URLS = List.of("turn:a.relay.metered.ca:443?transport=tcp");
  public static final List<String> DEFAULT_STUN_URLS = List.of("stun:stun.relay.metered.ca:80");

  /**
   * @param devTurnSecret this installation's generated dev secret, used when {@code secrets} is empty; null in
   *                      the prod profile, which then refuses to start without a configured secret
   */
  public static TurnConfig read(ConfigReader r, Supplier<String> devTurnSecret) {
    List<String> secrets = r.strings("secrets", List.of());
    for (int i = 0; i < secrets.size(); i++) {
      if (secrets.get(i).isEmpty()) {
        throw new ConfigException(r.key("secrets") + "[" + i + "]", "must not be empty");
      }
    }
    boolean dev = secrets.isEmpty();
    if (dev && devTurnSecret == null) {
      throw r.invalid("secrets", "is required by --profile prod");
    }
    List<String> urls = r.strings("urls", DEFAULT_URLS);
    if (urls.isEmpty()) {
      throw r.invalid("urls", "must list at least one TURN URL");
    }
    for (String url : urls) {
      if (!url.startsWith("turn:") && !url.startsWith("turns:")) {
        throw r.invalid("urls", "each URL must start with turn: or turns: (was \"" + url + "\")");
      }
    }
    List<String> stun = r.strings("stunUrls", DEFAULT_STUN_URLS);
    for (String url : stun) {
      if (!url.startsWith("stun:") && !url.startsWith("stuns:")) {
        throw r.invalid("stunUrls", "each URL must start with stun: or stuns: (was \"" + url + "\")");
      }
    }
    return new TurnConfig(dev ? List.of(devTurnSecret.get()) : secrets, dev,
        r.longValue("ttlSeconds", DEFAULT_TTL_SECONDS, 60, 7L * 86_400), urls, stun);
  }

  /** The secret that signs new credentials. */
  public String signingSecret() {
    return secrets.get(0);
  }

  /** Keeps secrets out of logs and config dumps. */
  @Override
  public String toString() {
    return "TurnConfig[secrets=" + secrets.size() + (devSecret ? " (dev)" : "") + ", ttlSeconds=" + ttlSeconds
        + ", urls=" + urls + ", stunUrls=" + stunUrls + "]";
  }
}
