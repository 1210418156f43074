package io.claw.operator.reconciler;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.claw.operator.api.ClawInstanceSpec;
import io.claw.operator.api.ImageParts;
import io.claw.operator.api.PullPolicyRule;
import io.claw.operator.api.PullPolicyRules;
import io.claw.operator.api.TagResolution;
import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.config.RegistryCaBundle;
import io.claw.operator.registry.DockerConfigCredentials;
import io.claw.operator.registry.DockerKeyring;
import io.claw.operator.registry.OrasManifestProbe;
import io.claw.operator.registry.RegistryBudget;
import io.claw.operator.registry.RegistryCredentials;
import io.claw.operator.registry.ResolutionSchedule;
import io.claw.operator.registry.TagResolver;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The operator's side of tag resolution: which mode an instance gets, which registries are never
 * asked, the credentials its pull secrets hold for a registry, and the resolver built from the
 * settings (checked here, at startup, with messages that name them; the CA bundle is
 * {@link RegistryCaBundle}'s).
 */
final class TagResolutionSetup {

  static final double JITTER = 0.1;
  /** Threads that ask registries: a HEAD is short, and a slow registry must not hold up the others. */
  private static final int RESOLVER_THREADS = 2;

  private final ClawOperatorConfig.TagResolutionSettings settings;
  private final PullPolicyRules rules;
  private final List<Pattern> neverResolve;
  private final Map<String, URI> endpoints;

  TagResolutionSetup(ClawOperatorConfig config) {
    this.settings = config.tagResolution();
    this.rules = config.pullPolicyRules();
    this.neverResolve = globs(settings.neverResolve().orElse(List.of()));
    String prefix = ClawOperatorConfig.TAG_RESOLUTION;
    if (settings.interval().toSeconds() < 1) {
      throw new IllegalArgumentException(prefix + ".interval must be at least 1s, got " + settings.interval());
    }
    if (settings.registryBudget() < 1) {
      throw new IllegalArgumentException(prefix + ".registry-budget must be at least 1, got " + settings.registryBudget());
    }
    this.endpoints = endpoints(settings.endpoints().orElse(List.of()));
    if (settings.maxBackOff().compareTo(settings.interval()) < 0) {
      throw new IllegalArgumentException(prefix + ".max-back-off (" + settings.maxBackOff()
          + ") must not be shorter than " + prefix + ".interval (" + settings.interval() + ")");
    }
  }

  /** The resolver, with the CA bundle trusted. Built once, at startup. */
  TagResolver<ResourceID> resolver(Clock clock) {
    settings.caBundle().ifPresent(RegistryCaBundle::trust);
    return new TagResolver<>(new OrasManifestProbe(settings.timeout(), settings.insecureRegistries().orElse(Set.of()),
        endpoints, clock), new ResolutionSchedule(settings.interval(), settings.maxBackOff(), JITTER),
        new RegistryBudget(settings.registryBudget(), settings.interval()), clock, RESOLVER_THREADS);
  }

  /** name=URL entries, each checked: a name, and an http or https URL with a host. */
  static Map<String, URI> endpoints(List<String> entries) {
    Map<String, URI> parsed = new LinkedHashMap<>();
    for (String entry : entries) {
      String text = entry.trim();
      if (text.isEmpty()) {
        continue;
      }
      int eq = text.indexOf('=');
      URI uri = null;
      if (eq > 0) {
        try {
          uri = URI.create(text.substring(eq + 1).trim());
        } catch (IllegalArgumentException e) {
          uri = null;
        }
      }
      if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new IllegalArgumentException("Invalid " + ClawOperatorConfig.TAG_RESOLUTION + ".endpoints entry '" + text
            + "': expected registry=URL, e.g. registry.local=http://10.0.0.5:5000");
      }
      parsed.put(text.substring(0, eq).trim(), uri);
    }
    return Map.copyOf(parsed);
  }

  TagResolution mode(ClawInstanceSpec spec, ImageParts image) {
    return mode(spec.getTagResolution(), rules.tagResolutionRule(image), settings.defaultMode());
  }

  /** spec.tagResolution, else the first rule that sets one, else the operator's default. */
  static TagResolution mode(TagResolution spec, Optional<PullPolicyRule> rule, TagResolution operatorDefault) {
    return spec != null ? spec : rule.map(PullPolicyRule::tagResolution).orElse(operatorDefault);
  }

  boolean neverResolves(String registry) {
    return neverResolves(neverResolve, registry);
  }

  static boolean neverResolves(List<Pattern> globs, String registry) {
    return globs.stream().anyMatch(p -> p.matcher(registry).matches());
  }

  /** host[:port] globs, {@code *} matching any run of characters. */
  static List<Pattern> globs(List<String> globs) {
    return globs.stream().map(String::trim).filter(glob -> !glob.isEmpty())
        .map(glob -> Pattern.compile(Pattern.quote(glob).replace("*", "\\E.*\\Q"))).toList();
  }

  /**
   * Every credential of the named pull secrets that serves the image, in the order the kubelet
   * tries them ({@link DockerKeyring}). Read only for instances that resolve tags; the values stay
   * in the resolver's entry and are never logged. Empty when the Secrets may not be read.
   */
  static List<RegistryCredentials> credentials(NamedSecrets read, List<String> secrets, ImageParts image) {
    DockerKeyring keyring = new DockerKeyring();
    for (String name : secrets) {
      Optional<Secret> secret;
      try {
        secret = read.get(name);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403) {
          return List.of();
        }
        throw e;
      }
      keyring.add(DockerConfigCredentials.entries(secret.map(Secret::getData).orElse(null)));
    }
    return keyring.lookup(image);
  }

}
