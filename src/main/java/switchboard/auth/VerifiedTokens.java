package switchboard.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The principals of tokens verified lately, so a service that calls with the same token again and again is
 * not verified (signature, JSON, claims) on every request. An entry is keyed by the SHA-256 of the whole token,
 * so only the exact token finds it, and a lookup's timing tells nothing about any cached token's characters.
 * An entry lasts until the token's {@code exp}, and at most {@code maxAgeMs}, so a key rotated away or
 * withdrawn stops being honoured within that time. The least recently used entry goes when it is full.
 * Meant for one event loop's router; synchronised all the same, since a verification may complete elsewhere.
 */
public final class VerifiedTokens {

  private record Entry(Principal principal, long validUntilMs) {
  }

  private final int capacity;
  private final long maxAgeMs;
  private final Clock clock;
  private final Map<String, Entry> entries;

  public VerifiedTokens(int capacity, long maxAgeMs, Clock clock) {
    if (capacity < 1 || maxAgeMs < 1) {
      throw new IllegalArgumentException("capacity and maxAgeMs must be positive");
    }
    this.capacity = capacity;
    this.maxAgeMs = maxAgeMs;
    this.clock = clock;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > VerifiedTokens.this.capacity;
      }
    };
  }

  /** The principal of {@code token} if it was verified lately and has not expired since; else null. */
  public synchronized Principal get(String token) {
    String key = key(token);
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (clock.millis() >= entry.validUntilMs()) {
      entries.remove(key);
      return null;
    }
    return entry.principal();
  }

  /** Remembers a token just verified. */
  public synchronized void put(String token, Principal principal) {
    long validUntil = Math.min(principal.expiresAt().toEpochMilli(), clock.millis() + maxAgeMs);
    entries.put(key(token), new Entry(principal, validUntil));
  }

  public synchronized int size() {
    return entries.size();
  }

  private static String key(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
