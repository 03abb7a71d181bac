package switchboard.wallet;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import switchboard.wallet.WalletProtocol.ErrorCode;
import switchboard.wallet.impl.EnvelopeReader;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Keccak;
import switchboard.wallet.impl.Secp256k1;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Verifies the EIP-712 verifier against every case of the ethers v6 vectors (test resource vectors/eip712.json). */
class Eip712VectorsTest {

  static JsonArray cases() {
    try (InputStream in = Eip712VectorsTest.class.getResourceAsStream("/vectors/eip712.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonArray("cases");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Eip712Domain domain(JsonObject d) {
    String contract = d.getString("verifyingContract");
    return new Eip712Domain(d.getString("name"), d.getString("version"), BigInteger.valueOf(d.getLong("chainId")),
        contract == null ? null : Hex.decode(contract, 20));
  }

  private static Eip712Verifier verifier(JsonObject c) {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(c.getLong("suggestedNow")), ZoneOffset.UTC);
    return new Eip712Verifier(domain(c.getJsonObject("domain")), clock, Duration.ofMinutes(15));
  }

  /** Verifies that the vectors file holds the 15 cases the README announces, of every kind. */
  @Test
  void vectorsCoverEveryKind() {
    List<String> kinds = cases().stream().map(o -> ((JsonObject) o).getString("expect")).toList();
    assertThat(kinds).hasSize(15).contains("valid", "valid-v-normalised", "invalid-signature", "reject-high-s",
        "expired-deadline");
  }

  /** Verifies that each vector's envelope gets exactly the verdict the vector expects. */
  @TestFactory
  Stream<DynamicTest> everyVector() {
    return cases().stream().map(o -> (JsonObject) o).map(c -> DynamicTest.dynamicTest(c.getString("id"), () -> {
      // GIVEN the envelope text exactly as the client sent it, judged at the case's suggested time
      String envelope = c.getString("envelope");
      Eip712Verifier verifier = verifier(c);
      // WHEN it is read and verified
      SignedMessage m = new EnvelopeReader().read(envelope, new JsonObject(envelope));
      Eip712Verifier.Result result = verifier.verify(m);
      // THEN the payload bytes, the domain, the digest and the verdict are the vector's
      byte[] payloadBytes = m.payloadJson().getBytes(StandardCharsets.UTF_8);
      assertThat(m.payloadJson()).isEqualTo(c.getString("payloadJson"));
      assertThat(payloadBytes).isEqualTo(Base64.getDecoder().decode(c.getString("payloadJsonUtf8Base64")));
      assertThat(payloadBytes).hasSize(c.getInteger("payloadJsonUtf8Length"));
      assertThat(Hex.encode(Keccak.hash(payloadBytes))).isEqualTo(
          c.getString("signedPayloadJson") == null ? c.getString("payloadHash")
              : Hex.encode(Keccak.hash(c.getString("payloadJson"))));
      assertThat(Hex.encode(domain(c.getJsonObject("domain")).separator())).isEqualTo(c.getString("domainSeparator"));
      assertThat(Hex.encode(result.digest())).isEqualTo(c.getString("expectedServerHash"));
      switch (c.getString("expect")) {
        case "valid", "valid-v-normalised" -> {
          assertThat(result.ok()).as(result.reason()).isTrue();
          assertThat(result.signer()).isEqualTo(Hex.decode(c.getString("callerAddress"), 20));
        }
        case "invalid-signature" -> assertThat(result.error()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
        case "reject-high-s" -> {
          assertThat(result.error()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
          // a bare ecrecover does yield the caller: only the explicit low-s rule refuses it
          assertThat(Secp256k1.recoverAddress(result.digest(), m.v() - 27, m.r(), m.s()))
              .isEqualTo(Hex.decode(c.getString("callerAddress"), 20));
        }
        case "expired-deadline" -> assertThat(result.error()).isEqualTo(ErrorCode.EXPIRED_DEADLINE);
        default -> throw new AssertionError("unknown expect " + c.getString("expect"));
      }
      String recovered = c.getString("recoveredAddress");
      if (recovered != null) {
        assertThat(Secp256k1.recoverAddress(result.digest(), m.v() - 27, m.r(), m.s()))
            .isEqualTo(Hex.decode(recovered, 20));
      }
    }));
  }

  /** Verifies that the signer's private key of each vector maps to its recorded address. */
  @Test
  void privateKeysMapToTheirAddresses() {
    for (Object o : cases()) {
      JsonObject c = (JsonObject) o;
      BigInteger key = new BigInteger(1, Hex.decode(c.getString("signerPrivateKey"), 32));
      assertThat(Secp256k1.address(Secp256k1.publicKey(key)))
          .isEqualTo(Hex.decode(c.getString("signerAddress"), 20));
    }
  }
}
