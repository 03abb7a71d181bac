package switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * A WebSocket client on a plain blocking socket that writes whatever bytes a test asks for: frames with RSV1
 * set (permessage-deflate), invalid UTF-8, frames a well-behaved library would refuse to send. For abuse
 * tests only; runs on the test thread.
 */
public final class RawWebSocket implements AutoCloseable {

  /** One frame as the server sent it. */
  public record Frame(int opcode, boolean fin, byte[] payload) {

    /** The close code of a close frame, or -1. */
    public int closeCode() {
      return opcode == 8 && payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int status;
  private final Map<String, String> headers;

  private RawWebSocket(Socket socket, int status, Map<String, String> headers) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.status = status;
    this.headers = headers;
  }

  /** Sends an upgrade to {@code path} with {@code extraHeaders} and reads the answer's head. */
  public static RawWebSocket open(int port, String path, Map<String, String> extraHeaders) {
    try {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(30_000);
      byte[] nonce = new byte[16];
      RANDOM.nextBytes(nonce);
      StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
          + Base64.getEncoder().encodeToString(nonce) + "\r\n");
      extraHeaders.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
      request.append("\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      String[] lines = readHead(in).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
      }
      return new RawWebSocket(socket, status, headers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed in the response head");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  public int status() {
    return status;
  }

  /** A response header, by lower-case name, or null. */
  public String header(String name) {
    return headers.get(name);
  }

  /** Writes one masked frame. */
  public void send(int opcode, boolean fin, boolean rsv1, byte[] payload) {
    try {
      ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
      frame.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else if (payload.length < 65536) {
        frame.write(0x80 | 126);
        frame.write(payload.length >>> 8);
        frame.write(payload.length & 0xff);
      } else {
        frame.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          frame.write((int) ((long) payload.length >>> shift) & 0xff);
        }
      }
      byte[] mask = new byte[4];
      RANDOM.nextBytes(mask);
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i & 3]);
      }
      out.write(frame.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void sendText(byte[] utf8) {
    send(1, true, false, utf8);
  }

  /** The next frame, or null when the server ended the connection. */
  public Frame read() {
    try {
      int b0 = in.read();
      if (b0 < 0) {
        return null;
      }
      int b1 = readByte();
      long length = b1 & 0x7f;
      if (length == 126) {
        length = (readByte() << 8) | readByte();
      } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; i++) {
          length = (length << 8) | readByte();
        }
      }
      byte[] payload = in.readNBytes((int) length);
      return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
    } catch (IOException e) {
      return null;
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException();
    }
    return b;
  }

  /** Reads frames until the server's close frame; answers its code, or -1 when the connection just ended. */
  public int awaitClose() {
    for (Frame f = read(); f != null; f = read()) {
      if (f.opcode() == 8) {
        return f.closeCode();
      }
    }
    return -1;
  }

  /**
   * A permessage-deflate payload (RFC 7692: raw deflate, sync flush, the trailing 00 00 ff ff removed) that
   * inflates to {@code inflatedBytes} copies of {@code fill}, built without holding the inflated bytes.
   */
  public static byte[] deflateBomb(long inflatedBytes, byte fill) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    byte[] chunk = new byte[1 << 20];
    java.util.Arrays.fill(chunk, fill);
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    for (long left = inflatedBytes; left > 0; left -= chunk.length) {
      deflater.setInput(chunk, 0, (int) Math.min(chunk.length, left));
      while (!deflater.needsInput()) {
        compressed.write(buf, 0, deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH));
      }
    }
    int n;
    do {
      n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
      compressed.write(buf, 0, n);
    } while (n == buf.length);
    deflater.end();
    byte[] all = compressed.toByteArray();
    return java.util.Arrays.copyOf(all, all.length - 4);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
