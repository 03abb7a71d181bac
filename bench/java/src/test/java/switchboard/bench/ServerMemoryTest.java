package switchboard.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServerMemoryTest {

  /** Verifies that a jcmd class histogram is read per class, with its header, total and module suffixes ignored. */
  @Test
  void classHistogramIsReadPerClass() {
    // GIVEN the text jcmd GC.class_histogram prints (JDK 17 layout)
    String text = """
        12345:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:         10014        8462816  [Ljava.lang.Object; (java.base@17.0.15)
           2:          2000        1152000  io.netty.util.internal.shaded.org.jctools.queues.MpscUnboundedArrayQueue
           3:         31450        1051912  [B (java.base@17.0.15)
        Total        43464       10666728
        """;
    // WHEN it is parsed
    Map<String, ServerMemory.ClassUse> classes = ServerMemory.parseHistogram(text);
    // THEN every class row is there with its instances and bytes, and nothing else
    assertThat(classes).hasSize(3);
    assertThat(classes.get("[Ljava.lang.Object;")).isEqualTo(new ServerMemory.ClassUse(10014, 8462816));
    assertThat(classes.get("io.netty.util.internal.shaded.org.jctools.queues.MpscUnboundedArrayQueue"))
        .isEqualTo(new ServerMemory.ClassUse(2000, 1152000));
    assertThat(classes.get("[B")).isEqualTo(new ServerMemory.ClassUse(31450, 1051912));
  }
}
