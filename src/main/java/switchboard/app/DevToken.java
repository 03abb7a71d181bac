package switchboard.app;

import io.vertx.core.Vertx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import switchboard.auth.TokenMinter;
import switchboard.config.JwtConfig;

import java.util.List;
import java.util.concurrent.Callable;

/** Prints an HS256 JWT signed with the dev secret (or SWITCHBOARD_JWT_SECRET): {@code scripts/dev-token}. */
@Command(name = "dev-token", mixinStandardHelpOptions = true, description = "Mints a JWT for local use.")
public final class DevToken implements Callable<Integer> {

  @Option(names = "--sub", required = true, description = "subject (user or client id)")
  String sub;

  @Option(names = "--roles", split = ",", description = "comma-separated roles, e.g. admin,service")
  List<String> roles = List.of();

  @Option(names = "--ttl", description = "lifetime in seconds (default 3600)")
  long ttl = 3600;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DevToken()).execute(args));
  }

  @Override
  public Integer call() {
    String secret = System.getenv().getOrDefault("SWITCHBOARD_JWT_SECRET", JwtConfig.DEV_SECRET);
    Vertx vertx = Vertx.vertx();
    try {
      System.out.println(new TokenMinter(vertx, secret).mint(sub, roles, ttl));
    } finally {
      vertx.close();
    }
    return 0;
  }
}
