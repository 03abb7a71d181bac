package switchboard.config;

import io.vertx.core.net.PemKeyCertOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS for one HTTP server, from PEM files. Off unless {@code enabled}; when on, both files must exist.
 *
 * @param enabled  serve wss/https instead of ws/http
 * @param certPath PEM certificate chain
 * @param keyPath  PEM private key (PKCS#8 or PKCS#1)
 */
public record TlsConfig(boolean enabled, String certPath, String keyPath) {

  public static final TlsConfig OFF = new TlsConfig(false, null, null);

  public static TlsConfig read(ConfigReader r) {
    boolean enabled = r.bool("enabled", false);
    if (!enabled) {
      return OFF;
    }
    String cert = r.requiredString("certPath");
    String key = r.requiredString("keyPath");
    if (!Files.isReadable(Path.of(cert))) {
      throw r.invalid("certPath", "file not readable: " + cert);
    }
    if (!Files.isReadable(Path.of(key))) {
      throw r.invalid("keyPath", "file not readable: " + key);
    }
    return new TlsConfig(true, cert, key);
  }

  public PemKeyCertOptions pemOptions() {
    return new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath);
  }
}
