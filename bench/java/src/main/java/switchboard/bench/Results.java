package switchboard.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The JSON a scenario run writes, one file per run, read back by {@link Report}. */
public final class Results {

  private Results() {
  }

  /** Percentiles of a µs histogram, in milliseconds. */
  public static JsonObject latency(Histogram h) {
    JsonObject o = new JsonObject().put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return o;
    }
    return o.put("p50", ms(h.getValueAtPercentile(50)))
        .put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99)))
        .put("p999", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()))
        .put("mean", Math.round(h.getMean()) / 1000.0);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  public static JsonObject window(LoadDriver.Window w) {
    JsonObject o = new JsonObject()
        .put("seconds", round(w.seconds()))
        .put("deliveries", w.deliveries())
        .put("publishes", w.publishes())
        .put("deliveriesPerSecond", Math.round(w.deliveriesPerSecond()))
        .put("publishesPerSecond", round(w.publishesPerSecond()))
        .put("generatorUsPerDelivery", round(w.generatorMicrosPerDelivery()))
        .put("serverCpuSeconds", round(w.serverCpuMicros() / 1e6))
        .put("generatorCpuSeconds", round(w.generatorCpuMicros() / 1e6))
        .put("publishErrors", w.publishErrors());
    if (!Double.isNaN(w.serverMicrosPerDelivery())) {
      o.put("serverUsPerDelivery", round(w.serverMicrosPerDelivery()))
          .put("serverJitUsPerDelivery", round(w.serverJitMicrosPerDelivery()));
    }
    if (w.firstError() != null) {
      o.put("firstError", w.firstError());
    }
    return o;
  }

  public static double round(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? 0 : Math.round(v * 100) / 100.0;
  }

  public static void write(Path out, JsonObject result) {
    String text = result.encodePrettily();
    System.out.println(text);
    if (out == null) {
      return;
    }
    try {
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      Files.writeString(out, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
