package switchboard.testing;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import switchboard.bus.ClusterView;
import switchboard.platform.Platform;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static switchboard.testing.Await.await;

/**
 * A real Hazelcast cluster of Vert.x nodes in this JVM, on 127.0.0.1, built from cluster/hazelcast.xml
 * with a random cluster name and free ports, so parallel test runs never join each other.
 */
public final class TestCluster implements AutoCloseable {

  private final List<Vertx> nodes = new ArrayList<>();
  private final List<Platform> platforms = new ArrayList<>();

  private TestCluster() {
  }

  /** Starts {@code n} clustered nodes and waits until each sees all of them. */
  public static TestCluster start(int n) {
    TestCluster cluster = new TestCluster();
    List<Integer> ports = freePorts(n);
    String name = "test-" + UUID.randomUUID();
    for (int i = 0; i < n; i++) {
      HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(name, ports, i));
      VertxOptions options = new VertxOptions();
      options.getEventBusOptions().setHost("127.0.0.1");
      Vertx vertx = await(Vertx.builder().with(options).withClusterManager(manager).buildClustered(), 60);
      cluster.nodes.add(vertx);
      cluster.platforms.add(TestPlatform.clustered(vertx, ClusterView.of(manager)));
    }
    return cluster;
  }

  /** The Hazelcast config of node {@code index} of a test cluster: the project's XML, its own port. */
  public static Config hazelcastConfig(String clusterName, List<Integer> ports, int index) {
    Config config;
    try {
      config = new FileSystemXmlConfig(new File("cluster/hazelcast.xml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    config.setClusterName(clusterName);
    config.getNetworkConfig().setPort(ports.get(index)).setPortAutoIncrement(false);
    var tcp = config.getNetworkConfig().getJoin().getTcpIpConfig();
    tcp.getMembers().clear();
    ports.forEach(p -> tcp.addMember("127.0.0.1:" + p));
    return config;
  }

  public static List<Integer> freePorts(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        sockets.add(new ServerSocket(0));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // a port we could not close is still reported free; Hazelcast would then fail loudly
        }
      }
    }
  }

  public Vertx vertx(int index) {
    return nodes.get(index);
  }

  public Platform platform(int index) {
    return platforms.get(index);
  }

  public int size() {
    return nodes.size();
  }

  /** Stops one node (it leaves the cluster); the others see it go. */
  public void stop(int index) {
    await(nodes.get(index).close(), 60);
  }

  /**
   * Kills one node the way kill -9 would look to the others: its Hazelcast member stops at once, without
   * leaving the cluster or handing its partitions over, then its Vert.x (and with it its sockets) goes away.
   */
  public Future<Void> kill(int index) {
    platforms.get(index).cluster().hazelcast().getLifecycleService().terminate();
    return nodes.get(index).close().otherwiseEmpty();
  }

  /**
   * Ends every node the way {@link #kill} does: a test is over, so there is no state to hand over, and a
   * graceful Hazelcast shutdown of every member at once can wait a long time for partitions nobody will take.
   */
  @Override
  public void close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      closing.add(kill(i));
    }
    await(Future.join(closing).mapEmpty(), 60);
  }
}
