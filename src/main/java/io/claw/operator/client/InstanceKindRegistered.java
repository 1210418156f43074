package io.claw.operator.client;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.claw.operator.api.ClawInstance;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapper;
import io.quarkus.kubernetes.client.KubernetesResources;

/**
 * The client's serialization as Quarkus builds it (the customized mapper, the model classes found
 * at build time), with ClawInstance registered as well. Quarkus does not register an application's
 * custom resources, and fabric8 reads an unregistered kind in a watch event as a generic resource,
 * which the watch then converts to the informer's class: every instance event read three times on
 * the event loop (tree, generic resource, ClawInstance) instead of once.
 */
@Singleton
public class InstanceKindRegistered {

  @Produces
  @Singleton
  @SuppressWarnings({"rawtypes", "unchecked"}) // the bean Quarkus produces is a raw Class[]
  KubernetesSerialization kubernetesSerialization(@KubernetesClientObjectMapper ObjectMapper mapper,
      @KubernetesResources Class[] foundAtBuildTime) {
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, false);
    for (Class found : foundAtBuildTime) {
      serialization.registerKubernetesResource(found);
    }
    serialization.registerKubernetesResource(ClawInstance.class);
    return serialization;
  }
}
