package io.claw.operator.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.claw.operator.api.ImageParts;
import io.claw.operator.api.RegistryGlob;

/**
 * The credentials of an instance's pull secrets for an image, matched as the kubelet matches them
 * (kubernetes/kubernetes pkg/credentialprovider/keyring.go: {@code BasicDockerKeyring.Add},
 * {@code Lookup}, {@code URLsMatch}, {@code isDefaultRegistryMatch}): a key's scheme is dropped and
 * a {@code /v1/} or {@code /v2/} path is the registry itself; each host label is a glob of its own
 * ({@code *.example.com} is one label deep); the port must be equal; the key's path must be a
 * prefix of the image's; every key that matches gives its credentials, the most specific key
 * first, so that the caller tries each in turn as the kubelet does; Docker Hub's
 * {@code index.docker.io} key serves Docker Hub images when no other key matches.
 */
public final class DockerKeyring {

  private static final String DEFAULT_REGISTRY_HOST = "index.docker.io";

  /** key -> credentials, in the order the Secrets and their entries gave them. */
  private final Map<String, List<RegistryCredentials>> byKey = new LinkedHashMap<>();

  /** Adds one Secret's entries: its docker config keys and the credentials each holds. */
  public void add(Map<String, RegistryCredentials> entries) {
    entries.forEach((location, credentials) -> key(location)
        .ifPresent(key -> byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(credentials)));
  }

  /** The credentials for an image, in the order the kubelet tries them; empty when none match. */
  public List<RegistryCredentials> lookup(ImageParts image) {
    String target = image.registry() + "/" + image.repository();
    List<RegistryCredentials> found = new ArrayList<>();
    // reverse-sorted keys: quay.io/coreos before quay.io
    TreeSet<String> index = new TreeSet<>(Comparator.reverseOrder());
    index.addAll(byKey.keySet());
    for (String key : index) {
      if (urlsMatch(key, target)) {
        found.addAll(byKey.get(key));
      }
    }
    if (found.isEmpty() && isDefaultRegistryMatch(target) && byKey.containsKey(DEFAULT_REGISTRY_HOST)) {
      found.addAll(byKey.get(DEFAULT_REGISTRY_HOST));
    }
    return found;
  }

  /** A docker config key as the kubelet keeps it: no scheme, no /v1/ or /v2/, no trailing slash alone. */
  static java.util.Optional<String> key(String location) {
    String value = location.startsWith("https://") || location.startsWith("http://") ? location : "https://" + location;
    URI parsed;
    try {
      parsed = new URI(value);
    } catch (URISyntaxException e) {
      return java.util.Optional.empty(); // the kubelet ignores an entry it cannot parse
    }
    String host = parsed.getRawAuthority();
    if (host == null) {
      return java.util.Optional.empty();
    }
    String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
    if (path.startsWith("/v2/") || path.startsWith("/v1/")) {
      path = path.substring(3);
    }
    return java.util.Optional.of(path.isEmpty() || path.equals("/") ? host : host + path);
  }

  /** keyring.go URLsMatch, on schemeless strings: the hosts as {@link RegistryGlob}, the glob's path a prefix. */
  static boolean urlsMatch(String glob, String target) {
    String[] globParts = hostAndPath(glob);
    String[] targetParts = hostAndPath(target);
    return RegistryGlob.matches(globParts[0], targetParts[0]) && targetParts[1].startsWith(globParts[1]);
  }

  /** keyring.go isDefaultRegistryMatch: an image of Docker Hub. */
  static boolean isDefaultRegistryMatch(String image) {
    String[] parts = image.split("/", 2);
    if (parts[0].isEmpty()) {
      return false;
    }
    if (parts.length == 1 || parts[0].equals("docker.io") || parts[0].equals("index.docker.io")) {
      return true;
    }
    return !parts[0].contains(".") && !parts[0].contains(":");
  }

  /** host[:port] and path of a schemeless URL, as Go's url.Parse("https://" + it) splits them. */
  private static String[] hostAndPath(String schemeless) {
    int slash = schemeless.indexOf('/');
    return slash < 0 ? new String[] {schemeless, ""} : new String[] {schemeless.substring(0, slash),
        schemeless.substring(slash)};
  }
}
