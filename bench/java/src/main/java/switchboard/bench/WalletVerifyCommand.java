package switchboard.bench;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import switchboard.wallet.Eip712Domain;
import switchboard.wallet.Eip712Verifier;
import switchboard.wallet.impl.EnvelopeReader;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * wallet-verify: the gateway's per-message verification on one thread in a warm loop (a microbenchmark
 * main, not JMH): parse the envelope JSON, cut out the payload text ({@link EnvelopeReader}), recompute the
 * EIP-712 digest and recover the signer ({@link Eip712Verifier}). The same work ethers' verifyTypedData
 * does in {@code bench/node/verify.js}.
 */
@Command(name = "wallet-verify", mixinStandardHelpOptions = true,
    description = "The wallet gateway's EIP-712 verification per second on one thread.")
public final class WalletVerifyCommand implements Callable<Integer> {

  private static final int MESSAGES = 200;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Eip712Domain domain = Eip712Domain.gateway(BigInteger.valueOf(31337), null);
    Eip712Verifier verifier = new Eip712Verifier(domain, Clock.systemUTC(), Duration.ofMinutes(15));
    EnvelopeReader reader = new EnvelopeReader();
    WalletSigner wallet = new WalletSigner(new SecureRandom());
    long deadline = System.currentTimeMillis() / 1000 + 600;
    List<String> envelopes = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      envelopes.add(wallet.envelope(domain.separator(), "GET_BALANCE", deadline,
          "{\"requestId\":\"r-" + i + "\",\"domainSeparators\":[\"0x" + "11".repeat(32) + "\"]}"));
    }
    long end = System.nanoTime() + common.warmup().toNanos();
    for (int i = 0; System.nanoTime() < end; i++) {
      verify(verifier, reader, envelopes.get(i % MESSAGES));
    }
    long n = 0;
    long start = System.nanoTime();
    long cpu0 = ProcessCpu.selfMicros();
    end = start + common.measure().toNanos() / 2;
    while (System.nanoTime() < end) {
      verify(verifier, reader, envelopes.get((int) (n++ % MESSAGES)));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpu = ProcessCpu.selfMicros() - cpu0;
    Results.write(common.out, new JsonObject().put("scenario", "wallet").put("target", "java")
        .put("label", "Switchboard Eip712Verifier (Java 17, 1 thread)")
        .put("method", "JSON parse + EnvelopeReader + Eip712Verifier.verify, warm loop (not JMH)")
        .put("verifications", n).put("seconds", Results.round(seconds))
        .put("verificationsPerSecond", Math.round(n / seconds))
        .put("usPerVerification", Results.round(seconds * 1e6 / n))
        .put("cpuUsPerVerification", Results.round((double) cpu / n)));
    return 0;
  }

  private static void verify(Eip712Verifier verifier, EnvelopeReader reader, String text) throws EnvelopeReader.InvalidEnvelope {
    Eip712Verifier.Result result = verifier.verify(reader.read(text, new JsonObject(text)));
    if (!result.ok()) {
      throw new IllegalStateException("envelope did not verify: " + result.error() + " " + result.reason());
    }
  }
}
