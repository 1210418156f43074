package io.claw.operator.reconciler;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.cache.NamespacesAsRead;
import io.claw.operator.pod.PodSecurity;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The Pod Security level each namespace enforces, from a Namespace informer that keeps only the
 * labels (NamespacesAsRead). A change of the enforce label reconciles the namespace's instances.
 */
final class NamespaceLevels {

  private InformerEventSource<Namespace, ClawInstance> eventSource;

  InformerEventSource<Namespace, ClawInstance> eventSource(EventSourceContext<ClawInstance> context) {
    var configuration = InformerEventSourceConfiguration.from(Namespace.class, ClawInstance.class)
        .withName("namespaces")
        .withWatchAllNamespaces()
        .withItemStore(new NamespacesAsRead())
        .withSecondaryToPrimaryMapper(namespace -> context.getPrimaryCache()
            .list(namespace.getMetadata().getName())
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper(instance -> Set.of(new ResourceID(instance.getMetadata().getNamespace())))
        // a namespace's instances are created after it, and reconciled anyway when the operator starts
        .withOnAddFilter(namespace -> false)
        .withOnUpdateFilter((now, before) -> !Objects.equals(enforced(now), enforced(before)))
        .withOnDeleteFilter((namespace, unknown) -> false)
        .build();
    eventSource = new InformerEventSource<>(configuration, context);
    return eventSource;
  }

  /** The namespace's enforce label; empty when unlabelled, or when namespaces are not watched. */
  PodSecurityChoice.NamespaceLevel level(String namespace) {
    if (eventSource == null) {
      return PodSecurityChoice.NamespaceLevel.NOT_READ;
    }
    return eventSource.get(new ResourceID(namespace))
        .map(ns -> new PodSecurityChoice.NamespaceLevel(true, enforced(ns).orElse(null)))
        .orElse(PodSecurityChoice.NamespaceLevel.UNLABELLED);
  }

  private static Optional<String> enforced(Namespace namespace) {
    return Optional.ofNullable(namespace.getMetadata().getLabels()).map(l -> l.get(PodSecurity.ENFORCE_LABEL));
  }
}
