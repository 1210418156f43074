package io.claw.operator.registry;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.SSLException;

import io.claw.operator.api.ImageParts;
import land.oras.ContainerRef;
import land.oras.Registry;
import land.oras.auth.AuthProvider;
import land.oras.auth.HttpClient;
import land.oras.auth.NoAuthProvider;
import land.oras.auth.Scope;
import land.oras.auth.Scopes;
import land.oras.auth.UsernamePasswordProvider;
import land.oras.exception.OrasException;

/**
 * HEAD on a tag's manifest through the ORAS Java SDK's HTTP client, which answers a registry's
 * Basic or Bearer challenge (the token flow of the distribution spec) with the credentials given.
 * The Accept header names OCI indexes and Docker manifest lists first, so that a multi-arch tag
 * gives the index's digest, the one a node pulls by.
 */
public final class OrasManifestProbe implements ManifestProbe {

  static final String ACCEPT = String.join(", ",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json");
  private static final String DOCKER_HUB_API = "registry-1.docker.io";

  private final HttpClient http;
  private final Registry scopesOnly = Registry.builder().withAuthProvider(new NoAuthProvider()).build();
  private final Set<String> plainHttp;
  private final Map<String, URI> endpoints;
  private final Clock clock;

  /**
   * @param plainHttp registries (host[:port]) spoken to over plain HTTP
   * @param endpoints where to reach a registry instead of at its name, as containerd's hosts.toml
   *     {@code server = "http://10.0.0.5:5000"} says (scheme, host and port)
   */
  public OrasManifestProbe(Duration timeout, Set<String> plainHttp, Map<String, URI> endpoints, Clock clock) {
    this.http = HttpClient.Builder.builder().withTimeout((int) Math.max(1, timeout.toSeconds())).build();
    this.plainHttp = plainHttp;
    this.endpoints = endpoints;
    this.clock = clock;
  }

  /** The registry's API root: its endpoint if one is set, else https (http if listed) at its name. */
  URI root(String registry) {
    URI endpoint = endpoints.get(registry);
    if (endpoint != null) {
      return endpoint;
    }
    String host = registry.equals(ImageParts.DOCKER_HUB) ? DOCKER_HUB_API : registry;
    return URI.create((plainHttp.contains(registry) ? "http" : "https") + "://" + host);
  }

  @Override
  public ProbeAnswer head(ImageParts image, Optional<RegistryCredentials> credentials) {
    URI uri = URI.create(root(image.registry()).toString().replaceAll("/+$", "") + "/v2/" + image.repository()
        + "/manifests/" + image.tag());
    AuthProvider auth = credentials.<AuthProvider>map(c -> new UsernamePasswordProvider(c.username(), c.password()))
        .orElseGet(NoAuthProvider::new);
    ContainerRef ref = ContainerRef.parse(image.registry() + "/" + image.repository() + ":" + image.tag());
    try {
      HttpClient.ResponseWrapper<String> response = http.head(uri, Map.of("Accept", ACCEPT),
          Scopes.of(scopesOnly, ref, Scope.PULL), auth);
      return answer(response.statusCode(), response.headers(), credentials.isPresent());
    } catch (OrasException e) {
      return failure(e, credentials.isPresent());
    }
  }

  ProbeAnswer answer(int status, Map<String, String> headers, boolean withCredentials) {
    Duration retryAfter = header(headers, "Retry-After").flatMap(v -> retryAfter(v, clock)).orElse(null);
    if (status >= 200 && status < 300) {
      return header(headers, "Docker-Content-Digest").filter(d -> d.startsWith("sha256:"))
          .map(ProbeAnswer::found)
          .orElseGet(() -> ProbeAnswer.failed(ProbeAnswer.Cause.REGISTRY_ERROR, null,
              "HTTP " + status + " without a Docker-Content-Digest header"));
    }
    return switch (status) {
      case 401, 403 -> ProbeAnswer.failed(ProbeAnswer.Cause.UNAUTHORIZED, null, "HTTP " + status
          + (withCredentials ? ": the registry refused the pull secret's credentials"
              : ": the registry wants credentials and the instance's pull secrets hold none for it"));
      case 404 -> ProbeAnswer.failed(ProbeAnswer.Cause.NOT_FOUND, null, "HTTP 404: no such tag or repository");
      case 429 -> ProbeAnswer.failed(ProbeAnswer.Cause.THROTTLED, retryAfter, "HTTP 429 Too Many Requests");
      default -> ProbeAnswer.failed(ProbeAnswer.Cause.REGISTRY_ERROR, retryAfter, "HTTP " + status);
    };
  }

  private static ProbeAnswer failure(OrasException e, boolean withCredentials) {
    Integer code = e.getStatusCode();
    if (code != null && code > 0) {
      return ProbeAnswer.failed(code == 401 || code == 403 ? ProbeAnswer.Cause.UNAUTHORIZED
          : ProbeAnswer.Cause.REGISTRY_ERROR, null, "HTTP " + code);
    }
    // the SDK follows Bearer challenges only: a Basic one met without credentials, or a token
    // endpoint that refuses the credentials, ends in an exception about WWW-Authenticate
    if (causes(e).anyMatch(t -> String.valueOf(t.getMessage()).contains("WWW-Authenticate"))) {
      return ProbeAnswer.failed(ProbeAnswer.Cause.UNAUTHORIZED, null, withCredentials
          ? "HTTP 401: the registry refused the pull secret's credentials"
          : "HTTP 401: the registry wants credentials and the instance's pull secrets hold none for it");
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException) {
        return ProbeAnswer.failed(ProbeAnswer.Cause.UNTRUSTED_CERTIFICATE, null,
            "TLS handshake failed (" + t.getMessage() + "); add the registry's CA to the operator's CA bundle, "
                + "or list the registry as plain HTTP");
      }
      if (t instanceof UnknownHostException) {
        return ProbeAnswer.failed(ProbeAnswer.Cause.UNREACHABLE, null, "the name does not resolve: " + t.getMessage());
      }
      if (t instanceof ConnectException) {
        return ProbeAnswer.failed(ProbeAnswer.Cause.UNREACHABLE, null, "connection refused");
      }
      if (t instanceof HttpTimeoutException) {
        return ProbeAnswer.failed(ProbeAnswer.Cause.UNREACHABLE, null, "timed out");
      }
    }
    return ProbeAnswer.failed(ProbeAnswer.Cause.UNREACHABLE, null, rootMessage(e));
  }

  private static java.util.stream.Stream<Throwable> causes(Throwable e) {
    return java.util.stream.Stream.iterate(e, t -> t != null, t -> t.getCause() == t ? null : t.getCause());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static Optional<String> header(Map<String, String> headers, String name) {
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
        .findFirst();
  }

  /** Retry-After as seconds or as an HTTP date (RFC 9110 10.2.3). */
  static Optional<Duration> retryAfter(String value, Clock clock) {
    String v = value.trim();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
        Duration wait = Duration.between(clock.instant(), at.toInstant());
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
