package switchboard.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client source addresses spread over 127.0.0.0/8: each loopback address has its own ~28k ephemeral
 * ports, so tens of thousands of connections (and the TIME_WAIT sockets of handshake churn) fit.
 */
public final class SourceAddresses {

  private final InetSocketAddress[] addresses;
  private final AtomicInteger next = new AtomicInteger();

  /** {@code count} addresses from 127.0.0.2 on (at most 250). */
  public SourceAddresses(int count) {
    if (count < 1 || count > 250) {
      throw new IllegalArgumentException("source address count must be 1-250");
    }
    addresses = new InetSocketAddress[count];
    for (int i = 0; i < count; i++) {
      try {
        addresses[i] = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (i + 2)}), 0);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public InetSocketAddress next() {
    return addresses[Math.floorMod(next.getAndIncrement(), addresses.length)];
  }
}
