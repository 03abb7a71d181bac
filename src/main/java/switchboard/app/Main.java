package switchboard.app;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import switchboard.config.ConfigException;
import switchboard.platform.RunningService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Starts one Switchboard node from the command line. */
@Command(name = "switchboard", mixinStandardHelpOptions = true,
    description = "Runs the Switchboard WebSocket services on one node, alone or in a Hazelcast cluster.")
public final class Main implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Option(names = "--conf", description = "JSON configuration file (default: conf/default.json if present)")
  Path conf;

  @Option(names = "--cluster", description = "join a Hazelcast cluster (cluster/hazelcast.xml)")
  boolean cluster;

  @Option(names = "--profile", description = "dev or prod (prod refuses built-in dev secrets)")
  String profile;

  @Option(names = "--port-offset", description = "added to every fixed port, to run several nodes on one machine")
  Integer portOffset;

  public static void main(String[] args) {
    int exit = new CommandLine(new Main()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() throws Exception {
    JsonObject json;
    try {
      json = EnvOverrides.apply(readConfig(), System.getenv());
      if (profile != null) {
        json.put("profile", profile);
      }
      if (portOffset != null) {
        json.put("portOffset", portOffset);
      }
    } catch (ConfigException | IOException | DecodeException e) {
      System.err.println("switchboard: " + e.getMessage());
      return 2;
    }
    SwitchboardNode node;
    try {
      node = SwitchboardNode.start(json, cluster).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      System.err.println("switchboard: " + e.getMessage());
      return 2;
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      System.err.println("switchboard: " + (cause instanceof ConfigException ? "" : "start failed: ") + cause.getMessage());
      return cause instanceof ConfigException ? 2 : 1;
    }
    printServices(node);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down: closing sockets with 1001");
      try {
        node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown did not finish cleanly: {}", e.toString());
      }
    }, "switchboard-shutdown"));
    return 0;
  }

  private JsonObject readConfig() throws IOException {
    Path path = conf != null ? conf : Path.of("conf/default.json");
    try {
      return new JsonObject(Files.readString(path));
    } catch (NoSuchFileException e) {
      if (conf != null) {
        throw new ConfigException("--conf", "file not found: " + path);
      }
      LOG.info("no conf/default.json here: running on built-in defaults");
      return new JsonObject();
    }
  }

  private static void printServices(SwitchboardNode node) {
    System.out.printf("switchboard node %s (%s, profile %s)%n", node.platform().nodeId(),
        node.platform().cluster().clustered() ? "clustered" : "single node", node.config().profile().name().toLowerCase());
    for (RunningService s : java.util.List.copyOf(node.services().values())) {
      System.out.printf("  %-12s %s%n", s.name(), String.join("  ", s.urls()));
    }
    if (node.managementPort() > 0) {
      System.out.printf("  %-12s http://localhost:%d/health  http://localhost:%d/metrics%n", "management",
          node.managementPort(), node.managementPort());
    }
  }
}
