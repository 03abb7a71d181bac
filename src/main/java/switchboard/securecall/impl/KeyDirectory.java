package switchboard.securecall.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import switchboard.bus.Addresses;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The public-key directory (PKD): clientId → public key, cluster-wide and durable.
 *
 * <p>Reads and writes go to a SharedData async map (a Hazelcast map with one backup in a cluster), so every
 * node sees every key and one node may fail or restart without losing any. Each node also writes the keys
 * registered through it to an H2 MVStore file under the data directory, committed before the client's
 * acknowledgement, and loads that file into the map at start (newest {@code updatedAt} wins), so a single
 * node, or a whole cluster, gets its keys back after a restart. File I/O runs on worker threads, in order.
 */
public final class KeyDirectory {

  public static final String FILE = "pkd.mv.db";
  private static final int MAX_CAS_ATTEMPTS = 5;

  private final Vertx vertx;
  private final Path dataDir;
  private final Future<AsyncMap<String, JsonObject>> map;
  private MVStore store;
  private MVMap<String, String> persisted;

  public KeyDirectory(Vertx vertx, Path dataDir) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    this.map = vertx.sharedData().getAsyncMap(Addresses.SECURECALL_KEYS_MAP);
  }

  /** Opens (or creates) the store file and merges what it holds into the cluster-wide map. */
  public Future<Integer> start() {
    return vertx.<List<JsonObject>>executeBlocking(() -> {
      Files.createDirectories(dataDir);
      try {
        store = new MVStore.Builder().fileName(dataDir.resolve(FILE).toString()).open();
      } catch (MVStoreException e) {
        throw new IllegalStateException("cannot open " + dataDir.resolve(FILE).toAbsolutePath()
            + " (another node using the same securecall.dataDir?): " + e.getMessage(), e);
      }
      persisted = store.openMap("keys");
      List<JsonObject> entries = new ArrayList<>(persisted.size());
      for (Map.Entry<String, String> e : persisted.entrySet()) {
        entries.add(new JsonObject(e.getValue()).put("clientId", e.getKey()));
      }
      return entries;
    }, true).compose(entries -> {
      List<Future<Void>> loads = new ArrayList<>(entries.size());
      for (JsonObject entry : entries) {
        String clientId = (String) entry.remove("clientId");
        loads.add(putIfNewer(clientId, entry, 0));
      }
      return Future.all(loads).map(done -> entries.size());
    });
  }

  private Future<Void> putIfNewer(String clientId, JsonObject entry, int attempt) {
    if (attempt >= MAX_CAS_ATTEMPTS) {
      return Future.succeededFuture();
    }
    return map.compose(m -> m.get(clientId).compose(current -> {
      if (current == null) {
        return m.putIfAbsent(clientId, entry).compose(prev -> prev == null
            ? Future.<Void>succeededFuture() : putIfNewer(clientId, entry, attempt + 1));
      }
      if (current.getLong("updatedAt", 0L) >= entry.getLong("updatedAt")) {
        return Future.<Void>succeededFuture();
      }
      return m.replaceIfPresent(clientId, current, entry).compose(done -> done
          ? Future.<Void>succeededFuture() : putIfNewer(clientId, entry, attempt + 1));
    }));
  }

  /** Records (or replaces) a client's key; completes once it is in the map and committed to disk. */
  public Future<Void> register(String clientId, String publicKey) {
    JsonObject entry = new JsonObject().put("publicKey", publicKey).put("updatedAt", System.currentTimeMillis());
    return map.compose(m -> m.put(clientId, entry)).compose(v -> vertx.executeBlocking(() -> {
      persisted.put(clientId, entry.encode());
      store.commit();
      return null;
    }, true));
  }

  /** The client's key, or null. */
  public Future<String> lookup(String clientId) {
    return map.compose(m -> m.get(clientId)).map(entry -> entry == null ? null : entry.getString("publicKey"));
  }

  /** Commits and closes the store file. */
  public Future<Void> stop() {
    if (store == null) {
      return Future.succeededFuture();
    }
    MVStore closing = store;
    store = null;
    return vertx.executeBlocking(() -> {
      closing.close();
      return null;
    }, true);
  }
}
