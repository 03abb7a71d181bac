package switchboard.platform;

import java.util.List;

/**
 * A service deployed on this node, as the launcher prints it and /health reports it.
 *
 * @param name the service's config section name ("signal")
 * @param port the port its HTTP server actually listens on
 * @param urls its public endpoints
 */
public record RunningService(String name, int port, List<String> urls) {
}
