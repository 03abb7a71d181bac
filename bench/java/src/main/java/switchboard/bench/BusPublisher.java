package switchboard.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Publishes with event-bus requests, the way another service of the cluster sends to Switchboard: the
 * generator joins the server's Hazelcast cluster as a lite member (it holds no map partitions, so the
 * server's lookups stay local to the server) and sends each message as a request to one address.
 */
public final class BusPublisher implements Publisher {

  private final Vertx vertx;
  private final String address;
  private final BiFunction<Long, String, JsonObject> bodyFor;
  private final DeliveryOptions options = new DeliveryOptions().setSendTimeout(15_000);

  private BusPublisher(Vertx vertx, String address, BiFunction<Long, String, JsonObject> bodyFor) {
    this.vertx = vertx;
    this.address = address;
    this.bodyFor = bodyFor;
  }

  /**
   * Joins the cluster named {@code clusterName} on {@code host} with the Hazelcast XML at {@code hazelcastXml}
   * and waits until it sees {@code members} data members (the servers).
   */
  public static BusPublisher join(Path hazelcastXml, String clusterName, String host, String address,
                                  BiFunction<Long, String, JsonObject> bodyFor) throws Exception {
    Config hz;
    try {
      hz = new FileSystemXmlConfig(hazelcastXml.toFile());
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("Hazelcast XML not readable: " + hazelcastXml, e);
    }
    hz.setClusterName(clusterName).setLiteMember(true);
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.getNetworkConfig().getInterfaces().setEnabled(true).clear().addInterface(host);
    hz.getNetworkConfig().setPublicAddress(host);
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(host).setClusterPublicHost(host);
    Vertx vertx = Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hz))
        .buildClustered().toCompletionStage().toCompletableFuture().get();
    return new BusPublisher(vertx, address, bodyFor);
  }

  @Override
  public CompletableFuture<Void> publish(long seq, String payload) {
    return vertx.eventBus().<JsonObject>request(address, bodyFor.apply(seq, payload), options)
        .<Void>compose(reply -> reply.body() != null && reply.body().getBoolean("delivered", false)
            ? Future.succeededFuture()
            : Future.failedFuture("not delivered: " + reply.body()))
        .toCompletionStage().toCompletableFuture();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
