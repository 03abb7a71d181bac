package switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/** Publishes with one HTTP POST per message over a small pool of keep-alive connections. */
public final class HttpPublisher implements Publisher {

  /** One request: path and JSON body. */
  public record Post(String path, String body) {
  }

  private final HttpClient client;
  private final String host;
  private final int port;
  private final Map<String, String> headers;
  private final BiFunction<Long, String, Post> requestFor;

  /**
   * @param connections keep-alive connections in the pool
   * @param headers     sent with every request (e.g. Authorization)
   * @param requestFor  message number and payload → request
   */
  public HttpPublisher(Vertx vertx, String host, int port, int connections, Map<String, String> headers,
                       BiFunction<Long, String, Post> requestFor) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(100_000));
    this.host = host;
    this.port = port;
    this.headers = Map.copyOf(headers);
    this.requestFor = requestFor;
  }

  @Override
  public CompletableFuture<Void> publish(long seq, String payload) {
    Post post = requestFor.apply(seq, payload);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
        .setURI(post.path()).putHeader("content-type", "application/json");
    headers.forEach(options::putHeader);
    return client.request(options)
        .compose(req -> req.send(Buffer.buffer(post.body())))
        .compose(resp -> resp.body().<Void>compose(body -> resp.statusCode() < 300
            ? io.vertx.core.Future.succeededFuture()
            : io.vertx.core.Future.failedFuture("HTTP " + resp.statusCode() + ": " + body)))
        .toCompletionStage().toCompletableFuture();
  }

  @Override
  public void close() {
    client.close();
  }
}
