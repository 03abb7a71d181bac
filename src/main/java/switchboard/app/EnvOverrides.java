package switchboard.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.config.ConfigException;

import java.util.List;
import java.util.Map;

/**
 * Applies environment variables onto the JSON configuration before it is read, so a deployment (or a
 * demo) can change ports and secrets without editing files. The table is documented in
 * docs/configuration.md; keep the two in step.
 */
public final class EnvOverrides {

  /** Services whose section takes {@code SWITCHBOARD_<NAME>_PORT} and {@code SWITCHBOARD_<NAME>_ENABLED}. */
  static final List<String> SECTIONS = List.of("signal", "securecall", "webflow", "wallet", "fingerprint", "management");

  private EnvOverrides() {
  }

  public static JsonObject apply(JsonObject config, Map<String, String> env) {
    JsonObject out = config.copy();
    string(env, "SWITCHBOARD_PROFILE", out, "profile");
    string(env, "SWITCHBOARD_JWT_SECRET", out, "jwt", "hs256Secret");
    string(env, "SWITCHBOARD_JWT_ISSUER", out, "jwt", "issuer");
    string(env, "SWITCHBOARD_JWT_AUDIENCE", out, "jwt", "audience");
    string(env, "SWITCHBOARD_JWT_JWKS_URL", out, "jwt", "jwksUrl");
    string(env, "SWITCHBOARD_DEV_SECRETS_FILE", out, "devSecretsFile");
    string(env, "SWITCHBOARD_MANAGEMENT_HOST", out, "management", "host");
    string(env, "APP_ENV_WEBSOCKET_ECDH_INFO", out, "signal", "ecdhInfo");
    string(env, "SWITCHBOARD_SIGNAL_HISTORY_SECRET", out, "signal", "historySecret");
    String turn = text(env, "SWITCHBOARD_TURN_SECRET");
    if (turn != null && !turn.isEmpty()) {
      section(out, "securecall", "turn").put("secrets", new JsonArray().add(turn));
    }
    string(env, "SWITCHBOARD_FINGERPRINT_API_KEYS", out, "fingerprint", "extraApiKeys");
    string(env, "SWITCHBOARD_WALLET_FUND", out, "wallet", "ledger", "fund");
    string(env, "SWITCHBOARD_CLUSTER_HOST", out, "cluster", "host");
    string(env, "SWITCHBOARD_CLUSTER_NAME", out, "cluster", "name");
    string(env, "SWITCHBOARD_CLUSTER_TLS_CERT", out, "cluster", "tls", "cert");
    string(env, "SWITCHBOARD_CLUSTER_TLS_KEY", out, "cluster", "tls", "key");
    string(env, "SWITCHBOARD_CLUSTER_TLS_CA", out, "cluster", "tls", "ca");
    string(env, "SWITCHBOARD_DATA_DIR", out, "dataDir");
    String clusterPort = env.get("SWITCHBOARD_CLUSTER_PORT");
    if (clusterPort != null && !clusterPort.isEmpty()) {
      section(out, "cluster").put("port", integer("SWITCHBOARD_CLUSTER_PORT", clusterPort));
    }
    String members = env.get("SWITCHBOARD_CLUSTER_MEMBERS");
    if (members != null && !members.isBlank()) {
      JsonArray list = new JsonArray();
      for (String member : members.split(",")) {
        if (!member.isBlank()) {
          list.add(member.trim());
        }
      }
      section(out, "cluster").put("members", list);
    }
    String ledger = env.get("SWITCHBOARD_WALLET_LEDGER_ENABLED");
    if (ledger != null && !ledger.isEmpty()) {
      section(out, "wallet", "ledger").put("enabled", bool("SWITCHBOARD_WALLET_LEDGER_ENABLED", ledger));
    }
    for (String name : SECTIONS) {
      String upper = name.toUpperCase();
      String port = env.get("SWITCHBOARD_" + upper + "_PORT");
      if (port != null && !port.isEmpty()) {
        section(out, name).put("port", integer("SWITCHBOARD_" + upper + "_PORT", port));
      }
      if (!name.equals("management")) {
        string(env, "SWITCHBOARD_" + upper + "_JWT_AUDIENCE", out, name, "jwt", "audience");
      }
      String enabled = env.get("SWITCHBOARD_" + upper + "_ENABLED");
      if (enabled != null && !enabled.isEmpty()) {
        section(out, name).put("enabled", bool("SWITCHBOARD_" + upper + "_ENABLED", enabled));
      }
    }
    String offset = env.get("SWITCHBOARD_PORT_OFFSET");
    if (offset != null && !offset.isEmpty()) {
      out.put("portOffset", integer("SWITCHBOARD_PORT_OFFSET", offset));
    }
    return out;
  }

