package switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Memory of a server process: RSS from /proc for any server, and for a Switchboard JVM the heap and
 * direct-buffer figures of its own Prometheus metrics, read after a full GC requested with jcmd (so the
 * heap figure is live data, not garbage that a lazy collector has not reclaimed yet).
 */
public final class ServerMemory {

  /** One reading, bytes; -1 where the figure is not available. */
  public record Reading(long rss, long heap, long direct) {
  }

  private final long pid;
  private final boolean jvm;
  private final URI metrics;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param jvm     the server is a JVM: run {@code jcmd <pid> GC.run} before reading
   * @param metrics its Prometheus endpoint, or null
   */
  public ServerMemory(long pid, boolean jvm, URI metrics) {
    this.pid = pid;
    this.jvm = jvm;
    this.metrics = metrics;
  }

  public Reading read() throws IOException, InterruptedException {
    if (jvm) {
      Process gc = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!gc.waitFor(60, TimeUnit.SECONDS)) {
        gc.destroyForcibly();
      }
      Thread.sleep(500);
    }
    long heap = -1;
    long direct = -1;
    if (metrics != null) {
      String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      heap = sum(text, "jvm_memory_used_bytes{", "area=\"heap\"");
      direct = sum(text, "jvm_buffer_memory_used_bytes{", "id=\"direct\"");
    }
    return new Reading(ProcessCpu.rssBytes(pid), heap, direct);
  }

  /** Sum of the samples of one metric whose labels contain {@code label}. */
  static long sum(String prometheus, String metric, String label) {
    double total = 0;
    boolean found = false;
    for (String line : prometheus.split("\n")) {
      if (line.startsWith(metric) && line.contains(label)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    return found ? (long) total : -1;
  }
}
