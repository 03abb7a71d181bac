package switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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

  /** Live instances and bytes of one class after a full GC. */
  public record ClassUse(long instances, long bytes) {
  }

  public Reading read() throws IOException, InterruptedException {
    if (jvm) {
      jcmd("GC.run");
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

  /**
   * The server JVM's live objects per class ({@code jcmd <pid> GC.class_histogram}, which runs a full GC
   * first): what a connection's heap is made of, when two of these are compared.
   */
  public Map<String, ClassUse> histogram() throws IOException, InterruptedException {
    return parseHistogram(jcmd("GC.class_histogram"));
  }

  static Map<String, ClassUse> parseHistogram(String text) {
    Map<String, ClassUse> classes = new HashMap<>();
    for (String line : text.split("\n")) {
      // "   1:        123456       7890123  java.lang.String (java.base@17)"
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":") && f[1].chars().allMatch(Character::isDigit)) {
        classes.merge(f[3], new ClassUse(Long.parseLong(f[1]), Long.parseLong(f[2])),
            (a, b) -> new ClassUse(a.instances() + b.instances(), a.bytes() + b.bytes()));
      }
    }
    return classes;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return out;
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
