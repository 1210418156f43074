package io.claw.operator.testing;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.claw.operator.api.ClawInstance;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;

/**
 * The operator's client's JSON outside Quarkus, built as Quarkus builds it: a mapper that each
 * given customizer has seen, under fabric8's serialization, with ClawInstance registered as the
 * client registers the types it is given.
 */
public final class ClientJson {

  private ClientJson() {
  }

  public static KubernetesSerialization with(KubernetesClientObjectMapperCustomizer... customizers) {
    ObjectMapper mapper = new ObjectMapper();
    for (KubernetesClientObjectMapperCustomizer customizer : customizers) {
      customizer.customize(mapper);
    }
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, true);
    serialization.registerKubernetesResource(ClawInstance.class);
    return serialization;
  }
}