  /**
   * Adds {@code portOffset} to the port of every section that has a fixed (non-zero) one, so several
   * nodes can share a machine. Missing ports get their service default plus the offset.
   */
  public static JsonObject applyPortOffset(JsonObject config, Map<String, Integer> defaultPorts) {
    Object raw = config.getValue("portOffset");
    if (raw == null) {
      return config;
    }
    if (!(raw instanceof Integer offset) || offset < 0 || offset > 10000) {
      throw new ConfigException("portOffset", "must be an integer between 0 and 10000");
    }
    JsonObject out = config.copy();
    defaultPorts.forEach((name, defaultPort) -> {
      JsonObject section = section(out, name);
      Object port = section.getValue("port", defaultPort);
      if (port instanceof Integer p && p != 0) {
        section.put("port", p + offset);
      }
    });
    return out;
  }

  /**
   * Puts the services' state files under {@code dataDir} when it is set, so that nodes sharing a file
   * system (one per network namespace, or several per machine) each keep their own. A path a section sets
   * itself is left alone.
   */
  public static JsonObject applyDataDir(JsonObject config, Map<String, Integer> defaultPorts) {
    Object raw = config.getValue("dataDir");
    if (raw == null) {
      return config;
    }
    if (!(raw instanceof String dir) || dir.isBlank()) {
      throw new ConfigException("dataDir", "must be a directory path");
    }
    JsonObject out = config.copy();
    JsonObject ledger = section(out, "wallet", "ledger");
    if (!ledger.containsKey("dataDir")) {
      ledger.put("dataDir", dir + "/wallet-ledger");
    }
    JsonObject secureCall = section(out, "securecall");
    if (!secureCall.containsKey("dataDir")) {
      Object port = secureCall.getValue("port", defaultPorts.get("securecall"));
      secureCall.put("dataDir", dir + "/securecall-" + port);
    }
    return out;
  }

  private static boolean bool(String variable, String value) {
    if (!value.equals("true") && !value.equals("false")) {
      throw new ConfigException(variable, "must be true or false");
    }
    return Boolean.parseBoolean(value);
  }

  private static int integer(String variable, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(variable, "must be an integer (was \"" + value + "\")");
    }
  }

  /**
   * The variable's value, refused when the JVM could not decode its bytes: outside a UTF-8 locale
   * (LANG/LC_ALL unset or C) Java turns every non-ASCII byte into U+FFFD, so a non-ASCII ECDH info string or
   * secret would silently differ from the clients' UTF-8 one. The value itself is never shown (secrets).
   */
  private static String text(Map<String, String> env, String variable) {
    String value = env.get(variable);
    if (value != null && value.indexOf('\uFFFD') >= 0) {
      throw new ConfigException(variable, "has bytes the JVM could not decode in this locale ("
          + System.getProperty("sun.jnu.encoding", "unknown") + "); start Java with a UTF-8 locale, e.g. LC_ALL=C.UTF-8");
    }
    return value;
  }

  private static void string(Map<String, String> env, String variable, JsonObject target, String... path) {
    String value = text(env, variable);
    if (value == null || value.isEmpty()) {
      return;
    }
    JsonObject parent = target;
    for (int i = 0; i < path.length - 1; i++) {
      parent = section(parent, path[i]);
    }
    parent.put(path[path.length - 1], value);
  }

  private static JsonObject section(JsonObject parent, String... path) {
    JsonObject current = parent;
    for (String name : path) {
      Object existing = current.getValue(name);
      if (existing instanceof JsonObject obj) {
        current = obj;
      } else {
        JsonObject created = new JsonObject();
        current.put(name, created);
        current = created;
      }
    }
    return current;
  }
}
