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
        .append("), ").append(Math.round(memTotalGiB())).append(" GiB, Java ").append(System.getProperty("java.version"))
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

  private void targets() {
    md.append("## Targets\n\n| target | measured | goal | status |\n|---|---|---|---|\n");
    JsonObject enc = fanoutAt("encrypted");
    JsonObject plain = enc == null ? null : find(r -> isFanout(r, "plaintext") && r.getInteger("clients").equals(enc.getInteger("clients")));
    JsonObject sio = enc == null ? null : find(r -> isFanout(r, "socketio") && r.getInteger("clients").equals(enc.getInteger("clients")));
    String at = enc == null ? "" : " at " + enc.getInteger("clients") + " clients";
    ratioRow("fanout encrypted ÷ Socket.IO deliveries/s" + at, dps(enc), dps(sio), 1.5);
    ratioRow("fanout encrypted ÷ Switchboard plaintext deliveries/s" + at, dps(enc), dps(plain), 0.7);
    Double p99 = enc == null ? null : num(enc, "latency", "p99");
    row("fanout encrypted p99 at 50 % load" + at, p99 == null ? "—" : fmt(p99) + " ms", "≤ 5 ms", p99 == null ? null : p99 <= 5);
    JsonObject conn = find(r -> "connections".equals(r.getString("scenario")) && "signal".equals(r.getString("target")));
    Double heap = conn == null ? null : num(conn, "heapPerConnectionKiB");
    Double direct = conn == null ? null : num(conn, "directPerConnectionKiB");
    Double mem = heap == null ? null : heap + (direct == null ? 0 : Math.max(0, direct));
    row("memory per idle authenticated connection (heap + direct)" + (conn == null ? "" : " at " + conn.getLong("alive")),
        mem == null ? "—" : fmt(mem * 1.024) + " KB (RSS " + fmt(num(conn, "rssPerConnectionKiB") * 1.024) + " KB)",
        "≤ 12 KB", mem == null ? null : mem * 1.024 <= 12);
    JsonObject hs = find(r -> "handshake".equals(r.getString("scenario")) && "signal".equals(r.getString("target")));
    JsonObject raw = find(r -> "handshake".equals(r.getString("scenario")) && "crypto".equals(r.getString("target")));
    ratioRow("handshakes/s ÷ raw-crypto rate (1 thread)", num(hs, "handshakesPerSecond"), num(raw, "handshakesPerSecond"), 0.8);
    JsonObject wf = find(r -> "webflow".equals(r.getString("scenario")) && "webflow".equals(r.getString("target")));
    JsonObject rb = find(r -> "webflow".equals(r.getString("scenario")) && "rabbitmq".equals(r.getString("target")));
    ratioRow("webflow ÷ RabbitMQ Web-STOMP notifications/s", dps(wf), dps(rb), 2.0);
    JsonObject wallet = find(r -> "wallet".equals(r.getString("scenario")) && "switchboard".equals(r.getString("target")));
    JsonObject ethers = find(r -> "wallet".equals(r.getString("scenario")) && "ethers".equals(r.getString("target")));
    ratioRow("wallet GET_BALANCE round trips/s ÷ ethers verifyTypedData/s", num(wallet, "saturation", "deliveriesPerSecond"),
        num(ethers, "verificationsPerSecond"), 5.0);
    JsonObject one = find(r -> "cluster-1node.json".equals(r.getString("_file")));
    JsonObject three = find(r -> "cluster-3nodes.json".equals(r.getString("_file")));
    Double added = one == null || three == null || num(one, "latency", "p50") == null || num(three, "latency", "p50") == null
        ? null : num(three, "latency", "p50") - num(one, "latency", "p50");
    row("cluster: p50 added over one node (same rate)", added == null ? "—" : fmt(added) + " ms", "≤ 1 ms",
        added == null ? null : added <= 1);
    md.append("\n");
  }

  private void ratioRow(String what, Double a, Double b, double goal) {
    if (a == null || b == null || b == 0) {
      row(what, "—", "≥ " + goal + "×", null);
      return;
    }
    double ratio = a / b;
    row(what, String.format(Locale.ROOT, "%.2f× (%s vs %s)", ratio, big(a), big(b)), "≥ " + goal + "×", ratio >= goal);
  }

  private void row(String what, String measured, String goal, Boolean met) {
    md.append("| ").append(what).append(" | ").append(measured).append(" | ").append(goal).append(" | ")
        .append(met == null ? "not measured" : met ? "met" : "**missed**").append(" |\n");
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
        .append("| target | clients | deliveries/s | server µs CPU / delivery | generator µs / delivery | rate (msg/s) | p50 ms | p99 ms | p99.9 ms | lost | closed |\n")
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

  private void fanoutRow(JsonObject r) {
    JsonObject lat = r.getJsonObject("latency", new JsonObject());
    long lost = lat.getLong("expected", 0L) - lat.getLong("count", 0L);
    md.append("| ").append(r.getString("label")).append(" | ").append(r.getInteger("clients"))
        .append(r.getInteger("connected", 0) < r.getInteger("clients") ? " (" + r.getInteger("connected", 0) + " connected)" : "")
        .append(" | ").append(big(dps(r)))
        .append(" | ").append(fmt(num(r, "saturation", "serverUsPerDelivery")))
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
        .append("| target | connections | heap KiB / conn | direct KiB / conn | RSS KiB / conn | connects/s | server µs CPU / connect |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (JsonObject r : runs) {
      md.append("| ").append(r.getString("label")).append(" | ").append(r.getLong("alive", 0L))
          .append(r.getInteger("connectFailures", 0) > 0 ? " (" + r.getInteger("connectFailures") + " failed)" : "")
          .append(" | ").append(fmt(num(r, "heapPerConnectionKiB"))).append(" | ").append(fmt(num(r, "directPerConnectionKiB")))
          .append(" | ").append(fmt(num(r, "rssPerConnectionKiB"))).append(" | ").append(big(num(r, "connectsPerSecond")))
          .append(" | ").append(fmt(num(r, "serverUsPerConnect"))).append(" |\n");
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
        .append("| target | handshakes/s | server µs CPU / handshake | generator µs / handshake | p50 ms | p99 ms | failures |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (JsonObject r : runs) {
      if ("crypto".equals(r.getString("target"))) {
        continue;
      }
      md.append("| ").append(r.getString("label")).append(" | ").append(big(num(r, "handshakesPerSecond")))
          .append(" | ").append(fmt(num(r, "serverUsPerHandshake"))).append(" | ").append(fmt(num(r, "generatorUsPerHandshake")))
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
    md.append("\n## webflow — one notification to one of N registered STOMP sessions\n\n")
        .append("| target | sessions | notifications/s | server µs CPU / notification | rate (msg/s) | p50 ms | p99 ms | p99.9 ms | lost |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    for (JsonObject r : runs) {
      JsonObject lat = r.getJsonObject("latency", new JsonObject());
      md.append("| ").append(r.getString("label")).append(" | ").append(r.getInteger("connected", 0))
          .append(" | ").append(big(dps(r))).append(" | ").append(fmt(num(r, "saturation", "serverUsPerDelivery")))
          .append(" | ").append(fmt(num(r, "latency", "publishRate"))).append(" | ").append(fmt(num(r, "latency", "p50")))
          .append(" | ").append(fmt(num(r, "latency", "p99"))).append(" | ").append(fmt(num(r, "latency", "p999")))
          .append(" | ").append(lat.isEmpty() ? "—" : Long.toString(Math.max(0, lat.getLong("expected", 0L) - lat.getLong("count", 0L))))
          .append(" |\n");
      if (r.getString("error") != null) {
        md.append("| ↳ error: ").append(r.getString("error").replace('|', '/')).append(" |||||||||\n");
      }
    }
    List<String> categories = runs.stream().map(r -> r.getString("label")).toList();
    chart("webflow", List.of(
        Charts.bars("notifications/s at saturation", "notifications/s", categories, Map.of("notifications/s", runs.stream().map(Report::dps).toList())),
        Charts.bars("p99 latency at 50 % load", "ms", categories, Map.of("p99", runs.stream().map(r -> num(r, "latency", "p99")).toList()))));
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
        .append("| target | clients | deliveries/s | server µs CPU / delivery (all nodes) | rate (msg/s) | p50 ms | p99 ms | lost | closed |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    List<JsonObject> runs = Stream.of(one, three).filter(Objects::nonNull).toList();
    for (JsonObject r : runs) {
      JsonObject lat = r.getJsonObject("latency", new JsonObject());
      md.append("| ").append(r.getString("label")).append(" | ").append(r.getInteger("connected", 0))
          .append(" | ").append(big(dps(r))).append(" | ").append(fmt(num(r, "saturation", "serverUsPerDelivery")))
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
