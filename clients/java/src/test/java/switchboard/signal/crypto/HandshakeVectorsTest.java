package switchboard.signal.crypto;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Verifies the handshake crypto against the WebCrypto vectors in vectors/signal-ecdh.json, byte for byte. */
class HandshakeVectorsTest {

  private static final Base64.Decoder B64 = Base64.getDecoder();

  static Stream<JsonObject> cases() throws IOException {
    try (InputStream in = HandshakeVectorsTest.class.getResourceAsStream("/vectors/signal-ecdh.json")) {
      JsonArray cases = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonArray("cases");
      assertThat(cases).hasSize(5);
      return cases.stream().map(JsonObject.class::cast);
    }
  }

  private static EcdhKeyPair fromJwkD(JsonObject party) {
    return EcdhKeyPair.fromPrivateScalar(Base64.getUrlDecoder().decode(party.getString("privateKeyJwkD")));
  }

  private static EcdhKeyPair fromPkcs8(JsonObject party) {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(B64.decode(party.getString("privateKeyPkcs8")));
    try {
      ECPrivateKey key = ECPrivateKey.getInstance(info.parsePrivateKey());
      return EcdhKeyPair.fromPrivateScalar(BigIntegers.asUnsignedByteArray(32, key.getKey()));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Verifies that raw and SPKI public keys parse to the same point, and that private keys reproduce them. */
  @ParameterizedTest(name = "{index}")
  @MethodSource("cases")
  void parsesRawAndSpkiKeys(JsonObject c) throws Exception {
    for (String side : List.of("client", "server")) {
      JsonObject party = c.getJsonObject(side);
      // GIVEN the two exported forms of one public key
      ECPublicKeyParameters raw = HandshakeCrypto.parsePublicKey(party.getString("publicKeyRaw"));
      ECPublicKeyParameters spki = HandshakeCrypto.parsePublicKey(party.getString("publicKeySpki"));
      // THEN both give the same point, whose raw encoding is the recorded one
      assertThat(raw.getQ().getEncoded(false)).isEqualTo(spki.getQ().getEncoded(false))
          .isEqualTo(B64.decode(party.getString("publicKeyRaw")));
      // AND the private key (JWK d and PKCS#8) reproduces the public key
      assertThat(fromJwkD(party).publicKeyBase64()).isEqualTo(party.getString("publicKeyRaw"));
      assertThat(fromPkcs8(party).publicKeyBase64()).isEqualTo(party.getString("publicKeyRaw"));
    }
  }

  /** Verifies that both sides compute the recorded ECDH secret and HKDF key. */
  @ParameterizedTest(name = "{index}")
  @MethodSource("cases")
  void derivesSharedSecretAndAesKey(JsonObject c) throws Exception {
    JsonObject client = c.getJsonObject("client");
    JsonObject server = c.getJsonObject("server");
    byte[] expectedSecret = B64.decode(c.getString("sharedSecret"));
    // WHEN the server agrees with the client's raw key and the client with the server's SPKI key
    byte[] serverSide = fromJwkD(server).agree(HandshakeCrypto.parsePublicKey(client.getString("publicKeyRaw")));
    byte[] clientSide = fromJwkD(client).agree(HandshakeCrypto.parsePublicKey(server.getString("publicKeySpki")));
    // THEN both get the recorded 32-byte secret
    assertThat(serverSide).hasSize(32).isEqualTo(expectedSecret);
    assertThat(clientSide).isEqualTo(expectedSecret);
    // AND HKDF with the salt and the UTF-8 info gives the recorded AES key
    assertThat(c.getString("info").getBytes(StandardCharsets.UTF_8)).isEqualTo(B64.decode(c.getString("infoUtf8Base64")));
    byte[] key = HandshakeCrypto.deriveAesKey(expectedSecret, B64.decode(c.getString("salt")), c.getString("info"));
    assertThat(key).isEqualTo(B64.decode(c.getString("aesKey")));
  }

  /** Verifies that every recorded message decrypts to its plaintext and re-encrypts to its ciphertext and wire frame. */
  @ParameterizedTest(name = "{index}")
  @MethodSource("cases")
  void decryptsAndEncryptsEveryMessage(JsonObject c) throws Exception {
    // GIVEN the session cipher the server would build for this handshake
    SessionCipher cipher = new HandshakeCrypto().session(fromJwkD(c.getJsonObject("server")),
        HandshakeCrypto.parsePublicKey(c.getJsonObject("client").getString("publicKeyRaw")),
        B64.decode(c.getString("salt")), c.getString("info"));
    for (Object o : c.getJsonArray("messages")) {
      JsonObject m = (JsonObject) o;
      byte[] plaintext = m.getString("plaintext").getBytes(StandardCharsets.UTF_8);
      assertThat(plaintext).hasSize(m.getInteger("plaintextUtf8Length"));
      // WHEN the wire frame is opened
      String opened = cipher.open(new JsonObject(m.getString("wireFrame")).getJsonObject("data"));
      // THEN it is the plaintext
      assertThat(opened).isEqualTo(m.getString("plaintext"));
      // AND encrypting the plaintext with the recorded IV gives the recorded ciphertext and frame
      SessionCipher.Sealed sealed = cipher.encrypt(plaintext, B64.decode(m.getString("iv")));
      assertThat(sealed.ciphertext()).isEqualTo(B64.decode(m.getString("ciphertext")));
      assertThat(sealed.wireFrame()).isEqualTo(m.getString("wireFrame"));
    }
  }

  /** Verifies that a tampered ciphertext and a wrong key are refused, never mis-decrypted. */
  @ParameterizedTest(name = "{index}")
  @MethodSource("cases")
  void refusesTamperedAndWrongKeyCiphertext(JsonObject c) throws Exception {
    JsonObject m = c.getJsonArray("messages").getJsonObject(0);
    byte[] iv = B64.decode(m.getString("iv"));
    byte[] ct = B64.decode(m.getString("ciphertext"));
    SessionCipher right = new SessionCipher(B64.decode(c.getString("aesKey")), new SecureRandom());
    byte[] tampered = ct.clone();
    tampered[0] ^= 1;
    byte[] otherKey = B64.decode(c.getString("aesKey"));
    otherKey[31] ^= 1;
    SessionCipher wrong = new SessionCipher(otherKey, new SecureRandom());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> right.decrypt(iv, tampered))
        .isInstanceOf(DecryptionException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrong.decrypt(iv, ct))
        .isInstanceOf(DecryptionException.class);
    // the cipher is still usable after a failure
    assertThat(new String(right.decrypt(iv, ct), StandardCharsets.UTF_8)).isEqualTo(m.getString("plaintext"));
  }
}
