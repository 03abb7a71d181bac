package switchboard.bench;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Options every scenario takes: where the result goes, which processes are the servers, how long to run. */
public final class CommonOptions {

  @Option(names = "--out", description = "result JSON file to write")
  Path out;

  @Option(names = "--label", description = "name of this target in the report (default: the target)")
  String label;

  @Option(names = "--server-pid", split = ",", description = "server process id(s) whose CPU is measured")
  List<Long> serverPids = new ArrayList<>();

  @Option(names = "--warmup", description = "seconds of warm-up before each measured window (default ${DEFAULT-VALUE})")
  int warmupSeconds = 3;

  @Option(names = "--measure", description = "seconds of each measured window (default ${DEFAULT-VALUE})")
  int measureSeconds = 10;

  @Option(names = "--threads", description = "client event-loop threads (default ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(names = "--source-addresses", description = "client source addresses 127.0.0.2… (default ${DEFAULT-VALUE})")
  int sourceAddresses = 64;

  @Option(names = "--time-limit", description = "seconds after which the run gives up (default ${DEFAULT-VALUE})")
  int timeLimitSeconds = 240;

  Duration warmup() {
    return Duration.ofSeconds(warmupSeconds);
  }

  Duration measure() {
    return Duration.ofSeconds(measureSeconds);
  }

  ProcessCpu serverCpu() {
    return new ProcessCpu(serverPids);
  }

  NettyWsClient client() {
    return new NettyWsClient(threads, new SourceAddresses(sourceAddresses));
  }
}
