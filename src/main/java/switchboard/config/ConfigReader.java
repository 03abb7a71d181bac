package switchboard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads one section of the JSON configuration into typed values, checking each one.
 * Every failure is a {@link ConfigException} whose message names the full key ("signal.port") and
 * the problem, so start-up can stop with one clear line.
 */
public final class ConfigReader {

  private final JsonObject json;
  private final String path;

  public ConfigReader(JsonObject json) {
    this(json, "");
  }

  private ConfigReader(JsonObject json, String path) {
    this.json = Objects.requireNonNull(json, "json");
    this.path = path;
  }

  /** The full dotted key of a member of this section. */
  public String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  public boolean has(String name) {
    return json.containsKey(name) && json.getValue(name) != null;
  }

  /** A sub-section; an absent one reads as empty so that every key falls back to its default. */
  public ConfigReader section(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return new ConfigReader(new JsonObject(), key(name));
    }
    if (!(value instanceof JsonObject obj)) {
      throw new ConfigException(key(name), "must be an object");
    }
    return new ConfigReader(obj, key(name));
  }

  public JsonObject raw() {
    return json;
  }

  public String string(String name, String defaultValue) {
    Object value = json.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof String s)) {
      throw new ConfigException(key(name), "must be a string");
    }
    return s;
  }

  public String requiredString(String name) {
    String s = string(name, null);
    if (s == null || s.isBlank()) {
      throw new ConfigException(key(name), "is required");
    }
    return s;
  }

  public boolean bool(String name, boolean defaultValue) {
    Object value = json.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Boolean b)) {
      throw new ConfigException(key(name), "must be true or false");
    }
    return b;
  }

  public long longValue(String name, long defaultValue, long min, long max) {
    Object value = json.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ConfigException(key(name), "must be an integer");
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + " (was " + v + ")");
    }
    return v;
  }

  public int integer(String name, int defaultValue, int min, int max) {
    return (int) longValue(name, defaultValue, min, max);
  }

  public int port(String name, int defaultValue) {
    return integer(name, defaultValue, 0, 65535);
  }

  /** A duration given in milliseconds under a key that ends in "Ms". */
  public Duration millis(String name, long defaultMs, long minMs, long maxMs) {
    return Duration.ofMillis(longValue(name, defaultMs, minMs, maxMs));
  }

  public List<String> strings(String name, List<String> defaultValue) {
    Object value = json.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof JsonArray array)) {
      throw new ConfigException(key(name), "must be an array of strings");
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s)) {
        throw new ConfigException(key(name) + "[" + i + "]", "must be a string");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** The members of an array of objects, each as its own reader ("fingerprint.devices[2]"). */
  public List<ConfigReader> sections(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new ConfigException(key(name), "must be an array of objects");
    }
    List<ConfigReader> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject obj)) {
        throw new ConfigException(key(name) + "[" + i + "]", "must be an object");
      }
      out.add(new ConfigReader(obj, key(name) + "[" + i + "]"));
    }
    return List.copyOf(out);
  }

  /** The names of the members of this section, for maps keyed by name (rooms, tokens). */
  public List<String> names() {
    return List.copyOf(json.fieldNames());
  }

  public <E extends Enum<E>> E enumValue(String name, Class<E> type, E defaultValue) {
    String s = string(name, null);
    if (s == null) {
      return defaultValue;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s)) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase());
    }
    throw new ConfigException(key(name), "must be one of " + allowed + " (was \"" + s + "\")");
  }

  public ConfigException invalid(String name, String problem) {
    return new ConfigException(key(name), problem);
  }
}
