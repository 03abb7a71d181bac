package switchboard.auth;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokensTest {

  /** A clock the test moves. */
  private static final class StepClock extends Clock {
    long millis = 1_000_000;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  private static Principal principal(long expMillis) {
    return new Principal("svc", Set.of("service"), Instant.ofEpochMilli(expMillis), new JsonObject());
  }

  /** Verifies that only the exact token is found, until its exp or the maximum age, and that the eldest goes when full. */
  @Test
  void findsOnlyTheExactTokenUntilExpOrMaxAge() {
    StepClock clock = new StepClock();
    VerifiedTokens tokens = new VerifiedTokens(2, 60_000, clock);
    Principal p = principal(clock.millis + 30_000);
    tokens.put("a.b.c", p);
    assertThat(tokens.get("a.b.c")).isSameAs(p);
    assertThat(tokens.get("a.b.C")).isNull();
    assertThat(tokens.get("a.b.c ")).isNull();
    clock.millis += 30_000;
    assertThat(tokens.get("a.b.c")).isNull();
    // a token valid for a day is trusted for the maximum age only
    tokens.put("long.lived.token", principal(clock.millis + 86_400_000));
    clock.millis += 59_999;
    assertThat(tokens.get("long.lived.token")).isNotNull();
    clock.millis += 1;
    assertThat(tokens.get("long.lived.token")).isNull();
    // the least recently used entry goes first
    tokens.put("t1", principal(clock.millis + 10_000));
    tokens.put("t2", principal(clock.millis + 10_000));
    assertThat(tokens.get("t1")).isNotNull();
    tokens.put("t3", principal(clock.millis + 10_000));
    assertThat(tokens.get("t2")).isNull();
    assertThat(tokens.get("t1")).isNotNull();
    assertThat(tokens.size()).isEqualTo(2);
  }
}
