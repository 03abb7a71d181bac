package switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import switchboard.auth.JwtVerifier;
import switchboard.auth.TokenMinter;
import switchboard.config.ConfigReader;
import switchboard.config.JwtConfig;
import switchboard.signal.crypto.EcdhKeyPair;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.InvalidPublicKeyException;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * crypto: the raw cost of the server's side of one Signal handshake, in a warm loop on one thread (a
 * microbenchmark main, not JMH) with the Signal service's own crypto classes: HS256 JWT verification
 * through the platform's verifier, parsing the client's key, P-256 key generation, ECDH and HKDF-SHA256.
 * Each part is timed on its own as well.
 */
@Command(name = "crypto", mixinStandardHelpOptions = true,
    description = "Raw handshake crypto per second on one thread (keygen + ECDH + HKDF + JWT verify).")
public final class CryptoCommand implements Callable<Integer> {

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      String secret = Targets.jwtSecret();
      JwtVerifier verifier = new JwtVerifier(vertx, JwtConfig.read(new ConfigReader(
          new JsonObject().put("hs256Secret", secret))));
      String token = new TokenMinter(vertx, secret).mint("bench-crypto", List.of("user"), 3600);
      ServerHandshake work = new ServerHandshake(verifier, token, new HandshakeCrypto().generateKeyPair().publicKeyBase64());
      long deadline = System.nanoTime() + common.warmup().toNanos();
      while (System.nanoTime() < deadline) {
        work.all();
      }
      JsonObject result = new JsonObject().put("scenario", "handshake").put("target", "crypto")
          .put("label", "raw crypto, 1 thread").put("method", "warm-loop microbenchmark main (not JMH)");
      double seconds = common.measure().toMillis() / 1000.0;
      long ops = 0;
      long t0 = System.nanoTime();
      long c0 = ProcessCpu.selfMicros();
      deadline = t0 + common.measure().toNanos() * 6 / 10;
      while (System.nanoTime() < deadline) {
        work.all();
        ops++;
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long cpu = ProcessCpu.selfMicros() - c0;
      result.put("operations", ops).put("seconds", Results.round(elapsed))
          .put("handshakesPerSecond", Math.round(ops / elapsed))
          .put("usPerHandshake", Results.round(elapsed * 1e6 / ops))
          .put("cpuUsPerHandshake", Results.round((double) cpu / ops));
      double partSeconds = seconds * 0.1;
      result.put("parts", new JsonObject()
          .put("keygenUs", time(work::keygen, partSeconds))
          .put("ecdhUs", time(work::ecdh, partSeconds))
          .put("hkdfUs", time(work::hkdf, partSeconds))
          .put("jwtVerifyUs", time(work::jwt, partSeconds)));
      Results.write(common.out, result);
    } finally {
      vertx.close().await();
    }
    return 0;
  }

  private static double time(Runnable op, double seconds) {
    long ops = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    while (System.nanoTime() < deadline) {
      op.run();
      ops++;
    }
    return Results.round((System.nanoTime() - start) / 1000.0 / ops);
  }

  /** What the server computes for one client: its key pair, the shared key, and the token check. */
  private static final class ServerHandshake {
    private final JwtVerifier verifier;
    private final String token;
    private final String clientPublicKey;
    private final HandshakeCrypto crypto = new HandshakeCrypto();
    private final EcdhKeyPair fixed = crypto.generateKeyPair();
    private final ECPublicKeyParameters peer;
    private final byte[] secret = new byte[32];
    private final byte[] salt = crypto.newSalt();

    ServerHandshake(JwtVerifier verifier, String token, String clientPublicKey) throws InvalidPublicKeyException {
      this.verifier = verifier;
      this.token = token;
      this.clientPublicKey = clientPublicKey;
      this.peer = HandshakeCrypto.parsePublicKey(clientPublicKey);
    }

    /** The whole server side: JWT, parse the client key, key pair, salt, ECDH, HKDF. */
    void all() {
      jwt();
      try {
        EcdhKeyPair own = crypto.generateKeyPair();
        HandshakeCrypto.deriveAesKey(own.agree(HandshakeCrypto.parsePublicKey(clientPublicKey)), crypto.newSalt(), "bench");
      } catch (InvalidPublicKeyException e) {
        throw new IllegalStateException(e);
      }
    }

    void keygen() {
      crypto.generateKeyPair();
    }

    void ecdh() {
      fixed.agree(peer);
    }

    void hkdf() {
      HandshakeCrypto.deriveAesKey(secret, salt, "bench");
    }

    void jwt() {
      if (verifier.verify(token).await() == null) {
        throw new IllegalStateException("token refused");
      }
    }
  }
}
