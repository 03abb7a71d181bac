package switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Publishes with one HTTP POST per batch: messages published since the last request went out are sent
 * together as one JSON array (Web Flow's {@code POST /api/authorizations} batch form), at most
 * {@code maxBatch} per request and one request every {@code flushMicros} at most per batch being formed. Each
 * message's future completes when its own item in the answer array is a result rather than {@code {"error"}}.
 * The wait for a batch to fill adds up to {@code flushMicros} to a message's latency.
 */
public final class HttpBatchPublisher implements Publisher {

  private final Vertx vertx;
  private final HttpClient client;
  private final String host;
  private final int port;
  private final String path;
  private final Map<String, String> headers;
  private final int maxBatch;
  private final long flushMicros;
  private final BiFunction<Long, String, String> itemFor;
  private final Object lock = new Object();
  private List<String> items = new ArrayList<>();
  private List<CompletableFuture<Void>> waiting = new ArrayList<>();
  private boolean flushScheduled;

  /**
   * @param connections keep-alive connections in the pool
   * @param headers     sent with every request (e.g. Authorization)
   * @param maxBatch    most messages in one request (Web Flow takes up to 1000)
   * @param flushMicros longest a message waits for others to join its batch
   * @param itemFor     message number and payload → the JSON object text of its item
   */
  public HttpBatchPublisher(Vertx vertx, String host, int port, String path, int connections,
                            Map<String, String> headers, int maxBatch, long flushMicros,
                            BiFunction<Long, String, String> itemFor) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(100_000));
    this.host = host;
    this.port = port;
    this.path = path;
    this.headers = Map.copyOf(headers);
    this.maxBatch = maxBatch;
    this.flushMicros = flushMicros;
    this.itemFor = itemFor;
  }

  @Override
  public CompletableFuture<Void> publish(long seq, String payload) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    String item = itemFor.apply(seq, payload);
    boolean full;
    boolean schedule = false;
    synchronized (lock) {
      items.add(item);
      waiting.add(done);
      full = items.size() >= maxBatch;
      if (!full && !flushScheduled) {
        flushScheduled = true;
        schedule = true;
      }
    }
    if (full) {
      flush();
    } else if (schedule) {
      vertx.setTimer(Math.max(1, flushMicros / 1000), id -> flush());
    }
    return done;
  }

  private void flush() {
    List<String> batch;
    List<CompletableFuture<Void>> answers;
    synchronized (lock) {
      flushScheduled = false;
      if (items.isEmpty()) {
        return;
      }
      batch = items;
      answers = waiting;
      items = new ArrayList<>();
      waiting = new ArrayList<>();
    }
    Buffer body = Buffer.buffer(batch.size() * 256).appendString("[");
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) {
        body.appendString(",");
      }
      body.appendString(batch.get(i));
    }
    body.appendString("]");
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
        .setURI(path).putHeader("content-type", "application/json");
    headers.forEach(options::putHeader);
    client.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().compose(answer -> resp.statusCode() < 300
            ? Future.succeededFuture(answer)
            : Future.failedFuture("HTTP " + resp.statusCode() + ": " + answer)))
        .onComplete(ar -> {
          if (ar.failed()) {
            answers.forEach(f -> f.completeExceptionally(ar.cause()));
            return;
          }
          JsonArray results = ar.result().toJsonArray();
          for (int i = 0; i < answers.size(); i++) {
            Object result = i < results.size() ? results.getValue(i) : null;
            if (result instanceof io.vertx.core.json.JsonObject json && !json.containsKey("error")) {
              answers.get(i).complete(null);
            } else {
              answers.get(i).completeExceptionally(new IllegalStateException("item refused: " + result));
            }
          }
        });
  }

  @Override
  public void close() {
    flush();
    client.close();
  }
}
