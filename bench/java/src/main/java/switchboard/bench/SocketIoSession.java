package switchboard.bench;

/**
 * The part of the Socket.IO v5 / Engine.IO v4 protocol a subscriber needs, over the websocket transport
 * only: the server's open packet {@code 0{…}}, our namespace connect {@code 40}, its answer
 * {@code 40{"sid"…}}, events {@code 42["msg",{…}]}, and pong {@code 3} to every ping {@code 2}.
 */
public final class SocketIoSession extends BenchSession {

  /** The Engine.IO endpoint path and query of the websocket transport. */
  public static final String PATH = "/socket.io/?EIO=4&transport=websocket";

  public SocketIoSession(Deliveries deliveries) {
    super(deliveries);
  }

  @Override
  protected void opened(WsLink link) {
    // the server speaks first with its open packet
  }

  @Override
  public void onText(WsLink link, String text) {
    if (text.isEmpty()) {
      return;
    }
    switch (text.charAt(0)) {
      case '0' -> link.send("40");
      case '2' -> link.send("3");
      case '4' -> message(text);
      default -> { }
    }
  }

  private void message(String text) {
    if (text.startsWith("42")) {
      deliveries.delivered(text);
    } else if (text.startsWith("40")) {
      markReady();
    } else if (text.startsWith("44")) {
      fail("namespace connect refused: " + text);
    }
  }
}
