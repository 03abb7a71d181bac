package switchboard.config;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mutual TLS between the event-bus peers of a cluster: every node presents a certificate signed by the
 * cluster CA and accepts only peers that do the same, both when it connects and when it is connected to.
 *
 * @param certPath this node's PEM certificate (chain)
 * @param keyPath  this node's PEM private key
 * @param caPath   PEM certificate of the cluster CA, the only trust anchor
 */
public record ClusterTlsConfig(String certPath, String keyPath, String caPath) {

  /** The {@code cluster.tls} section, or null when it is absent or has no certificate. */
  public static ClusterTlsConfig read(ConfigReader r) {
    if (!r.has("cert") && !r.has("key") && !r.has("ca")) {
      return null;
    }
    String cert = readable(r, "cert");
    String key = readable(r, "key");
    String ca = readable(r, "ca");
    return new ClusterTlsConfig(cert, key, ca);
  }

  private static String readable(ConfigReader r, String name) {
    String path = r.requiredString(name);
    if (!Files.isReadable(Path.of(path))) {
      throw r.invalid(name, "file not readable: " + path);
    }
    return path;
  }

  /** Turns on TLS with this node's key pair, trusts only the cluster CA and requires a client certificate. */
  public EventBusOptions applyTo(EventBusOptions options) {
    return options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath))
        .setTrustOptions(new PemTrustOptions().addCertPath(caPath))
        .setTrustAll(false)
        .setClientAuth(ClientAuth.REQUIRED);
  }
}
