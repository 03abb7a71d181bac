package switchboard.fingerprint.impl;

import switchboard.fingerprint.FingerprintProtocol.ErrorCode;

import java.util.Objects;

/** A request the contract refuses with one of its codes; the message is for the client. */
public final class CommandException extends RuntimeException {

  private final ErrorCode code;

  public CommandException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
  }

  public CommandException(ErrorCode code) {
    this(code, code.message());
  }

  public ErrorCode code() {
    return code;
  }
}
