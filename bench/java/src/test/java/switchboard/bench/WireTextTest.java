package switchboard.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WireTextTest {

  /** Verifies that a string member is read from compact and spaced JSON, and a non-string or missing one is null. */
  @Test
  void readsStringMembers() {
    String frame = "{\"event\":\"encrypted\",\"data\":{\"iv\":\"AAEC\",\"ct\" : \"ZZZ=\"}}";
    assertThat(JsonText.stringField(frame, "iv")).isEqualTo("AAEC");
    assertThat(JsonText.stringField(frame, "ct")).isEqualTo("ZZZ=");
    assertThat(JsonText.stringField("{\"iv\":12}", "iv")).isNull();
    assertThat(JsonText.stringField("{\"x\":\"iv\"}", "iv")).isNull();
  }

  /** Verifies that a STOMP frame built by the encoder parses back to its command, headers and body. */
  @Test
  void stompFrameRoundTrips() {
    // GIVEN an encoded SEND frame
    String text = StompFrame.encode("MESSAGE", "{\"a\":1}", "subscription", "auth", "destination", "/user/topic/authorization");
    // WHEN it is parsed
    StompFrame frame = StompFrame.parse(text);
    // THEN every part is back
    assertThat(frame.command()).isEqualTo("MESSAGE");
    assertThat(frame.header("subscription")).isEqualTo("auth");
    assertThat(frame.header("destination")).isEqualTo("/user/topic/authorization");
    assertThat(frame.body()).isEqualTo("{\"a\":1}");
  }

  /** Verifies that a heart-beat (bare newline) is not a frame, and CRLF line ends are accepted. */
  @Test
  void heartbeatsAndCrlf() {
    assertThat(StompFrame.parse("\n")).isNull();
    StompFrame frame = StompFrame.parse("CONNECTED\r\nversion:1.2\r\n\r\n\0");
    assertThat(frame.command()).isEqualTo("CONNECTED");
    assertThat(frame.header("version")).isEqualTo("1.2");
    assertThat(frame.body()).isEmpty();
  }

  /** Verifies that Prometheus samples of one metric are summed over the series whose labels match. */
  @Test
  void sumsPrometheusSeries() {
    String text = """
        # HELP jvm_memory_used_bytes The amount of used memory
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1000.0
        jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.5E3
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9999.0
        jvm_buffer_memory_used_bytes{id="direct"} 64.0
        """;
    assertThat(ServerMemory.sum(text, "jvm_memory_used_bytes{", "area=\"heap\"")).isEqualTo(3500);
    assertThat(ServerMemory.sum(text, "jvm_buffer_memory_used_bytes{", "id=\"direct\"")).isEqualTo(64);
    assertThat(ServerMemory.sum(text, "jvm_gc_pause_seconds{", "x")).isEqualTo(-1);
  }
}
