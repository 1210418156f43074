package io.claw.operator.api;

import java.util.regex.Pattern;

/**
 * A registry glob (host[:port]) matched as the kubelet matches the keys of pull secrets
 * (kubernetes/kubernetes pkg/credentialprovider/keyring.go, URLsMatch): the ports must be equal, the
 * host must have as many labels as the glob, and each label matches the glob's label of the same
 * place as Go's filepath.Match does ({@code *} any run of characters within the label, {@code ?}
 * one, {@code [a-z]} a class). So {@code *.example.com} is one label deep, as for a pull secret, and
 * the tenant-safety rules and the credentials of tag resolution agree with the kubelet on which
 * registry is meant. Pure.
 */
public final class RegistryGlob {

  private RegistryGlob() {
  }

  public static boolean matches(String glob, String hostPort) {
    String[] globHost = splitPort(glob);
    String[] host = splitPort(hostPort);
    if (!globHost[1].equals(host[1])) {
      return false;
    }
    String[] globLabels = globHost[0].split("\\.", -1);
    String[] labels = host[0].split("\\.", -1);
    if (globLabels.length != labels.length) {
      return false;
    }
    for (int i = 0; i < globLabels.length; i++) {
      if (!labelMatches(globLabels[i], labels[i])) {
        return false;
      }
    }
    return true;
  }

  /** net.SplitHostPort, or the whole host and no port when there is none. */
  private static String[] splitPort(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0 || hostPort.endsWith("]")) {
      return new String[] {hostPort, ""};
    }
    return new String[] {hostPort.substring(0, colon), hostPort.substring(colon + 1)};
  }

  /** Go's filepath.Match for one label; a malformed class matches nothing, as Go's ErrBadPattern. */
  static boolean labelMatches(String glob, String label) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        case '[' -> {
          int end = glob.indexOf(']', i + 1);
          if (end < 0) {
            return false;
          }
          regex.append('[').append(glob, i + 1, end).append(']'); // [a-z], [^x]: the same in both
          i = end;
        }
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.matches(regex.toString(), label);
  }
}
