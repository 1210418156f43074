package io.claw.operator.api;

import java.util.Optional;

/**
 * The pull policy a Pod gets, where it came from, and what the instance should be told about it.
 * Most specific first: spec.pullPolicy, the namespace's annotation, the first matching rule, the
 * operator default, the built-in IfNotPresent. A rule that marks a registry as needing credentials
 * comes before all of them: such an image is pulled with Always, so that the kubelet checks the
 * Pod's own credentials rather than running a copy another tenant pulled onto the node.
 *
 * @param rule the rule's name when source is rule
 * @param notice why a level the instance might expect was passed over; null when none was
 */
public record EffectivePullPolicy(PullPolicy policy, PullPolicySource source, String rule, Notice notice) {

  /** The annotation on a Namespace that sets the default of its instances. */
  public static final String NAMESPACE_ANNOTATION = "claw.io/default-pull-policy";
  public static final PullPolicy BUILT_IN = PullPolicy.IF_NOT_PRESENT;

  /** Said in the status (pullPolicyNote) and once in a Warning Event. */
  public record Notice(String reason, String message) {
  }

  /**
   * Everything the policy is decided from.
   *
   * @param namespaceDefault the namespace's annotation as written; null when it has none or is not read
   * @param specOverridesCredentials whether spec.pullPolicy may stand against a credentials rule
   */
  public record Inputs(PullPolicy spec, String namespace, String namespaceDefault, ImageParts image,
      PullPolicyRules rules, Optional<PullPolicy> operatorDefault, boolean specOverridesCredentials) {
  }

  public EffectivePullPolicy(PullPolicy policy, PullPolicySource source) {
    this(policy, source, null, null);
  }

  public static EffectivePullPolicy resolve(Inputs in) {
    Optional<PullPolicyRule> credentials = in.image() == null ? Optional.empty() : in.rules().credentialsRule(in.image());
    if (credentials.isPresent() && !(in.spec() != null && in.specOverridesCredentials())) {
      PullPolicyRule rule = credentials.get();
      return new EffectivePullPolicy(PullPolicy.ALWAYS, PullPolicySource.RULE, rule.name(),
          overridden(in, rule).orElse(null));
    }
    if (in.spec() != null) {
      return new EffectivePullPolicy(in.spec(), PullPolicySource.SPEC);
    }
    Notice invalid = null;
    if (in.namespaceDefault() != null) {
      Optional<PullPolicy> fromNamespace = PullPolicy.parse(in.namespaceDefault());
      if (fromNamespace.isPresent()) {
        return new EffectivePullPolicy(fromNamespace.get(), PullPolicySource.NAMESPACE);
      }
      invalid = new Notice(Reasons.INVALID_NAMESPACE_DEFAULT, "Namespace " + in.namespace() + " has "
          + NAMESPACE_ANNOTATION + "='" + in.namespaceDefault() + "', which is not one of "
          + PullPolicy.allowedValues() + " (case-sensitive): ignored, the next level applies");
    }
    Optional<PullPolicyRule> rule = in.image() == null ? Optional.empty() : in.rules().firstMatch(in.image());
    if (rule.isPresent()) {
      return new EffectivePullPolicy(rule.get().policy(), PullPolicySource.RULE, rule.get().name(), invalid);
    }
    return in.operatorDefault()
        .map(policy -> new EffectivePullPolicy(policy, PullPolicySource.OPERATOR_DEFAULT, null, null))
        .orElse(new EffectivePullPolicy(BUILT_IN, PullPolicySource.BUILT_IN, null, null))
        .withNotice(invalid);
  }

  /** What a credentials rule overrode, if the instance or its namespace asked for something else. */
  private static Optional<Notice> overridden(Inputs in, PullPolicyRule rule) {
    String why = "images of " + in.image().registry() + " need credentials (rule " + rule.name()
        + "), so the kubelet checks this Pod's own pull secrets on every start: Always";
    if (in.spec() != null && in.spec() != PullPolicy.ALWAYS) {
      return Optional.of(new Notice(Reasons.CREDENTIALS_REQUIRED, "spec.pullPolicy " + in.spec()
          + " is not applied: " + why + ". The operator's setting "
          + "claw.operator.spec-overrides-credentials-required=true lets instances choose"));
    }
    if (in.spec() == null && in.namespaceDefault() != null
        && PullPolicy.parse(in.namespaceDefault()).filter(p -> p != PullPolicy.ALWAYS).isPresent()) {
      return Optional.of(new Notice(Reasons.CREDENTIALS_REQUIRED, "The namespace default "
          + in.namespaceDefault() + " (" + NAMESPACE_ANNOTATION + ") is not applied: " + why));
    }
    return Optional.empty();
  }

  private EffectivePullPolicy withNotice(Notice value) {
    return value == null ? this : new EffectivePullPolicy(policy, source, rule, value);
  }
}
