package switchboard.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import switchboard.auth.TokenMinter;
import switchboard.config.DevSecrets;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Prints an HS256 JWT signed with $SWITCHBOARD_JWT_SECRET, else with this installation's generated dev secret
 * ({@code run/dev-secrets.json}, or $SWITCHBOARD_DEV_SECRETS_FILE; created when missing, as a dev node would):
 * {@code scripts/dev-token}.
 */
@Command(name = "dev-token", mixinStandardHelpOptions = true, description = "Mints a JWT for local use.")
public final class DevToken implements Callable<Integer> {

  @Option(names = "--sub", required = true, description = "subject (user or client id)")
  String sub;

  @Option(names = "--roles", split = ",", description = "comma-separated roles, e.g. admin,service")
  List<String> roles = List.of();

  @Option(names = "--ttl", description = "lifetime in seconds (default 3600; nodes refuse more than jwt.maxTtlSeconds)")
  long ttl = 3600;

  @Option(names = "--iss", description = "iss claim, for nodes that set jwt.issuer")
  String issuer;

  @Option(names = "--aud", split = ",", description = "aud claim (one or more services' audiences)")
  List<String> audience = List.of();

  private final Map<String, String> env;
  private final PrintStream out;

  /** Reads secrets as {@code env} names them and prints the token to {@code out}. */
  public DevToken(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new DevToken(System.getenv(), System.out)).execute(args));
  }

  @Override
  public Integer call() {
    String secret = env.get("SWITCHBOARD_JWT_SECRET");
    if (secret == null || secret.isEmpty()) {
      secret = DevSecrets.loadOrCreate(DevSecrets.fileFrom(env)).jwtSecret();
    }
    JsonObject claims = new JsonObject().put("roles", new JsonArray(roles));
    if (issuer != null) {
      claims.put("iss", issuer);
    }
    if (audience.size() == 1) {
      claims.put("aud", audience.get(0));
    } else if (!audience.isEmpty()) {
      claims.put("aud", new JsonArray(audience));
    }
    Vertx vertx = Vertx.vertx();
    try {
      out.println(new TokenMinter(vertx, secret).mint(claims, sub, ttl));
    } finally {
      vertx.close();
    }
    return 0;
  }
}
