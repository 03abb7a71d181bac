package switchboard.signal.client;

import io.vertx.core.Vertx;

import java.util.List;

/**
 * A runnable example of the client SDK: connects, joins ws-orders, prints every order event and sends one
 * encrypted event of its own.
 *
 * <pre>
 * cd clients/java
 * mvn -B -q package dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt
 * java -cp "target/switchboard-signal-client-0.1.0-SNAPSHOT.jar:$(cat target/classpath.txt)" \
 *     switchboard.signal.client.SignalClientExample ws://localhost:3500/ws "$(../../scripts/dev-token --sub alice --roles pos)"
 * </pre>
 */
public final class SignalClientExample {

  private SignalClientExample() {
  }

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: SignalClientExample <ws-url> <jwt> [ecdhInfo]");
      System.exit(2);
    }
    Vertx vertx = Vertx.vertx();
    EncryptedWebSocketClientOptions options = new EncryptedWebSocketClientOptions()
        .setUrl(args[0])
        .setToken(args[1])
        .setAutoJoinRooms(List.of("ws-orders"));
    if (args.length > 2) {
      options.setEcdhInfo(args[2]);
    }
    EncryptedWebSocketClient client = new EncryptedWebSocketClient(vertx, options);
    client.on("order.updated", data -> System.out.println("order.updated: " + data));
    client.on("order.new", data -> System.out.println("order.new: " + data));
    client.on("error", data -> System.out.println("server error: " + data));
    client.on(EncryptedWebSocketClient.RECONNECT_FAILED, data -> {
      System.out.println("connection lost for good");
      vertx.close();
    });
    client.connect().onSuccess(info -> {
      System.out.println("connected as " + info.userId() + " (client id " + info.id() + ")");
      client.send("client.hello", new io.vertx.core.json.JsonObject().put("greeting", "hi"));
    }).onFailure(err -> {
      System.err.println("could not connect: " + err.getMessage());
      vertx.close();
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> client.close()));
  }
}
