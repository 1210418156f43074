package io.claw.operator.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A user name and password for one registry, taken from an instance's pull secret. Never printed:
 * {@link #toString()} names the user only, and resolutions are shared by {@link #fingerprint()}.
 */
public record RegistryCredentials(String username, String password) {

  /** Tells credentials apart without holding them in a key or a log line. */
  public String fingerprint() {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((username + '\0' + password).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "RegistryCredentials[username=" + username + ", password=<redacted>]";
  }
}
