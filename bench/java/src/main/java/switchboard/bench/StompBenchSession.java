package switchboard.bench;

import java.util.List;

/**
 * A STOMP-over-WebSocket subscriber: CONNECT, its subscriptions, and either a registration SEND answered
 * on a subscription (Switchboard Web Flow) or a receipt for the last SUBSCRIBE (RabbitMQ: the queue exists
 * once the receipt is back). Every MESSAGE on the delivery subscription counts as a delivery.
 */
public final class StompBenchSession extends BenchSession {

  /** The subprotocols a STOMP client offers on the WebSocket upgrade. */
  public static final String SUBPROTOCOLS = "v12.stomp,v11.stomp,v10.stomp";

  /**
   * One SUBSCRIBE.
   *
   * @param id          subscription id
   * @param destination destination
   * @param headers     extra headers, alternating name and value
   */
  public record Subscription(String id, String destination, String... headers) {
  }

  /**
   * @param host               virtual host of CONNECT
   * @param login              login, or null
   * @param passcode           passcode, or null
   * @param subscriptions      sent in order after CONNECTED
   * @param registrationDest   destination of the registration SEND, or null to wait for a receipt instead
   * @param registrationBody   its body
   * @param registrationSubId  the subscription the registration answer arrives on
   * @param deliverySubId      the subscription whose messages are deliveries
   */
  public record Setup(String host, String login, String passcode, List<Subscription> subscriptions,
                      String registrationDest, String registrationBody, String registrationSubId,
                      String deliverySubId) {
  }

  private static final String RECEIPT = "bench-ready";

  private final Setup setup;

  public StompBenchSession(Deliveries deliveries, Setup setup) {
    super(deliveries);
    this.setup = setup;
  }

  @Override
  protected void opened(WsLink link) {
    if (setup.login() != null) {
      link.send(StompFrame.encode("CONNECT", "", "accept-version", "1.2,1.1,1.0", "host", setup.host(),
          "heart-beat", "0,0", "login", setup.login(), "passcode", setup.passcode()));
    } else {
      link.send(StompFrame.encode("CONNECT", "", "accept-version", "1.2,1.1,1.0", "host", setup.host(),
          "heart-beat", "0,0"));
    }
  }

  @Override
  public void onText(WsLink link, String text) {
    StompFrame frame = StompFrame.parse(text);
    if (frame == null) {
      return;
    }
    switch (frame.command()) {
      case "CONNECTED" -> subscribe(link);
      case "MESSAGE" -> message(frame);
      case "RECEIPT" -> {
        if (RECEIPT.equals(frame.header("receipt-id"))) {
          markReady();
        }
      }
      case "ERROR" -> fail("STOMP ERROR: " + frame.header("message") + " " + frame.body());
      default -> { }
    }
  }

  private void subscribe(WsLink link) {
    List<Subscription> subs = setup.subscriptions();
    for (int i = 0; i < subs.size(); i++) {
      Subscription s = subs.get(i);
      boolean last = i == subs.size() - 1;
      String[] headers = new String[4 + s.headers().length + (last && setup.registrationDest() == null ? 2 : 0)];
      headers[0] = "id";
      headers[1] = s.id();
      headers[2] = "destination";
      headers[3] = s.destination();
      System.arraycopy(s.headers(), 0, headers, 4, s.headers().length);
      if (last && setup.registrationDest() == null) {
        headers[headers.length - 2] = "receipt";
        headers[headers.length - 1] = RECEIPT;
      }
      link.send(StompFrame.encode("SUBSCRIBE", "", headers));
    }
    if (setup.registrationDest() != null) {
      link.send(StompFrame.encode("SEND", setup.registrationBody(), "destination", setup.registrationDest(),
          "content-type", "application/json"));
    }
  }

  private void message(StompFrame frame) {
    String sub = frame.header("subscription");
    if (setup.deliverySubId().equals(sub)) {
      deliveries.delivered(frame.body());
    } else if (setup.registrationSubId() != null && setup.registrationSubId().equals(sub)) {
      markReady();
    }
  }
}
