package switchboard.app;

import switchboard.fingerprint.FingerprintDefinition;
import switchboard.platform.ServiceDefinition;
import switchboard.securecall.SecureCallDefinition;
import switchboard.signal.SignalDefinition;
import switchboard.wallet.WalletDefinition;
import switchboard.webflow.WebFlowDefinition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The services a node can run, in deployment order, with their default ports. */
public final class ServiceCatalog {

  /** Default port of every section that has one, for the port offset. */
  public static final Map<String, Integer> DEFAULT_PORTS = defaultPorts();

  private ServiceCatalog() {
  }

  public static List<ServiceDefinition<?>> all() {
    return List.of(
        new SignalDefinition(),
        new SecureCallDefinition(),
        new WebFlowDefinition(),
        new WalletDefinition(),
        new FingerprintDefinition());
  }

  private static Map<String, Integer> defaultPorts() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("signal", 3500);
    ports.put("securecall", 8090);
    ports.put("webflow", 8081);
    ports.put("wallet", 8082);
    ports.put("fingerprint", 8080);
    ports.put("management", 9100);
    return Map.copyOf(ports);
  }
}
