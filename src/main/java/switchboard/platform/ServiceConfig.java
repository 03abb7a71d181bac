package switchboard.platform;

import java.util.List;

/** The typed, validated configuration of one service. */
public interface ServiceConfig {

  /** False when the service is switched off with {@code "enabled": false}. */
  boolean enabled();

  /**
   * Config keys whose value is a built-in dev-only secret; the prod profile refuses to start while any
   * is in use.
   */
  default List<String> devSecretsInUse() {
    return List.of();
  }
}
