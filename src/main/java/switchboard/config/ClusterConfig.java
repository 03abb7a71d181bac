package switchboard.config;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * How a node joins its cluster. The Hazelcast XML holds the tuning (failure detection, backups); the
 * addresses come from these keys so that a node on another host needs no XML of its own.
 *
 * @param hazelcastConfig path of the Hazelcast XML used with --cluster
 * @param host            the one interface Hazelcast and the event bus bind and advertise
 * @param port            Hazelcast member port, or 0 for the XML's (5701, counting up when taken)
 * @param members         {@code host[:port]} of the members to join, or empty for the XML's list
 * @param name            Hazelcast cluster name, or null for the one in the XML
 * @param tls             mutual TLS on the event bus, or null for plain TCP
 */
public record ClusterConfig(String hazelcastConfig, String host, int port, List<String> members, String name,
                            ClusterTlsConfig tls) {

  public static ClusterConfig read(ConfigReader c) {
    String host = c.string("host", "127.0.0.1");
    if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
      throw c.invalid("host", "must name one interface's address (a wildcard would expose the cluster ports on every network)");
    }
    int port = c.has("port") ? c.port("port", 5701) : 0;
    List<String> members = c.strings("members", List.of());
    for (int i = 0; i < members.size(); i++) {
      if (!members.get(i).matches("[A-Za-z0-9.:\\[\\]-]+")) {
        throw new ConfigException(c.key("members") + "[" + i + "]", "must be host or host:port");
      }
    }
    return new ClusterConfig(c.string("hazelcastConfig", "cluster/hazelcast.xml"), host, port, members,
        c.string("name", null), ClusterTlsConfig.read(c.section("tls")));
  }

  /**
   * Binds Hazelcast to {@link #host} alone (never every interface), advertises it, and joins
   * {@link #members} when given.
   */
  public Config applyTo(Config hz) {
    if (name != null) {
      hz.setClusterName(name);
    }
    hz.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = hz.getNetworkConfig();
    network.getInterfaces().setEnabled(true).clear().addInterface(host);
    network.setPublicAddress(port == 0 ? host : host + ":" + port);
    if (port != 0) {
      network.setPort(port).setPortAutoIncrement(false);
    }
    if (!members.isEmpty()) {
      network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(members);
      network.getJoin().getMulticastConfig().setEnabled(false);
      network.getJoin().getAutoDetectionConfig().setEnabled(false);
    }
    return hz;
  }

  /**
   * Why this cluster may not run under the prod profile, or null when it may: an event bus without
   * mutual TLS is acceptable only when the node binds loopback and every member is on loopback too.
   */
  public String prodRefusal(List<String> effectiveMembers) {
    if (tls != null) {
      return null;
    }
    if (!loopback(host)) {
      return "cluster.host " + host + " is not loopback and cluster.tls is not set: the event bus would accept"
          + " unauthenticated peers from the network";
    }
    for (String member : effectiveMembers) {
      String memberHost = hostOf(member);
      if (!loopback(memberHost)) {
        return "cluster member " + member + " is not on loopback and cluster.tls is not set";
      }
    }
    return null;
  }

  private static String hostOf(String member) {
    if (member.startsWith("[")) {
      return member.substring(1, member.indexOf(']'));
    }
    int colon = member.indexOf(':');
    return colon >= 0 && member.indexOf(':', colon + 1) < 0 ? member.substring(0, colon) : member;
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
