package io.claw.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;


class EffectivePullPolicyTest {

  @ParameterizedTest
  @EnumSource(PullPolicy.class)
  void operatorDefaultAppliesWhenSpecIsSilent(PullPolicy operatorDefault) {
    var effective = EffectivePullPolicy.resolve(null, operatorDefault);
    assertEquals(operatorDefault, effective.policy());
    assertEquals(PullPolicySource.OPERATOR_DEFAULT, effective.source());
  }

  @ParameterizedTest
  @EnumSource(PullPolicy.class)
  void specWinsOverEveryOperatorDefault(PullPolicy fromSpec) {
    for (PullPolicy operatorDefault : PullPolicy.values()) {
      var effective = EffectivePullPolicy.resolve(fromSpec, operatorDefault);
      assertEquals(fromSpec, effective.policy());
      assertEquals(PullPolicySource.SPEC, effective.source());
    }
  }
}
