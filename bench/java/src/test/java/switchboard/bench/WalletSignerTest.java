package switchboard.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import switchboard.wallet.Eip712Domain;
import switchboard.wallet.Eip712Verifier;
import switchboard.wallet.impl.EnvelopeReader;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class WalletSignerTest {

  private final Eip712Domain domain = Eip712Domain.gateway(BigInteger.valueOf(31337), null);
  private final Eip712Verifier verifier = new Eip712Verifier(domain, Clock.systemUTC(), Duration.ofMinutes(15));

  /** Verifies that envelopes signed by the load generator pass the gateway's own verification, v from R's parity included. */
  @Test
  void gatewayAcceptsTheGeneratorsSignatures() throws Exception {
    // GIVEN a generator wallet and a deadline the gateway accepts
    WalletSigner wallet = new WalletSigner(new SecureRandom());
    long deadline = System.currentTimeMillis() / 1000 + 300;
    for (int i = 0; i < 20; i++) {
      // WHEN it signs a GET_BALANCE envelope
      String text = wallet.envelope(domain.separator(), "GET_BALANCE", deadline, "{\"requestId\":\"r-" + i + "\"}");
      Eip712Verifier.Result result = verifier.verify(new EnvelopeReader().read(text, new JsonObject(text)));
      // THEN the gateway recovers the wallet's address from it
      assertThat(result.ok()).as(result.reason()).isTrue();
      assertThat("0x" + org.bouncycastle.util.encoders.Hex.toHexString(result.signer())).isEqualTo(wallet.address());
    }
  }

  /** Verifies that a payload changed after signing is refused, so the test above can fail. */
  @Test
  void tamperedPayloadIsRefused() throws Exception {
    WalletSigner wallet = new WalletSigner(new SecureRandom());
    String text = wallet.envelope(domain.separator(), "GET_BALANCE", System.currentTimeMillis() / 1000 + 300,
        "{\"requestId\":\"a\"}").replace("\"requestId\":\"a\"", "\"requestId\":\"b\"");
    assertThat(verifier.verify(new EnvelopeReader().read(text, new JsonObject(text))).ok()).isFalse();
  }
}
