package io.claw.operator.api;


/** The pull policy a Pod gets, and why: the instance's own choice wins over the operator default. */
public record EffectivePullPolicy(PullPolicy policy, PullPolicySource source) {

  public static EffectivePullPolicy resolve(PullPolicy fromSpec, PullPolicy operatorDefault) {
    return fromSpec != null
        ? new EffectivePullPolicy(fromSpec, PullPolicySource.SPEC)
        : new EffectivePullPolicy(operatorDefault, PullPolicySource.OPERATOR_DEFAULT);
  }
}
