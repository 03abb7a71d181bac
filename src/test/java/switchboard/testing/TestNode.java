package switchboard.testing;

import io.vertx.core.json.JsonObject;
import switchboard.app.ServiceCatalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Configuration of a whole test node: every service on a free port, the test JWT secret, own data dirs. */
public final class TestNode {

  private TestNode() {
  }

  /** Every port 0 (free ports), the test JWT secret, and the given top-level sections replaced. */
  public static JsonObject ephemeral(JsonObject overrides) {
    JsonObject json = new JsonObject().put("jwt", new JsonObject().put("hs256Secret", TestPlatform.JWT_SECRET));
    ServiceCatalog.DEFAULT_PORTS.keySet().forEach(name -> json.put(name, new JsonObject().put("port", 0)));
    // Services that persist get a directory of their own per node.
    json.getJsonObject("securecall").put("dataDir", tempDir("securecall"));
    json.getJsonObject("wallet").put("ledger", new JsonObject().put("dataDir", tempDir("ledger")));
    // Generated dev secrets go to a file of the test's own, never to the checkout's run/.
    json.put("devSecretsFile", tempDir("run") + "/dev-secrets.json");
    overrides.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }

  /** A new temporary directory. */
  public static String tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
