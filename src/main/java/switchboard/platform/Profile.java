package switchboard.platform;

/** Deployment profile: {@code dev} tolerates built-in dev secrets and dev-only features; {@code prod} refuses them. */
public enum Profile {
  DEV, PROD;

  public boolean isDev() {
    return this == DEV;
  }
}
