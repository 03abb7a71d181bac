package switchboard.platform;

import io.vertx.core.Future;
import switchboard.config.ConfigReader;
import switchboard.config.DevSecrets;

import java.util.function.Supplier;

/**
 * How the launcher knows a service: its config section name, how to read and check that section, and how
 * to deploy it. All sections are read before anything is deployed, so a bad value stops start-up early.
 *
 * @param <C> the service's config record
 */
public interface ServiceDefinition<C extends ServiceConfig> {

  /** The config section and metrics tag of the service ("signal"). */
  String name();

  /** Reads and validates the service's section; throws {@link switchboard.config.ConfigException}. */
  C parse(ConfigReader section, Profile profile);

  /**
   * Reads the section with access to this installation's generated dev secrets, for a service that needs a
   * secret its section leaves empty. {@code devSecrets} creates {@code run/dev-secrets.json} on first use and
   * may be called only in the dev profile (in prod it throws: prod must configure every secret).
   * The launcher calls this one; the default ignores the secrets.
   */
  default C parse(ConfigReader section, Profile profile, Supplier<DevSecrets> devSecrets) {
    return parse(section, profile);
  }

  /** Deploys the service's verticle(s); answers what it listens on. */
  Future<RunningService> deploy(Platform platform, C config);
}
