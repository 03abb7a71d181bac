package switchboard.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The secrets a dev node uses when its configuration names none: generated at random on the first start of
 * an installation, kept in a file only its owner can read ({@code run/dev-secrets.json}, mode 0600) and
 * reused on later starts, so a dev node never accepts tokens or keys anyone who read the source could make.
 * {@code scripts/dev-token} reads the same file. The prod profile never reads or creates it.
 *
 * @param jwtSecret         HS256 secret for platform JWTs (43 base64url characters, 256 bits)
 * @param turnSecret        coturn REST-API secret for SecureCall's TURN credentials
 * @param fingerprintApiKey an {@code ak_test_} API key with every Fingerprint permission
 */
public record DevSecrets(String jwtSecret, String turnSecret, String fingerprintApiKey) {

  /** Where a node started from the repository keeps them. */
  public static final Path DEFAULT_FILE = Path.of("run", "dev-secrets.json");
  /** Overrides {@link #DEFAULT_FILE} for the launcher and for {@code scripts/dev-token}. */
  public static final String FILE_VARIABLE = "SWITCHBOARD_DEV_SECRETS_FILE";

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private static DevSecrets generate(SecureRandom random) {
    return new DevSecrets(randomText(random, 32), randomText(random, 32),
        "ak_test_" + HexFormat.of().formatHex(bytes(random, 16)));
  }

  /** The file named by {@link #FILE_VARIABLE}, else {@link #DEFAULT_FILE}. */
  public static Path fileFrom(java.util.Map<String, String> env) {
    String named = env.get(FILE_VARIABLE);
    return named == null || named.isBlank() ? DEFAULT_FILE : Path.of(named);
  }

  /**
   * Reads the file, creating it with fresh secrets when it does not exist yet. Creation is atomic (written
   * aside, then linked into place), so two nodes starting together end up sharing one set.
   */
  public static DevSecrets loadOrCreate(Path file) {
    Optional<DevSecrets> existing = load(file);
    if (existing.isPresent()) {
      return existing.get();
    }
    DevSecrets fresh = generate(new SecureRandom());
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, ".dev-secrets", ".tmp");
      try {
        restrictToOwner(temp);
        Files.writeString(temp, fresh.toJson().encodePrettily() + "\n", StandardCharsets.UTF_8);
        Files.createLink(file, temp);
      } finally {
        Files.deleteIfExists(temp);
      }
      return fresh;
    } catch (FileAlreadyExistsException lostTheRace) {
      return load(file).orElseThrow();
    } catch (IOException | UnsupportedOperationException e) {
      throw new ConfigException("devSecretsFile", "cannot create " + file + ": " + e.getMessage());
    }
  }

  /** Reads the file if there is one; tightens its mode to 0600 when it is readable by others. */
  public static Optional<DevSecrets> load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ConfigException("devSecretsFile", "cannot read " + file + ": " + e.getMessage());
    }
    try {
      restrictToOwner(file);
    } catch (IOException e) {
      throw new ConfigException("devSecretsFile", "cannot make " + file + " private: " + e.getMessage());
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException("devSecretsFile", file + " is not JSON; delete it to generate new dev secrets");
    }
    ConfigReader r = new ConfigReader(json);
    return Optional.of(new DevSecrets(r.requiredString("jwtSecret"), r.requiredString("turnSecret"),
        r.requiredString("fingerprintApiKey")));
  }

  private JsonObject toJson() {
    return new JsonObject().put("jwtSecret", jwtSecret).put("turnSecret", turnSecret)
        .put("fingerprintApiKey", fingerprintApiKey);
  }

  /** Keeps the secrets out of logs. */
  @Override
  public String toString() {
    return "DevSecrets[3 secrets]";
  }

  private static void restrictToOwner(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view != null && !view.readAttributes().permissions().equals(OWNER_ONLY)) {
      view.setPermissions(OWNER_ONLY);
    }
  }

  private static String randomText(SecureRandom random, int byteCount) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(random, byteCount));
  }

  private static byte[] bytes(SecureRandom random, int count) {
    byte[] out = new byte[count];
    random.nextBytes(out);
    return out;
  }
}
