package switchboard.fingerprint.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys a node accepts, held only as SHA-256 hashes. A presented key is hashed and compared with
 * every entry in constant time ({@link MessageDigest#isEqual}), without stopping at the first match, so
 * neither the content nor the position of a key leaks through timing.
 */
public final class ApiKeys {

  /** {@code ak_live_…} or {@code ak_test_…} with at least 16 characters after the prefix. */
  public static final Pattern FORMAT = Pattern.compile("ak_(live|test)_[A-Za-z0-9_-]{16,128}");

  /**
   * One accepted key.
   *
   * @param id          a stable, non-secret identity: "key:" and the first 12 hex digits of the hash
   * @param hash        SHA-256 of the key
   * @param permissions what it may do
   * @param revoked     kept in config for the record, but refused
   */
  public record Entry(String id, byte[] hash, Set<Permission> permissions, boolean revoked) {
  }

  /** The prefix of keys meant for tests and demos; the prod profile refuses them wherever they come from. */
  public static final String TEST_PREFIX = "ak_test_";

  private final List<Entry> entries;
  private final boolean acceptTestKeys;

  /**
   * @param entries        the accepted keys
   * @param acceptTestKeys false in prod: an {@code ak_test_} key is refused even when its hash is configured
   */
  public ApiKeys(List<Entry> entries, boolean acceptTestKeys) {
    this.entries = List.copyOf(entries);
    this.acceptTestKeys = acceptTestKeys;
  }

  public int size() {
    return entries.size();
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The entry of a well-formed, known, unrevoked key. */
  public Optional<Entry> authenticate(String presented) {
    if (presented == null || !FORMAT.matcher(presented).matches()
        || (!acceptTestKeys && presented.startsWith(TEST_PREFIX))) {
      return Optional.empty();
    }
    byte[] hash = sha256(presented);
    Entry found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.hash(), hash) && found == null) {
        found = e;
      }
    }
    return found == null || found.revoked() ? Optional.empty() : Optional.of(found);
  }

  public static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The lowercase hex SHA-256 of a key, as configured under {@code fingerprint.apiKeys[].hash}. */
  public static String hashHex(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }

  /** An entry from a configured hash. */
  public static Entry fromHash(byte[] hash, Set<Permission> permissions, boolean revoked) {
    String id = "key:" + HexFormat.of().formatHex(hash).substring(0, 12);
    return new Entry(id, hash.clone(), permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions)),
        revoked);
  }
}
