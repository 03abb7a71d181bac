package switchboard.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The load generator of {@code scripts/bench}: one subcommand per scenario, each writing one JSON result
 * that {@link Report} turns into the results table and charts. Runs in its own JVM beside the servers.
 */
@Command(name = "switchboard-bench", mixinStandardHelpOptions = true,
    description = "Drives Switchboard and the baseline servers; see scripts/bench and docs/performance.md.",
    subcommands = {FanoutCommand.class, ConnectionsCommand.class, HandshakeCommand.class, CryptoCommand.class,
        WebflowCommand.class, WalletCommand.class, WalletVerifyCommand.class, ProfileCommand.class})
public final class LoadGenerator implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).setOverwrittenOptionsAllowed(true).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
