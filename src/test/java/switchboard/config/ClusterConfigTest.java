package switchboard.config;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.app.EnvOverrides;
import switchboard.app.ServiceCatalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Verifies the multi-host cluster keys: their env overrides, the Hazelcast settings they make, and the prod refusal. */
class ClusterConfigTest {

  @Test
  void environmentSetsEveryClusterKeyAndTheDataDirectory(@TempDir Path dir) throws Exception {
    // GIVEN PEM files and every cluster variable
    for (String f : List.of("n.pem", "n.key", "ca.pem")) {
      Files.writeString(dir.resolve(f), "-----BEGIN X-----\n-----END X-----\n");
    }
    JsonObject json = EnvOverrides.apply(new JsonObject(), Map.of(
        "SWITCHBOARD_CLUSTER_HOST", "10.88.0.11",
        "SWITCHBOARD_CLUSTER_MEMBERS", "10.88.0.10:5701, 10.88.0.11,10.88.0.12:5702",
        "SWITCHBOARD_CLUSTER_PORT", "5701",
        "SWITCHBOARD_CLUSTER_NAME", "prod-eu",
        "SWITCHBOARD_CLUSTER_TLS_CERT", dir.resolve("n.pem").toString(),
        "SWITCHBOARD_CLUSTER_TLS_KEY", dir.resolve("n.key").toString(),
        "SWITCHBOARD_CLUSTER_TLS_CA", dir.resolve("ca.pem").toString(),
        "SWITCHBOARD_DATA_DIR", "/var/lib/sb/node-1"));

    // WHEN the cluster section is read
    ClusterConfig cluster = ClusterConfig.read(new ConfigReader(json).section("cluster"));

    // THEN each key carries its variable, and the services' state files move under the data directory
    assertThat(cluster.host()).isEqualTo("10.88.0.11");
    assertThat(cluster.members()).containsExactly("10.88.0.10:5701", "10.88.0.11", "10.88.0.12:5702");
    assertThat(cluster.port()).isEqualTo(5701);
    assertThat(cluster.name()).isEqualTo("prod-eu");
    assertThat(cluster.tls()).isEqualTo(new ClusterTlsConfig(dir.resolve("n.pem").toString(),
        dir.resolve("n.key").toString(), dir.resolve("ca.pem").toString()));
    JsonObject placed = EnvOverrides.applyDataDir(json, ServiceCatalog.DEFAULT_PORTS);
    assertThat(placed.getJsonObject("wallet").getJsonObject("ledger").getString("dataDir")).isEqualTo("/var/lib/sb/node-1/wallet-ledger");
    assertThat(placed.getJsonObject("securecall").getString("dataDir")).isEqualTo("/var/lib/sb/node-1/securecall-8090");
  }

  @Test
  void hazelcastBindsOnlyTheClusterHostAndJoinsTheListedMembers() {
    // GIVEN a Hazelcast config from the XML defaults (bound to loopback, auto-increment)
    Config hz = new Config();
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    ClusterConfig cluster = new ClusterConfig("unused.xml", "10.88.0.12", 5701,
        List.of("10.88.0.10", "10.88.0.11"), "netns", null);

    // WHEN the cluster keys are applied
    cluster.applyTo(hz);

    // THEN Hazelcast binds, advertises and joins exactly what the keys say
    NetworkConfig network = hz.getNetworkConfig();
    assertThat(hz.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(network.getInterfaces().isEnabled()).isTrue();
    assertThat(network.getInterfaces().getInterfaces()).containsExactly("10.88.0.12");
    assertThat(network.getPublicAddress()).isEqualTo("10.88.0.12:5701");
    assertThat(network.getPort()).isEqualTo(5701);
    assertThat(network.isPortAutoIncrement()).isFalse();
    assertThat(network.getJoin().getTcpIpConfig().getMembers()).containsExactly("10.88.0.10", "10.88.0.11");
    assertThat(network.getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(hz.getClusterName()).isEqualTo("netns");
  }

  @Test
  void theShippedXmlWithDefaultKeysFormsALoopbackClusterAdvertisingEachBoundPort() throws Exception {
    // GIVEN two members from cluster/hazelcast.xml with the default keys (127.0.0.1, ports counted up from 5701)
    ClusterConfig cluster = new ClusterConfig("cluster/hazelcast.xml", "127.0.0.1", 0, List.of(),
        "test-" + UUID.randomUUID(), null);
    List<HazelcastInstance> members = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        members.add(Hazelcast.newHazelcastInstance(
            cluster.applyTo(new FileSystemXmlConfig("cluster/hazelcast.xml"))));
      }
      // THEN they form one cluster, each advertising loopback and the port it actually bound
      for (HazelcastInstance member : members) {
        assertThat(member.getCluster().getMembers()).hasSize(2);
        assertThat(member.getCluster().getLocalMember().getAddress().getHost()).isEqualTo("127.0.0.1");
      }
      assertThat(members.get(0).getCluster().getLocalMember().getAddress().getPort())
          .isNotEqualTo(members.get(1).getCluster().getLocalMember().getAddress().getPort());
    } finally {
      members.forEach(m -> m.getLifecycleService().terminate());
    }
  }

  @Test
  void prodRefusesAPlainEventBusUnlessEverythingIsOnLoopback(@TempDir Path dir) throws Exception {
    ClusterConfig loopback = new ClusterConfig("x", "127.0.0.1", 0, List.of(), null, null);
    ClusterConfig network = new ClusterConfig("x", "10.88.0.10", 0, List.of(), null, null);
    ClusterConfig tls = new ClusterConfig("x", "10.88.0.10", 0, List.of(), null,
        new ClusterTlsConfig("n.pem", "n.key", "ca.pem"));

    assertThat(loopback.prodRefusal(List.of("127.0.0.1", "127.0.0.1:5702"))).isNull();
    assertThat(loopback.prodRefusal(List.of("127.0.0.1", "10.88.0.11:5701"))).contains("10.88.0.11:5701");
    assertThat(network.prodRefusal(List.of())).contains("cluster.host 10.88.0.10 is not loopback");
    assertThat(tls.prodRefusal(List.of("10.88.0.11"))).isNull();
  }

  @Test
  void wildcardHostAndHalfATlsSectionAreRefused() {
    assertThatThrownBy(() -> ClusterConfig.read(new ConfigReader(new JsonObject().put("host", "0.0.0.0"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("host");
    assertThatThrownBy(() -> ClusterConfig.read(new ConfigReader(new JsonObject()
        .put("tls", new JsonObject().put("cert", "/nonexistent/n.pem")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tls.cert");
  }
}
