package io.claw.operator.reconciler;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.InstanceService;
import io.claw.operator.cache.WithoutManagedFields;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.status.ServiceFacts;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

/**
 * The instance's Service (spec.service): its event source, the desired Service, what to do about
 * the live one (pure: {@link #decide}) and the writes. Named as the instance, selecting its Pod
 * by the operator's three labels, which no other instance's Pod carries with the same values.
 * It goes with the instance (owner reference) and when spec.service is removed; stopping the
 * instance keeps it, with no endpoints.
 */
final class OwnedService {

  private static final Logger LOG = Logger.getLogger(OwnedService.class);

  private InformerEventSource<Service, ClawInstance> eventSource;

  InformerEventSource<Service, ClawInstance> eventSource(EventSourceContext<ClawInstance> context, long listPage) {
    var configuration = InformerEventSourceConfiguration.from(Service.class, ClawInstance.class)
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ClawInstance.class))
        .withItemStore(new WithoutManagedFields<>())
        .withInformerListLimit(listPage)
        .build();
    eventSource = new InformerEventSource<>(configuration, context);
    return eventSource;
  }

  Optional<Service> cached(ClawInstance instance) {
    return eventSource.get(new ResourceID(instance.getMetadata().getName(), instance.getMetadata().getNamespace()));
  }

  sealed interface Decision {
  }

  /** No spec.service and no Service of the instance's. */
  record None() implements Decision {
  }

  /** spec.service was removed: the instance's Service goes (it holds no data). */
  record Delete(Service live) implements Decision {
  }

  record Create(Service desired) implements Decision {
  }

  /** Type, selector or ports differ from spec.service: they are set. */
  record Update(Service live, Service desired) implements Decision {
  }

  /** Another's Service holds the name; it is not touched. */
  record NameConflict() implements Decision {
  }

  record Keep(Service live) implements Decision {
  }

  static Service desired(ClawInstance instance) {
    InstanceService service = instance.getSpec().getService();
    List<ServicePort> ports = ClawPod.appPorts(instance.getSpec()).stream()
        .map(p -> new ServicePortBuilder().withName(p.getName()).withPort(p.getPort()).withProtocol(p.protocolOrDefault())
            .withTargetPort(new IntOrString(p.getName())).build())
        .toList();
    return new ServiceBuilder()
        .withNewMetadata()
          .withName(instance.getMetadata().getName())
          .withNamespace(instance.getMetadata().getNamespace())
          .withLabels(Labels.forInstance(instance))
          .withOwnerReferences(Labels.controlledBy(instance))
        .endMetadata()
        .withNewSpec()
          .withType(service.typeOrDefault())
          .withSelector(Labels.forInstance(instance))
          .withPorts(ports)
        .endSpec()
        .build();
  }

  static Decision decide(ClawInstance instance, Optional<Service> cached) {
    boolean ours = cached.map(s -> PodDecision.isControlledBy(s, instance)).orElse(false);
    if (instance.getSpec().getService() == null) {
      return ours ? new Delete(cached.get()) : new None();
    }
    if (cached.isEmpty()) {
      return new Create(desired(instance));
    }
    if (!ours) {
      return new NameConflict();
    }
    Service desired = desired(instance);
    return matches(cached.get(), desired) ? new Keep(cached.get()) : new Update(cached.get(), desired);
  }

  /** Type, selector and each port's name, number, protocol and target; what the API server assigns is not compared. */
  static boolean matches(Service live, Service desired) {
    List<ServicePort> livePorts = live.getSpec().getPorts();
    List<ServicePort> desiredPorts = desired.getSpec().getPorts();
    if (!Objects.equals(live.getSpec().getType(), desired.getSpec().getType())
        || !Objects.equals(live.getSpec().getSelector(), desired.getSpec().getSelector())
        || livePorts.size() != desiredPorts.size()) {
      return false;
    }
    for (int i = 0; i < livePorts.size(); i++) {
      ServicePort a = livePorts.get(i);
      ServicePort b = desiredPorts.get(i);
      if (!Objects.equals(a.getName(), b.getName()) || !Objects.equals(a.getPort(), b.getPort())
          || !Objects.equals(a.getProtocol(), b.getProtocol()) || !Objects.equals(a.getTargetPort(), b.getTargetPort())) {
        return false;
      }
    }
    return true;
  }

  ServiceFacts apply(Decision decision, ClawInstance instance, Context<ClawInstance> context) {
    String name = instance.getMetadata().getName();
    String namespace = instance.getMetadata().getNamespace();
    if (decision instanceof None) {
      return null;
    }
    if (decision instanceof Delete delete) {
      LOG.infof("Deleting Service %s/%s: spec.service was removed", namespace, name);
      context.getClient().resource(delete.live()).delete();
      return null;
    }
    if (decision instanceof NameConflict) {
      return new ServiceFacts(name, null, true);
    }
    if (decision instanceof Create create) {
      try {
        Service created = context.resourceOperations().create(create.desired(), eventSource);
        LOG.infof("Created Service %s/%s", namespace, name);
        return new ServiceFacts(name, created, false);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          // a refusal (quota, no cluster IP left) is said in ServiceReady; the Pod goes ahead
          return refused(e, name, null);
        }
        Service existing = context.getClient().services().inNamespace(namespace).withName(name).get();
        return existing != null && PodDecision.isControlledBy(existing, instance) ? new ServiceFacts(name, existing, false)
            : new ServiceFacts(name, null, true);
      }
    }
    if (decision instanceof Update update) {
      LOG.infof("Updating Service %s/%s to spec.service", namespace, name);
      Service unlocked = new ServiceBuilder(update.live()).editMetadata().withResourceVersion(null).endMetadata().build();
      try {
        Service updated = context.resourceOperations().jsonPatch(unlocked, live -> new ServiceBuilder(live).editSpec()
            .withType(update.desired().getSpec().getType())
            .withSelector(update.desired().getSpec().getSelector())
            .withPorts(update.desired().getSpec().getPorts())
            .endSpec().build());
        return new ServiceFacts(name, updated, false);
      } catch (KubernetesClientException e) {
        return refused(e, name, update.live());
      }
    }
    return new ServiceFacts(name, ((Keep) decision).live(), false);
  }

  /** A refusal as an outcome; anything else (a lost connection, 429, a 5xx) is thrown for JOSDK's retry. */
  private static ServiceFacts refused(KubernetesClientException e, String name, Service live) {
    Refusal refusal = Refusal.of(e).filter(r -> !r.namespaceGone()).orElseThrow(() -> e);
    LOG.warnf("The API server refused Service %s: %s", name, refusal.answer());
    return new ServiceFacts(name, live, false, "The API server refused Service " + name + ": " + refusal.answer());
  }
}
