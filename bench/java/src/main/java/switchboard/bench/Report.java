package switchboard.bench;

import io.vertx.core.json.JsonObject;
import org.knowm.xchart.CategoryChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Turns the JSON results of one {@code scripts/bench} run into {@code bench/results/<date>.md}: the
 * machine, the performance targets (docs/performance.md) with where each stands, one table and one chart per scenario, and the
 * notes of anything that did not run.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Writes the results table and charts of a run.")
public final class Report implements Callable<Integer> {

  @Option(names = "--raw", required = true, description = "directory of the run's result JSON files")
  Path raw;

  @Option(names = "--charts", required = true, description = "directory for the PNG charts")
  Path charts;

  @Option(names = "--out", required = true, description = "markdown file to write")
  Path out;

  @Option(names = "--notes", description = "text file of notes from the run script")
  Path notes;

  @Option(names = "--elapsed", description = "seconds the run took")
  long elapsed;

  @Option(names = "--server-java", description = "the servers' JVM (its -version line)")
  String serverJava;

  @Option(names = "--quick", description = "the run used --quick sizes")
  boolean quick;

  private final List<JsonObject> results = new ArrayList<>();
  private final StringBuilder md = new StringBuilder();

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(new CommandLine(new Report()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    try (Stream<Path> files = Files.list(raw)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        try {
          results.add(new JsonObject(Files.readString(p)).put("_file", p.getFileName().toString()));
        } catch (RuntimeException e) {
          System.err.println("report: skipping unreadable " + p + ": " + e.getMessage());
        }
      }
    }
    String name = out.getFileName().toString().replace(".md", "");
    md.append("# Switchboard benchmark ").append(name).append(quick ? " (quick)" : "").append("\n\n");
    machine();
    targets();
    fanout();
    connections();
    handshake();
    webflow();
    wallet();
    cluster();
    scaling();
    profiles();
    notes();
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString());
    System.out.println(md);
    return 0;
  }

  // ---- header ---------------------------------------------------------------------------------------

  private void machine() throws IOException {
    String cpu = "?";
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        cpu = line.substring(line.indexOf(':') + 1).trim();
        break;
      }
    }
    md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (").append(cpu)
        .append("), ").append(Math.round(memTotalGiB())).append(" GiB, servers on ")
        .append(serverJava != null ? serverJava : "Java " + System.getProperty("java.version"))
        .append(", load generator on Java ").append(System.getProperty("java.version"))
        .append(". Servers and load generator share the cores; every figure below comes from this one run")
        .append(elapsed > 0 ? " (" + elapsed + " s)" : "").append(". Method and limits: docs/performance.md.\n\n");
    if (quick) {
      md.append("**Quick run**: small sizes and 2-second windows after 1 s of warm-up (server JITs barely warm): a check of the harness; the targets are judged on a full run.\n\n");
    }
  }

  private static double memTotalGiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
      }
    }
    return 0;
  }

  // ---- targets --------------------------------------------------------------------------------------

  /** Per-delivery server CPU goal for encrypted fan-out, µs. */
  private static final double DELIVERY_US_GOAL = 7;
  private static final double HANDSHAKE_US_GOAL = 450;
  private static final double RSS_KIB_GOAL = 12;
  private static final int RSS_AT = 19_500;
  private static final double WEBFLOW_RATE_GOAL = 1.5;
  private static final double WEBFLOW_CPU_GOAL = 0.4;
  private static final double CLUSTER_CPU_GOAL = 1.15;
  private static final double CLUSTER_P50_GOAL_MS = 1;
  /** "Must not grow": a ratio within the run-to-run noise of this machine (about ±8 %) counts as flat. */
  private static final double FLAT_GOAL = 1.10;

  private void targets() {
    md.append("## Targets\n\nEach measured against its baseline in this run. Where rounds alternate, the ratio is")
        .append(" given per round as min–max and the target must hold in every round.\n\n")
        .append("| target | measured (this run) | baseline (same run) | ratio | goal | status |\n|---|---|---|---|---|---|\n");
    JsonObject enc = fanoutAt("encrypted");
    JsonObject sio = enc == null ? null : find(r -> isFanout(r, "socketio") && r.getInteger("clients").equals(enc.getInteger("clients")));
    String at = enc == null ? "" : ", " + enc.getInteger("clients") + " clients";
    Double encRate = dps(enc);
    Double sioRate = dps(sio);
    target("fan-out deliveries/s, encrypted vs Socket.IO" + at, big(encRate) + "/s", sioRate == null ? "—" : "Socket.IO " + big(sioRate) + "/s",
        encRate, sioRate, 1.0, true);
    Double encCpu = num(enc, "saturation", "serverUsPerDelivery");
    Double sioCpu = num(sio, "saturation", "serverUsPerDelivery");
    target("server CPU per delivery, encrypted vs Socket.IO" + at, us(encCpu), sioCpu == null ? "—" : "Socket.IO " + us(sioCpu),
        encCpu, sioCpu, 1.0, false);
    target("server CPU per encrypted delivery" + at, us(encCpu), "goal " + us(DELIVERY_US_GOAL), encCpu, DELIVERY_US_GOAL, 1.0, false);
    outsideJit("server CPU per encrypted delivery outside the JIT threads" + at, encCpu, num(enc, "saturation", "serverJitUsPerDelivery"),
        DELIVERY_US_GOAL, "goal " + us(DELIVERY_US_GOAL));
    JsonObject hs = find(r -> "handshake".equals(r.getString("scenario")) && "signal".equals(r.getString("target")));
    JsonObject hsSio = find(r -> "handshake".equals(r.getString("scenario")) && "socketio".equals(r.getString("target")));
    JsonObject rawCrypto = find(r -> "handshake".equals(r.getString("scenario")) && "crypto".equals(r.getString("target")));
    Double hsCpu = perUnit(hs, "handshakes", "serverUsPerHandshake");
    target("server CPU per handshake (JWT + P-256 ECDH + HKDF)", us(hsCpu),
        "goal " + us(HANDSHAKE_US_GOAL) + "; raw crypto " + us(num(rawCrypto, "usPerHandshake")) + ", Socket.IO (no auth) "
            + us(perUnit(hsSio, "handshakes", "serverUsPerHandshake")), hsCpu, HANDSHAKE_US_GOAL, 1.0, false);
    outsideJit("server CPU per handshake outside the JIT threads", hsCpu, perUnit(hs, "handshakes", "serverJitUsPerHandshake"),
        HANDSHAKE_US_GOAL, "goal " + us(HANDSHAKE_US_GOAL));
    JsonObject conn = find(r -> "connections".equals(r.getString("scenario")) && "signal".equals(r.getString("target")));
    JsonObject connSio = find(r -> "connections".equals(r.getString("scenario")) && "socketio".equals(r.getString("target")));
    Double rss = num(conn, "rssPerConnectionKiB");
    long held = conn == null ? 0 : conn.getLong("alive", 0L);
    target("RSS per idle authenticated Signal connection, " + String.format(Locale.ROOT, "%,d", held) + " held"
            + (held > 0 && held < RSS_AT ? " (goal is judged at 19,500)" : ""),
        kib(rss) + " (marginal " + kib(num(conn, "marginalRssPerConnectionKiB")) + ")",
        "goal " + kib(RSS_KIB_GOAL) + "; Socket.IO " + kib(num(connSio, "rssPerConnectionKiB")), rss, RSS_KIB_GOAL, 1.0, false,
        held >= RSS_AT);
    Double live = num(conn, "liveHeapPerConnectionKiB");
    md.append("| live heap per idle authenticated connection (class histogram after a full GC) | ").append(kib(live))
        .append(" | heap in use after GC.run: ").append(kib(num(conn, "heapPerConnectionKiB"))).append(" | — | reported | — |\n");
    Double p999 = num(enc, "latency", "p999");
    Double sioP999 = num(sio, "latency", "p999");
    target("p99.9 publish → receive at 50 % load, encrypted vs Socket.IO" + at, ms(p999), sioP999 == null ? "—" : "Socket.IO " + ms(sioP999),
        p999, sioP999, 1.0, false);
    for (String ingress : List.of("rest", "batch", "bus")) {
      webflowTargets(ingress);
    }
    JsonObject one = find(r -> "cluster-1node.json".equals(r.getString("_file")));
    JsonObject three = find(r -> "cluster-3nodes.json".equals(r.getString("_file")));
    Double cpu1 = num(one, "saturation", "serverUsPerDelivery");
    Double cpu3 = num(three, "saturation", "serverUsPerDelivery");
    target("3-node cluster: server CPU per delivery (all nodes) vs one node", us(cpu3), cpu1 == null ? "—" : "one node " + us(cpu1),
        cpu3, cpu1, CLUSTER_CPU_GOAL, false);
    Double jit1 = num(one, "saturation", "serverJitUsPerDelivery");
    Double steady1 = cpu1 == null || jit1 == null ? null : cpu1 - jit1;
    outsideJit("3-node cluster: server CPU per delivery outside the JIT threads vs one node's", cpu3,
        num(three, "saturation", "serverJitUsPerDelivery"), steady1, "one node " + us(steady1));
    Double p50one = num(one, "latency", "p50");
    Double p50three = num(three, "latency", "p50");
    Double added = p50one == null || p50three == null ? null : p50three - p50one;
    md.append("| 3-node cluster: p50 added over one node, same rate | ").append(ms(p50three)).append(" | one node ")
        .append(ms(p50one)).append(" | ").append(added == null ? "—" : (added >= 0 ? "+" : "−") + ms(Math.abs(added))).append(" | ≤ +").append(fmt(CLUSTER_P50_GOAL_MS))
        .append(" ms | ").append(status(added == null ? null : added <= CLUSTER_P50_GOAL_MS)).append(" |\n");
    scalingTargets();
    md.append("\n");
  }

  /** Web Flow ÷ RabbitMQ per round for one ingress: notifications/s and server CPU per notification. */
  private void webflowTargets(String ingress) {
    List<JsonObject> rounds = all(r -> webflowRound(r, ingress) > 0);
    if (rounds.isEmpty()) {
      return;
    }
    String label = switch (ingress) {
      case "rest" -> "REST, one notification per request";
      case "batch" -> "REST batch";
      default -> "event bus";
    };
    String unavailable = rounds.stream().map(r -> r.getString("notAvailable")).filter(Objects::nonNull).findFirst().orElse(null);
    if (unavailable != null) {
      md.append("| Web Flow (").append(label).append(") vs RabbitMQ Web-STOMP, notifications/s | not available | — | — | ≥ ")
          .append(WEBFLOW_RATE_GOAL).append("× every round | not available: ").append(unavailable.replace('|', '/')).append(" |\n");
      return;
    }
    List<Double> rate = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    List<Double> theirs = new ArrayList<>();
    List<Double> oursCpu = new ArrayList<>();
    List<Double> theirsCpu = new ArrayList<>();
    for (JsonObject r : rounds) {
      int round = webflowRound(r, ingress);
      JsonObject rabbit = find(x -> webflowRound(x, "rabbitmq") == round);
      ours.add(dps(r));
      theirs.add(dps(rabbit));
      oursCpu.add(num(r, "saturation", "serverUsPerDelivery"));
      theirsCpu.add(num(rabbit, "saturation", "serverUsPerDelivery"));
      rate.add(divide(dps(r), dps(rabbit)));
      cpu.add(divide(num(r, "saturation", "serverUsPerDelivery"), num(rabbit, "saturation", "serverUsPerDelivery")));
    }
    spreadRow("Web Flow (" + label + ") vs RabbitMQ Web-STOMP, notifications/s, " + rounds.size() + " rounds",
        range(ours, "/s"), "RabbitMQ " + range(theirs, "/s"), rate, WEBFLOW_RATE_GOAL, true);
    spreadRow("Web Flow (" + label + ") vs RabbitMQ, server CPU per notification, " + rounds.size() + " rounds",
        range(oursCpu, " µs"), "RabbitMQ " + range(theirsCpu, " µs"), cpu, WEBFLOW_CPU_GOAL, false);
  }

  /** The round of a Web Flow result file of this ingress ({@code webflow-r<round>-<ingress>.json}), or 0. */
  private static int webflowRound(JsonObject r, String ingress) {
    String file = r.getString("_file", "");
    if (!file.startsWith("webflow-r") || !file.endsWith("-" + ingress + ".json")) {
      return 0;
    }
    try {
      return Integer.parseInt(file.substring("webflow-r".length(), file.indexOf('-', "webflow-r".length())));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** instances=2 ÷ instances=1 per round: throughput, and server CPU per unit of work. */
  private void scalingTargets() {
    for (String kind : List.of("fanout", "handshake")) {
      List<Double> rate = new ArrayList<>();
      List<Double> cpu = new ArrayList<>();
      List<Double> rate1 = new ArrayList<>();
      List<Double> rate2 = new ArrayList<>();
      for (int round = 1; round < 100; round++) {
        JsonObject a = find(scalingFile(round, kind, 1));
        JsonObject b = find(scalingFile(round, kind, 2));
        if (a == null || b == null) {
          break;
        }
        rate1.add(scalingRate(a, kind));
        rate2.add(scalingRate(b, kind));
        rate.add(divide(scalingRate(b, kind), scalingRate(a, kind)));
        cpu.add(divide(scalingCpu(b, kind), scalingCpu(a, kind)));
      }
      if (rate.isEmpty()) {
        continue;
      }
      String what = kind.equals("fanout") ? "fan-out deliveries/s" : "handshakes/s";
      spreadRow("scaling: " + what + ", instances=2 vs instances=1, " + rate.size() + " rounds", range(rate2, "/s"),
          "instances=1 " + range(rate1, "/s"), rate, 1.0, true);
      spreadRow("scaling: server CPU per " + (kind.equals("fanout") ? "delivery" : "handshake")
          + ", instances=2 vs instances=1 (must not grow)", "", "", cpu, FLAT_GOAL, false);
    }
  }

  private static Predicate<JsonObject> scalingFile(int round, String kind, int instances) {
    String name = "scaling-r" + round + "-" + kind + "-i" + instances + ".json";
    return r -> name.equals(r.getString("_file"));
  }

  private static Double scalingRate(JsonObject r, String kind) {
    return kind.equals("fanout") ? dps(r) : num(r, "handshakesPerSecond");
  }

  private static Double scalingCpu(JsonObject r, String kind) {
    return kind.equals("fanout") ? num(r, "saturation", "serverUsPerDelivery") : perUnit(r, "handshakes", "serverUsPerHandshake");
  }

  /** A per-unit figure, or null when the run did no unit of work (a 0 there means "not measured"). */
  private static Double perUnit(JsonObject r, String units, String field) {
    Double n = num(r, units);
    return n == null || n <= 0 ? null : num(r, field);
  }

  /**
   * One target row: {@code value ÷ baseline} against {@code goal}, at least the goal when {@code higherIsBetter}
   * else at most.
   */
  private void target(String what, String measured, String baseline, Double value, Double base, double goal,
                      boolean higherIsBetter) {
    target(what, measured, baseline, value, base, goal, higherIsBetter, true);
  }

  private void target(String what, String measured, String baseline, Double value, Double base, double goal,
                      boolean higherIsBetter, boolean judged) {
    Double ratio = divide(value, base);
    Boolean met = ratio == null ? null : higherIsBetter ? ratio >= goal : ratio <= goal;
    md.append("| ").append(what).append(" | ").append(measured).append(" | ").append(baseline).append(" | ")
        .append(ratio == null ? "—" : String.format(Locale.ROOT, "%.2f×", ratio)).append(" | ")
        .append(higherIsBetter ? "≥ " : "≤ ").append(String.format(Locale.ROOT, "%.2f×", goal)).append(" | ")
        .append(judged ? status(met) : "not judged (size below the target's)").append(" |\n");
  }

  /** A target over rounds: the ratio's min–max, met when every round meets the goal. */
  private void spreadRow(String what, String measured, String baseline, List<Double> ratios, double goal, boolean higherIsBetter) {
    List<Double> known = ratios.stream().filter(Objects::nonNull).toList();
    Boolean met = known.isEmpty() || known.size() < ratios.size() ? null
        : known.stream().allMatch(x -> higherIsBetter ? x >= goal : x <= goal);
    String spread = known.isEmpty() ? "—" : known.size() == 1 ? String.format(Locale.ROOT, "%.2f×", known.get(0))
        : String.format(Locale.ROOT, "%.2f–%.2f×", known.stream().min(Double::compare).get(), known.stream().max(Double::compare).get());
    md.append("| ").append(what).append(" | ").append(measured.isEmpty() ? "—" : measured).append(" | ")
        .append(baseline.isEmpty() ? "—" : baseline).append(" | ").append(spread).append(" | ")
        .append(higherIsBetter ? "≥ " : "≤ ").append(String.format(Locale.ROOT, "%.2f×", goal)).append(" | ")
        .append(status(met)).append(" |\n");
  }

  private static String range(List<Double> values, String unit) {
    List<Double> known = values.stream().filter(Objects::nonNull).toList();
    if (known.isEmpty()) {
      return "—";
    }
    double lo = known.stream().min(Double::compare).get();
    double hi = known.stream().max(Double::compare).get();
    boolean integers = hi >= 100;
    return (integers ? big(lo) : fmt(lo)) + (known.size() > 1 ? "–" + (integers ? big(hi) : fmt(hi)) : "") + unit;
  }

  private static String status(Boolean met) {
    return met == null ? "not measured" : met ? "met" : "**missed**";
  }

  private static Double divide(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : a / b;
  }

  private static String us(Double v) {
    return v == null ? "—" : fmt(v) + " µs";
  }

  private static String ms(Double v) {
    return v == null ? "—" : fmt(v) + " ms";
  }

  private static String kib(Double v) {
    return v == null ? "—" : fmt(v) + " KiB";
  }

  /** The encrypted fanout run at 5k clients, else the largest below that, else any. */
  private JsonObject fanoutAt(String kind) {
    List<JsonObject> runs = all(r -> isFanout(r, kind));
    return runs.stream().filter(r -> r.getInteger("clients") <= 5000).max(Comparator.comparing(r -> r.getInteger("clients")))
        .orElse(runs.isEmpty() ? null : runs.get(0));
  }

  private static boolean isFanout(JsonObject r, String kind) {
    return "fanout".equals(r.getString("scenario")) && r.getString("_file", "").startsWith("fanout-" + kind + "-");
  }

  // ---- scenarios ------------------------------------------------------------------------------------

  private void fanout() throws IOException {
    List<JsonObject> runs = all(r -> "fanout".equals(r.getString("scenario")) && r.getString("_file", "").startsWith("fanout-"));
    if (runs.isEmpty()) {
      return;
    }
    md.append("## fanout — one room, 200-byte messages\n\n")
        .append("Deliveries/s at saturation (at most 4 broadcasts outstanding), then latency from publish (REST/HTTP POST) to")
        .append(" receipt at 50 % of that rate.\n\n")
        .append("| target | clients | deliveries/s | server µs CPU / delivery (of which JIT) | generator µs / delivery | rate (msg/s) | p50 ms | p99 ms | p99.9 ms | lost | closed |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    runs.sort(Comparator.comparing((JsonObject r) -> r.getInteger("clients")).thenComparing(r -> r.getString("_file")));
    for (JsonObject r : runs) {
      fanoutRow(r);
    }
    List<Integer> sizes = runs.stream().map(r -> r.getInteger("clients")).distinct().sorted().toList();
    md.append("\n");
    for (Integer n : sizes) {
      Double enc = dps(find(r -> isFanout(r, "encrypted") && r.getInteger("clients").intValue() == n.intValue()));
      Double plain = dps(find(r -> isFanout(r, "plaintext") && r.getInteger("clients").intValue() == n.intValue()));
      Double sio = dps(find(r -> isFanout(r, "socketio") && r.getInteger("clients").intValue() == n.intValue()));
      md.append("- ").append(n).append(" clients: encrypted ÷ Socket.IO = ").append(ratio(enc, sio))
          .append(", encrypted ÷ plaintext = ").append(ratio(enc, plain)).append("\n");
    }
    List<String> categories = sizes.stream().map(n -> n + " clients").toList();
    Map<String, List<Double>> throughput = new LinkedHashMap<>();
    Map<String, List<Double>> p99 = new LinkedHashMap<>();
    for (String kind : List.of("encrypted", "plaintext", "socketio")) {
      String label = runs.stream().filter(r -> isFanout(r, kind)).map(r -> r.getString("label")).findFirst().orElse(null);
      if (label == null) {
        continue;
      }
      throughput.put(label, sizes.stream().map(n -> dps(find(r -> isFanout(r, kind) && r.getInteger("clients").intValue() == n.intValue()))).toList());
      p99.put(label, sizes.stream().map(n -> num(find(r -> isFanout(r, kind) && r.getInteger("clients").intValue() == n.intValue()), "latency", "p99")).toList());
    }
    chart("fanout", List.of(Charts.bars("fanout: deliveries/s at saturation", "deliveries/s", categories, throughput),
        Charts.bars("fanout: p99 latency at 50 % load", "ms", categories, p99)));
  }

  /** A server CPU figure with the part its JIT compiler threads took, when the run recorded it. */
  private static String cpuCell(Double total, Double jit) {
    // a server that is not a JVM has no HotSpot compiler threads: nothing to split off
    return jit == null || total == null || jit <= 0 ? fmt(total) : fmt(total) + " (" + fmt(jit) + ")";
  }

  /**
   * A row that reports a CPU target without the servers' JIT compiler threads: what the same work costs once
   * the JIT has settled. Reported beside the judged row, never judged itself.
   */
  private void outsideJit(String what, Double total, Double jit, Double base, String baseline) {
    if (total == null || jit == null || jit <= 0) {
      return;
    }
    double steady = total - jit;
    md.append("| ").append(what).append(" | ").append(us(steady)).append(" | ").append(baseline).append(" | ")
        .append(base == null ? "—" : ratio(steady, base)).append(" | reported | — |\n");
  }

  private void fanoutRow(JsonObject r) {
    JsonObject lat = r.getJsonObject("latency", new JsonObject());
    long lost = lat.getLong("expected", 0L) - lat.getLong("count", 0L);
    md.append("| ").append(r.getString("label")).append(" | ").append(r.getInteger("clients"))
        .append(r.getInteger("connected", 0) < r.getInteger("clients") ? " (" + r.getInteger("connected", 0) + " connected)" : "")
        .append(" | ").append(big(dps(r)))
        .append(" | ").append(cpuCell(num(r, "saturation", "serverUsPerDelivery"), num(r, "saturation", "serverJitUsPerDelivery")))
        .append(" | ").append(fmt(num(r, "saturation", "generatorUsPerDelivery")))
        .append(" | ").append(fmt(num(r, "latency", "publishRate")))
        .append(" | ").append(fmt(num(r, "latency", "p50")))
        .append(" | ").append(fmt(num(r, "latency", "p99")))
        .append(" | ").append(fmt(num(r, "latency", "p999")))
        .append(" | ").append(lat.isEmpty() ? "—" : Long.toString(Math.max(0, lost)))
        .append(" | ").append(closes(r)).append(" |\n");
    if (r.getString("error") != null) {
      md.append("| ↳ error: ").append(r.getString("error").replace('|', '/')).append(" |||||||||||\n");
    }
  }

  private void connections() throws IOException {
    List<JsonObject> runs = all(r -> "connections".equals(r.getString("scenario")));
    if (runs.isEmpty()) {
      return;
    }
    md.append("\n## connections — idle authenticated connections held\n\n")
        .append("Server memory after a full GC (Switchboard: heap and JVM direct buffers from its own /metrics; every server: RSS), ")
        .append("difference between before connecting and after, divided by the connections alive.\n\n")
        .append("| target | connections | live heap KiB / conn (histogram) | heap KiB / conn | direct KiB / conn | RSS KiB / conn | marginal RSS KiB / conn (2nd half) | connects/s | server µs CPU / connect |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    for (JsonObject r : runs) {
      md.append("| ").append(r.getString("label")).append(" | ").append(r.getLong("alive", 0L))
          .append(r.getInteger("connectFailures", 0) > 0 ? " (" + r.getInteger("connectFailures") + " failed)" : "")
          .append(" | ").append(fmt(num(r, "liveHeapPerConnectionKiB")))
          .append(" | ").append(fmt(num(r, "heapPerConnectionKiB"))).append(" | ").append(fmt(num(r, "directPerConnectionKiB")))
          .append(" | ").append(fmt(num(r, "rssPerConnectionKiB"))).append(" | ").append(fmt(num(r, "marginalRssPerConnectionKiB")))
          .append(" | ").append(big(num(r, "connectsPerSecond")))
          .append(" | ").append(fmt(num(r, "serverUsPerConnect"))).append(" |\n");
    }
    for (JsonObject r : runs) {
      if (r.getJsonArray("heapByClass") == null) {
        continue;
      }
      md.append("\nWhere the live heap of one ").append(r.getString("label"))
          .append(" connection goes (class histogram after N connections minus before, ÷ N; largest first):\n\n")
          .append("| class | bytes / conn | instances / conn |\n|---|---|---|\n");
      for (Object o : r.getJsonArray("heapByClass")) {
        JsonObject c = (JsonObject) o;
        md.append("| `").append(c.getString("class")).append("` | ").append(fmt(num(c, "bytesPerConnection")))
            .append(" | ").append(fmt(num(c, "instancesPerConnection"))).append(" |\n");
      }
    }
    List<String> categories = runs.stream().map(r -> r.getString("label")).toList();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("heap", runs.stream().map(r -> num(r, "heapPerConnectionKiB")).toList());
    series.put("direct", runs.stream().map(r -> num(r, "directPerConnectionKiB")).toList());
    series.put("RSS", runs.stream().map(r -> num(r, "rssPerConnectionKiB")).toList());
    chart("connections", List.of(Charts.bars("memory per idle connection", "KiB", categories, series)));
  }

  private void handshake() throws IOException {
    List<JsonObject> runs = all(r -> "handshake".equals(r.getString("scenario")));
    if (runs.isEmpty()) {
      return;
    }
    md.append("\n## handshake — connect, authenticate, close\n\n")
        .append("| target | handshakes/s | server µs CPU / handshake (of which JIT) | generator µs / handshake | p50 ms | p99 ms | failures |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (JsonObject r : runs) {
      if ("crypto".equals(r.getString("target"))) {
        continue;
      }
      md.append("| ").append(r.getString("label")).append(" | ").append(big(num(r, "handshakesPerSecond")))
          .append(" | ").append(cpuCell(num(r, "serverUsPerHandshake"), num(r, "serverJitUsPerHandshake")))
          .append(" | ").append(fmt(num(r, "generatorUsPerHandshake")))
          .append(" | ").append(fmt(num(r, "latency", "p50"))).append(" | ").append(fmt(num(r, "latency", "p99")))
          .append(" | ").append(r.getLong("failures", 0L)).append(" |\n");
    }
    JsonObject raw = find(r -> "crypto".equals(r.getString("target")));
    if (raw != null) {
      JsonObject parts = raw.getJsonObject("parts", new JsonObject());
      md.append("| raw crypto, 1 thread (").append(raw.getString("method")).append(") | ")
          .append(big(num(raw, "handshakesPerSecond"))).append(" | ").append(fmt(num(raw, "usPerHandshake")))
          .append(" (keygen ").append(fmt(num(parts, "keygenUs"))).append(", ECDH ").append(fmt(num(parts, "ecdhUs")))
          .append(", HKDF ").append(fmt(num(parts, "hkdfUs"))).append(", JWT ").append(fmt(num(parts, "jwtVerifyUs")))
          .append(") | — | — | — | — |\n");
      JsonObject hs = find(r -> "signal".equals(r.getString("target")) && "handshake".equals(r.getString("scenario")));
      if (hs != null) {
        md.append("\nServer CPU per Switchboard handshake ÷ raw crypto per handshake: ")
            .append(ratio(num(hs, "serverUsPerHandshake"), num(raw, "usPerHandshake")))
            .append(" (what the WebSocket upgrade, JSON, metrics and the session directory add to the crypto).\n");
      }
    }
    List<String> categories = runs.stream().map(r -> r.getString("label")).toList();
    chart("handshake", List.of(Charts.bars("handshakes per second", "handshakes/s", categories,
        Map.of("handshakes/s", runs.stream().map(r -> num(r, "handshakesPerSecond")).toList()))));
  }

  private void webflow() throws IOException {
    List<JsonObject> runs = all(r -> "webflow".equals(r.getString("scenario")));
    if (runs.isEmpty()) {
      return;
    }
    runs.sort(Comparator.comparing((JsonObject r) -> r.getString("_file")));
    md.append("\n## webflow — one notification to one of N registered STOMP sessions\n\n")
        .append("Rounds alternate the ingresses and RabbitMQ; all three servers stay up, only the measured one is driven.\n\n")
        .append("| run | target | ingress | sessions | notifications/s | server µs CPU / notification (of which JIT) | rate (msg/s) | p50 ms | p99 ms | p99.9 ms | lost |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (JsonObject r : runs) {
      JsonObject lat = r.getJsonObject("latency", new JsonObject());
      String run = r.getString("_file").replace("webflow-", "").replace(".json", "");
      if (r.getString("notAvailable") != null) {
        md.append("| ").append(run).append(" | ").append(r.getString("label")).append(" | ").append(r.getString("ingress", "—"))
            .append(" | — | not available: ").append(r.getString("notAvailable").replace('|', '/')).append(" ||||||\n");
        continue;
      }
      md.append("| ").append(run).append(" | ").append(r.getString("label")).append(" | ").append(r.getString("ingress", "—"))
          .append(r.getInteger("batch") != null ? " ×" + r.getInteger("batch") : "")
          .append(" | ").append(r.getInteger("connected", 0))
          .append(" | ").append(big(dps(r))).append(" | ")
          .append(cpuCell(num(r, "saturation", "serverUsPerDelivery"), num(r, "saturation", "serverJitUsPerDelivery")))
          .append(" | ").append(fmt(num(r, "latency", "publishRate"))).append(" | ").append(fmt(num(r, "latency", "p50")))
          .append(" | ").append(fmt(num(r, "latency", "p99"))).append(" | ").append(fmt(num(r, "latency", "p999")))
          .append(" | ").append(lat.isEmpty() ? "—" : Long.toString(Math.max(0, lat.getLong("expected", 0L) - lat.getLong("count", 0L))))
          .append(" |\n");
      if (r.getString("error") != null) {
        md.append("| ↳ error: ").append(r.getString("error").replace('|', '/')).append(" ||||||||||\n");
      }
    }
    List<JsonObject> measured = runs.stream().filter(r -> r.getString("notAvailable") == null).toList();
    List<String> categories = measured.stream().map(r -> r.getString("_file").replace("webflow-", "").replace(".json", "")).toList();
    chart("webflow", List.of(
        Charts.bars("notifications/s at saturation", "notifications/s", categories, Map.of("notifications/s", measured.stream().map(Report::dps).toList())),
        Charts.bars("server µs CPU per notification", "µs", categories, Map.of("µs", measured.stream().map(r -> num(r, "saturation", "serverUsPerDelivery")).toList()))));
  }

  private void scaling() throws IOException {
    List<JsonObject> runs = all(r -> r.getString("_file", "").startsWith("scaling-"));
    if (runs.isEmpty()) {
      return;
    }
    runs.sort(Comparator.comparing((JsonObject r) -> r.getString("_file")));
    md.append("\n## scaling — one Signal service with instances=1 and instances=2, alternating\n\n")
        .append("| run | clients / concurrency | per second | server µs CPU / unit (of which JIT) | p50 ms | p99 ms | p99.9 ms |\n|---|---|---|---|---|---|---|\n");
    for (JsonObject r : runs) {
      boolean fan = "fanout".equals(r.getString("scenario"));
      md.append("| ").append(r.getString("_file").replace("scaling-", "").replace(".json", "")).append(" | ")
          .append(fan ? r.getInteger("connected", 0) : r.getInteger("concurrency", 0)).append(" | ")
          .append(big(fan ? dps(r) : num(r, "handshakesPerSecond"))).append(fan ? " deliveries" : " handshakes").append(" | ")
          .append(fan ? cpuCell(num(r, "saturation", "serverUsPerDelivery"), num(r, "saturation", "serverJitUsPerDelivery"))
              : cpuCell(num(r, "serverUsPerHandshake"), num(r, "serverJitUsPerHandshake"))).append(" | ")
          .append(fmt(num(r, "latency", "p50"))).append(" | ").append(fmt(num(r, "latency", "p99"))).append(" | ")
          .append(fmt(num(r, "latency", "p999"))).append(" |\n");
    }
  }

  private void wallet() throws IOException {
    List<JsonObject> runs = all(r -> "wallet".equals(r.getString("scenario")));
    if (runs.isEmpty()) {
      return;
    }
    md.append("\n## wallet — EIP-712 signed GET_BALANCE\n\n")
        .append("| what | per second | µs each | notes |\n|---|---|---|---|\n");
    List<String> categories = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (JsonObject r : runs) {
      String target = r.getString("target");
      Double perSecond = "switchboard".equals(target) ? num(r, "saturation", "deliveriesPerSecond") : num(r, "verificationsPerSecond");
      Double each = "switchboard".equals(target) ? num(r, "saturation", "serverUsPerDelivery") : num(r, "usPerVerification");
      String notes = "switchboard".equals(target)
          ? r.getInteger("connected", 0) + " connections; µs = server CPU per round trip; p50 "
          + fmt(num(r, "latency", "p50")) + " ms, p99 " + fmt(num(r, "latency", "p99")) + " ms (closed loop, at saturation)"
          : r.getString("method", "");
      md.append("| ").append(r.getString("label")).append(" | ").append(big(perSecond)).append(" | ").append(fmt(each))
          .append(" | ").append(notes).append(" |\n");
      categories.add(r.getString("label"));
      values.add(perSecond);
    }
    chart("wallet", List.of(Charts.bars("signed messages per second", "per second", categories, Map.of("per second", values))));
  }

  private void cluster() throws IOException {
    JsonObject one = find(r -> "cluster-1node.json".equals(r.getString("_file")));
    JsonObject three = find(r -> "cluster-3nodes.json".equals(r.getString("_file")));
    if (one == null && three == null) {
      return;
    }
    md.append("\n## cluster — fanout over 3 Hazelcast nodes, publisher on node 1\n\n")
        .append("Latency of both runs at the same rate (50 % of the single node's saturation).\n\n")
        .append("| target | clients | deliveries/s | server µs CPU / delivery, all nodes (of which JIT) | rate (msg/s) | p50 ms | p99 ms | lost | closed |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    List<JsonObject> runs = Stream.of(one, three).filter(Objects::nonNull).toList();
    for (JsonObject r : runs) {
      JsonObject lat = r.getJsonObject("latency", new JsonObject());
      md.append("| ").append(r.getString("label")).append(" | ").append(r.getInteger("connected", 0))
          .append(" | ").append(big(dps(r))).append(" | ")
          .append(cpuCell(num(r, "saturation", "serverUsPerDelivery"), num(r, "saturation", "serverJitUsPerDelivery")))
          .append(" | ").append(fmt(num(r, "latency", "publishRate"))).append(" | ").append(fmt(num(r, "latency", "p50")))
          .append(" | ").append(fmt(num(r, "latency", "p99")))
          .append(" | ").append(lat.isEmpty() ? "—" : Long.toString(Math.max(0, lat.getLong("expected", 0L) - lat.getLong("count", 0L))))
          .append(" | ").append(closes(r)).append(" |\n");
    }
    List<String> categories = runs.stream().map(r -> r.getString("label")).toList();
    chart("cluster", List.of(
        Charts.bars("deliveries/s at saturation", "deliveries/s", categories, Map.of("deliveries/s", runs.stream().map(Report::dps).toList())),
        Charts.bars("p50 latency, same rate", "ms", categories, Map.of("p50", runs.stream().map(r -> num(r, "latency", "p50")).toList()))));
  }

  private void profiles() {
    List<JsonObject> runs = all(r -> "profile".equals(r.getString("scenario")));
    if (runs.isEmpty()) {
      return;
    }
    md.append("\n## profiles — where each Switchboard server's CPU samples went (JFR, whole run of that server)\n\n")
        .append("| server | samples | top methods, self (% of samples) | threads (%) |\n|---|---|---|---|\n");
    for (JsonObject r : runs) {
      md.append("| ").append(r.getString("label")).append(" | ").append(r.getLong("samples", 0L)).append(" | ")
          .append(shareList(r.getJsonArray("self"), 8)).append(" | ").append(shareList(r.getJsonArray("threads"), 4)).append(" |\n");
    }
  }

  private static String shareList(io.vertx.core.json.JsonArray shares, int limit) {
    if (shares == null) {
      return "—";
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, shares.size()); i++) {
      JsonObject o = shares.getJsonObject(i);
      parts.add("`" + o.getString("name") + "` " + fmt(num(o, "percent")));
    }
    return String.join(", ", parts);
  }

  private void notes() throws IOException {
    if (notes == null || !Files.exists(notes) || Files.readString(notes).isBlank()) {
      return;
    }
    md.append("\n## Notes from the run\n\n");
    for (String line : Files.readAllLines(notes)) {
      if (!line.isBlank()) {
        md.append("- ").append(line).append("\n");
      }
    }
  }

  private void chart(String name, List<CategoryChart> list) throws IOException {
    Path png = charts.resolve(name + ".png");
    Charts.save(png, list);
    Path rel = out.toAbsolutePath().getParent().relativize(png.toAbsolutePath());
    md.append("\n![").append(name).append("](").append(rel.toString().replace('\\', '/')).append(")\n");
  }

  // ---- lookups and formatting -----------------------------------------------------------------------

  private JsonObject find(Predicate<JsonObject> p) {
    return results.stream().filter(p).findFirst().orElse(null);
  }

  private List<JsonObject> all(Predicate<JsonObject> p) {
    return new ArrayList<>(results.stream().filter(p).toList());
  }

  private static Double dps(JsonObject r) {
    return r == null ? null : num(r, "saturation", "deliveriesPerSecond");
  }

  /** A number at a path of members, or null. */
  static Double num(JsonObject r, String... path) {
    if (r == null) {
      return null;
    }
    JsonObject o = r;
    for (int i = 0; i < path.length - 1; i++) {
      Object next = o.getValue(path[i]);
      if (!(next instanceof JsonObject j)) {
        return null;
      }
      o = j;
    }
    return o.getValue(path[path.length - 1]) instanceof Number n ? n.doubleValue() : null;
  }

  private static String closes(JsonObject r) {
    JsonObject c = r.getJsonObject("closes", new JsonObject());
    if (c.isEmpty()) {
      return "0";
    }
    List<String> parts = new ArrayList<>();
    c.forEach(e -> parts.add(e.getValue() + "×" + e.getKey()));
    return String.join(", ", parts);
  }

  private static String ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? "—" : String.format(Locale.ROOT, "%.2f×", a / b);
  }

  private static String fmt(Double v) {
    return v == null ? "—" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
  }

  private static String big(Double v) {
    return v == null ? "—" : String.format(Locale.ROOT, "%,d", Math.round(v));
  }

}
