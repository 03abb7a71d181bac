package switchboard.securecall;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A WebSocket client written on a bare TCP socket, for what a well-behaved client library will not do: it
 * never answers ping frames (a half-open phone), and it sends any bytes in any frame (invalid UTF-8, huge
 * or fragmented frames). It records every frame the server sends, pings included.
 */
final class RawWsClient {

  static final int TEXT = 0x1;
  static final int CONTINUATION = 0x0;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;

  /** One frame from the server. */
  record Frame(int opcode, Buffer payload) {
    String text() {
      return payload.toString(StandardCharsets.UTF_8);
    }

    JsonObject json() {
      return new JsonObject(text());
    }

    int closeCode() {
      return payload.length() >= 2 ? payload.getUnsignedShort(0) : 1005;
    }
  }

  private record Waiter(Predicate<Frame> match, Promise<Frame> promise) {
  }

  private final NetClient client;
  private final NetSocket socket;
  private final ArrayDeque<Frame> frames = new ArrayDeque<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Void> tcpClosed = Promise.promise();
  private Buffer pending = Buffer.buffer();
  private boolean upgraded;

  private RawWsClient(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
  }

  /** Connects and upgrades; fails with the HTTP status line when the upgrade is refused. */
  static Future<RawWsClient> connect(Vertx vertx, int port, String path) {
    NetClient client = vertx.createNetClient();
    return client.connect(port, "127.0.0.1").compose(socket -> {
      RawWsClient raw = new RawWsClient(client, socket);
      Promise<RawWsClient> ready = Promise.promise();
      socket.handler(data -> raw.onData(data, ready));
      socket.closeHandler(v -> {
        raw.tcpClosed.tryComplete();
        ready.tryFail("connection closed during the upgrade");
      });
      socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
      return ready.future();
    }).onFailure(err -> client.close());
  }

  private synchronized void onData(Buffer data, Promise<RawWsClient> ready) {
    pending.appendBuffer(data);
    if (!upgraded) {
      String head = pending.toString(StandardCharsets.ISO_8859_1);
      int end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        return;
      }
      if (!head.startsWith("HTTP/1.1 101")) {
        ready.tryFail(head.substring(0, head.indexOf("\r\n")));
        return;
      }
      upgraded = true;
      pending = pending.getBuffer(end + 4, pending.length());
      ready.tryComplete(this);
    }
    while (true) {
      Frame frame = parse();
      if (frame == null) {
        return;
      }
      deliver(frame);
    }
  }

  /** Takes one whole unmasked server frame off the front of {@code pending}, or null. */
  private Frame parse() {
    if (pending.length() < 2) {
      return null;
    }
    int opcode = pending.getByte(0) & 0x0f;
    int len = pending.getByte(1) & 0x7f;
    int offset = 2;
    long length = len;
    if (len == 126) {
      if (pending.length() < 4) {
        return null;
      }
      length = pending.getUnsignedShort(2);
      offset = 4;
    } else if (len == 127) {
      if (pending.length() < 10) {
        return null;
      }
      length = pending.getLong(2);
      offset = 10;
    }
    if (pending.length() < offset + length) {
      return null;
    }
    Frame frame = new Frame(opcode, pending.getBuffer(offset, offset + (int) length));
    pending = pending.getBuffer(offset + (int) length, pending.length());
    return frame;
  }

  private void deliver(Frame frame) {
    Iterator<Waiter> it = waiters.iterator();
    while (it.hasNext()) {
      Waiter w = it.next();
      if (w.match.test(frame)) {
        it.remove();
        w.promise.tryComplete(frame);
        return;
      }
    }
    frames.add(frame);
  }

  /** The first received (or future) frame that matches; earlier ones stay queued. */
  synchronized Future<Frame> next(Predicate<Frame> match) {
    Iterator<Frame> it = frames.iterator();
    while (it.hasNext()) {
      Frame f = it.next();
      if (match.test(f)) {
        it.remove();
        return Future.succeededFuture(f);
      }
    }
    Promise<Frame> promise = Promise.promise();
    waiters.add(new Waiter(match, promise));
    return promise.future();
  }

  /** The next text frame, as JSON. */
  Future<JsonObject> nextJson() {
    return next(f -> f.opcode() == TEXT).map(Frame::json);
  }

  /** The server's close frame's code. */
  Future<Integer> closeCode() {
    return next(f -> f.opcode() == CLOSE).map(Frame::closeCode);
  }

  /** The close frame's code if one arrived before the TCP connection ended, else 1006 (dropped or reset). */
  Future<Integer> endedWith() {
    return tcpClosed.future().compose(v -> {
      synchronized (this) {
        for (Frame f : frames) {
          if (f.opcode() == CLOSE) {
            return Future.succeededFuture(f.closeCode());
          }
        }
      }
      return Future.succeededFuture(1006);
    });
  }

  Future<Void> tcpClosed() {
    return tcpClosed.future();
  }

  /** Sends one masked frame, as a client must. */
  Future<Void> sendFrame(int opcode, boolean fin, byte[] payload) {
    Buffer frame = Buffer.buffer(payload.length + 14).appendByte((byte) ((fin ? 0x80 : 0) | opcode));
    if (payload.length < 126) {
      frame.appendByte((byte) (0x80 | payload.length));
    } else if (payload.length < 65536) {
      frame.appendByte((byte) (0x80 | 126)).appendUnsignedShort(payload.length);
    } else {
      frame.appendByte((byte) (0x80 | 127)).appendLong(payload.length);
    }
    byte[] mask = {0x5a, 0x13, 0x7e, 0x21};
    frame.appendBytes(mask);
    byte[] masked = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    return socket.write(frame.appendBytes(masked));
  }

  Future<Void> sendText(String text) {
    return sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  Future<Void> send(JsonObject json) {
    return sendText(json.encode());
  }

  Future<Void> close() {
    return socket.close().eventually(client::close);
  }
}
