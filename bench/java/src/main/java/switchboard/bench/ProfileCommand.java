package switchboard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * profile: reads a server's JFR recording and reports where its CPU samples are: the methods at the top of
 * the sampled stacks (self time) and the methods anywhere on them (total time), as shares of all samples,
 * and the share of each thread.
 */
@Command(name = "profile", mixinStandardHelpOptions = true, description = "CPU profile of a JFR recording.")
public final class ProfileCommand implements Callable<Integer> {

  @Option(names = "--jfr", required = true, description = "the recording")
  Path jfr;

  @Option(names = "--label", description = "what was recorded")
  String label;

  @Option(names = "--top", description = "methods listed (default ${DEFAULT-VALUE})")
  int top = 15;

  @Option(names = "--out", description = "result JSON file to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> total = new HashMap<>();
    Map<String, Long> threads = new HashMap<>();
    long samples = 0;
    try (RecordingFile recording = new RecordingFile(jfr)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        if (!"jdk.ExecutionSample".equals(e.getEventType().getName())) {
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        self.merge(name(stack.getFrames().get(0)), 1L, Long::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : stack.getFrames()) {
          if (seen.add(name(f))) {
            total.merge(name(f), 1L, Long::sum);
          }
        }
        String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
        threads.merge(thread == null ? "?" : thread.replaceAll("-\\d+$", "-N"), 1L, Long::sum);
      }
    }
    JsonObject result = new JsonObject().put("scenario", "profile").put("label", label != null ? label : jfr.getFileName().toString())
        .put("samples", samples).put("self", shares(self, samples)).put("total", shares(total, samples))
        .put("threads", shares(threads, samples));
    Results.write(out, result);
    return 0;
  }

  private JsonArray shares(Map<String, Long> counts, long samples) {
    JsonArray a = new JsonArray();
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
        .forEach(e -> a.add(new JsonObject().put("name", e.getKey()).put("percent", Results.round(100.0 * e.getValue() / samples))));
    return a;
  }

  private static String name(RecordedFrame f) {
    String type = f.getMethod().getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
  }
}
