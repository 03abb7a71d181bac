package switchboard.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadTest {

  /** Verifies that the benchmark message is a 200-byte JSON object whose stamp reads back, wherever it is embedded. */
  @Test
  void jsonPayloadIsTwoHundredBytesAndCarriesItsStamp() {
    // GIVEN a stamp
    long stamp = 123_456_789L;
    // WHEN the payload is built and embedded in a delivered frame
    String payload = Payload.of(stamp);
    String frame = "{\"event\":\"bench\",\"data\":" + payload + "}";
    // THEN it is valid JSON of exactly 200 bytes and the stamp is found in both
    assertThat(payload.getBytes(StandardCharsets.UTF_8)).hasSize(Payload.SIZE);
    assertThat(new JsonObject(payload).getLong("t")).isEqualTo(stamp);
    assertThat(Payload.sentAt(payload)).isEqualTo(stamp);
    assertThat(Payload.sentAt(frame)).isEqualTo(stamp);
  }

  /** Verifies that the text form (Web Flow's authResult string) is sized as asked and its stamp reads back through JSON escaping. */
  @Test
  void textPayloadCarriesItsStampInsideAJsonString() {
    // GIVEN a text payload inside a JSON string member
    String text = Payload.text(42L, 150);
    String body = new JsonObject().put("webSocketId", "ws-1").put("authResult", text).encode();
    // WHEN / THEN its length is as asked and the stamp reads back from the encoded body
    assertThat(text).hasSize(150);
    assertThat(Payload.sentAt(body)).isEqualTo(42L);
  }

  /** Verifies that text without a stamp answers -1 instead of a wrong number. */
  @Test
  void missingStampIsMinusOne() {
    assertThat(Payload.sentAt("{\"event\":\"heartbeat\"}")).isEqualTo(-1);
    assertThat(Payload.sentAt("{\"t\":\"x\"}")).isEqualTo(-1);
  }
}
