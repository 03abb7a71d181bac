package switchboard.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import switchboard.app.AppConfig;
import switchboard.app.EnvOverrides;
import switchboard.app.ServiceCatalog;
import switchboard.config.ConfigException;
import switchboard.signal.crypto.DecryptionException;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.InvalidPublicKeyException;
import switchboard.signal.crypto.SessionCipher;
import switchboard.testing.TestNode;
import switchboard.wallet.Eip712Domain;
import switchboard.wallet.Eip712Verifier;
import switchboard.wallet.SignedMessage;
import switchboard.wallet.impl.EnvelopeReader;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for the parsers that read attacker-controlled bytes outside a socket: the Signal decrypt
 * path and public keys, the wallet envelope reader and EIP-712 verifier, and configuration values from the
 * environment. Each may refuse its input only with its documented checked exception; anything else thrown
 * is a finding. In {@code mvn verify} each runs its committed corpus under
 * {@code src/test/resources/switchboard/fuzz/ParserFuzzTestInputs/}; {@code scripts/fuzz} fuzzes for real.
 */
class ParserFuzzTest {

  private static final byte[] KEY = new byte[32];
  private static final SessionCipher CIPHER = new SessionCipher(KEY, new SecureRandom());
  private static final EnvelopeReader ENVELOPES = new EnvelopeReader();
  private static final Eip712Verifier VERIFIER = new Eip712Verifier(
      Eip712Domain.gateway(BigInteger.valueOf(8453), null), Clock.systemUTC(), Duration.ofMinutes(10));
  private static final List<String> ENV_NAMES = List.of("SWITCHBOARD_PROFILE", "SWITCHBOARD_JWT_SECRET",
      "APP_ENV_WEBSOCKET_ECDH_INFO", "SWITCHBOARD_TURN_SECRET", "SWITCHBOARD_FINGERPRINT_API_KEYS",
      "SWITCHBOARD_WALLET_FUND", "SWITCHBOARD_CLUSTER_HOST", "SWITCHBOARD_WALLET_LEDGER_ENABLED",
      "SWITCHBOARD_SIGNAL_PORT", "SWITCHBOARD_WEBFLOW_ENABLED", "SWITCHBOARD_PORT_OFFSET");
  private static final JsonObject BASE_CONFIG = TestNode.ephemeral(new JsonObject());

  /** Verifies that an encrypted frame's data is either opened or refused with DecryptionException. */
  @FuzzTest
  void signalDecrypt(FuzzedDataProvider data) {
    boolean asJson = data.consumeBoolean();
    String text = data.consumeRemainingAsString();
    Object frameData;
    if (asJson) {
      try {
        frameData = new JsonObject(text);
      } catch (DecodeException e) {
        return;
      }
    } else {
      frameData = text;
    }
    try {
      CIPHER.open(frameData);
    } catch (DecryptionException expected) {
      // refused: the documented outcome for anything not sealed with this key
    }
  }

  /** Verifies that whatever is sealed opens to the same text. */
  @FuzzTest
  void signalSealOpensToTheSameText(FuzzedDataProvider data) throws DecryptionException {
    String plaintext = data.consumeRemainingAsString();
    String wire = CIPHER.seal(plaintext);
    JsonObject frame = new JsonObject(wire);
    assertThat(CIPHER.open(frame.getJsonObject("data"))).isEqualTo(plaintext);
  }

  /** Verifies that a client public key is parsed or refused with InvalidPublicKeyException. */
  @FuzzTest
  void signalPublicKey(FuzzedDataProvider data) {
    try {
      if (data.consumeBoolean()) {
        HandshakeCrypto.parsePublicKey(data.consumeRemainingAsString());
      } else {
        HandshakeCrypto.parsePublicKey(data.consumeRemainingAsBytes());
      }
    } catch (InvalidPublicKeyException expected) {
      // refused: the documented outcome (close 4004)
    }
  }

  /** Verifies that a wallet frame is read or refused with InvalidEnvelope, and that verification never throws. */
  @FuzzTest
  void walletEnvelope(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    JsonObject parsed;
    try {
      parsed = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return;
    }
    SignedMessage message;
    try {
      message = ENVELOPES.read(text, parsed);
    } catch (EnvelopeReader.InvalidEnvelope expected) {
      return;
    }
    Eip712Verifier.Result result = VERIFIER.verify(message);
    assertThat(result.ok() || result.error() != null).isTrue();
  }

  /** Verifies that any environment value is applied or refused with a ConfigException naming the key. */
  @FuzzTest
  void environmentValues(FuzzedDataProvider data) {
    Map<String, String> env = new HashMap<>();
    int count = data.consumeInt(0, 4);
    for (int i = 0; i < count; i++) {
      env.put(data.pickValue(ENV_NAMES), data.consumeString(200));
    }
    try {
      AppConfig.read(EnvOverrides.apply(BASE_CONFIG, env), ServiceCatalog.all());
    } catch (ConfigException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
