package io.claw.operator.api;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The operator's rules in their order, with their globs compiled once. */
public final class PullPolicyRules {

  public static final PullPolicyRules NONE = new PullPolicyRules(List.of());

  private final List<Compiled> rules;

  private record Compiled(PullPolicyRule rule, Pattern repository, Pattern tag) {

    boolean matches(ImageParts image) {
      // the registry as the kubelet matches a pull secret's key: rules that mark credentials name the same registries
      return (rule.registry() == null || RegistryGlob.matches(rule.registry(), image.registry()))
          && (repository == null || repository.matcher(image.repository()).matches())
          && (tag == null || (image.tag() != null && tag.matcher(image.tag()).matches()))
          && (rule.digest() == null || (rule.digest() == PullPolicyRule.Digest.PINNED) == image.pinned());
    }
  }

  public PullPolicyRules(List<PullPolicyRule> rules) {
    this.rules = rules.stream().map(r -> new Compiled(r, glob(r.repository()), glob(r.tag())))
        .toList();
  }

  public List<PullPolicyRule> list() {
    return rules.stream().map(Compiled::rule).toList();
  }

  /** The first rule that matches the image and sets a pull policy. */
  public Optional<PullPolicyRule> firstMatch(ImageParts image) {
    return first(image, PullPolicyRule::setsPullPolicy);
  }

  /** The first rule that matches the image and sets a tag resolution. */
  public Optional<PullPolicyRule> tagResolutionRule(ImageParts image) {
    return first(image, rule -> rule.tagResolution() != null);
  }

  /** The first rule that marks the image's registry as needing credentials, wherever it stands in the list. */
  public Optional<PullPolicyRule> credentialsRule(ImageParts image) {
    return first(image, PullPolicyRule::credentialsRequired);
  }

  private Optional<PullPolicyRule> first(ImageParts image, Predicate<PullPolicyRule> which) {
    return rules.stream().filter(c -> which.test(c.rule()) && c.matches(image)).map(Compiled::rule).findFirst();
  }

  private static Pattern glob(String glob) {
    return glob == null ? null : PullPolicyRule.compile(glob);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PullPolicyRules that && list().equals(that.list());
  }

  @Override
  public int hashCode() {
    return list().hashCode();
  }

  @Override
  public String toString() {
    return list().toString();
  }
}
