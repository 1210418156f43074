package io.claw.operator.reconciler;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.PodSecurityProfile;
import io.claw.operator.cache.NamespacesAsRead;
import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.pod.PodSecurity;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * What the operator reads from the Namespaces it serves: the Pod Security level each enforces and
 * its default pull policy (the claw.io/default-pull-policy annotation), from Namespace informers
 * that keep only those (NamespacesAsRead). A change of either reconciles the namespace's
 * instances. Serving all namespaces, one informer watches them all; serving a list, one informer
 * per namespace watches it by name, which RBAC can grant by resourceNames.
 */
final class ServedNamespaces {

  private static final Logger LOG = Logger.getLogger(ServedNamespaces.class);

  private List<InformerEventSource<Namespace, ClawInstance>> eventSources = List.of();
  private PodSecurityChoice.Access access = PodSecurityChoice.Access.NOT_READ;

  /** The informers, after checking that the operator may list and watch what they need. */
  List<InformerEventSource<Namespace, ClawInstance>> eventSources(EventSourceContext<ClawInstance> context) {
    Set<String> served = context.getControllerConfiguration().getEffectiveNamespaces();
    boolean all = InformerConfiguration.allNamespacesWatched(served);
    Optional<String> denied = denied(context.getClient(), all ? Set.of("") : served);
    if (denied.isPresent()) {
      access = PodSecurityChoice.Access.FORBIDDEN;
      LOG.warnf("Namespaces are not read: the operator may not %s. Skipped: the namespace default pull policy (%s) "
          + "and, for the auto Pod Security profile, the namespaces' enforce labels (baseline applies). Grant get, "
          + "list and watch on namespaces (the chart does unless operator.readNamespaces=false), or set %s=false "
          + "to silence this", denied.get(), EffectivePullPolicy.NAMESPACE_ANNOTATION,
          ClawOperatorConfig.READ_NAMESPACES);
      return List.of();
    }
    access = PodSecurityChoice.Access.READ;
    eventSources = all ? List.of(eventSource(context, "namespaces", null))
        : served.stream().sorted().map(name -> eventSource(context, "namespace-" + name, name)).toList();
    return eventSources;
  }

  private static InformerEventSource<Namespace, ClawInstance> eventSource(EventSourceContext<ClawInstance> context,
      String sourceName, String namespace) {
    var builder = InformerEventSourceConfiguration.from(Namespace.class, ClawInstance.class)
        .withName(sourceName)
        .withWatchAllNamespaces()
        .withItemStore(new NamespacesAsRead())
        .withSecondaryToPrimaryMapper(ns -> context.getPrimaryCache()
            .list(ns.getMetadata().getName())
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper(instance -> Set.of(new ResourceID(instance.getMetadata().getNamespace())))
        // a namespace's instances are created after it, and reconciled anyway when the operator starts
        .withOnAddFilter(ns -> false)
        .withOnUpdateFilter((now, before) -> !Objects.equals(podSecurityLabels(now), podSecurityLabels(before))
            || !Objects.equals(pullPolicyDefault(now), pullPolicyDefault(before)))
        .withOnDeleteFilter((ns, unknown) -> false);
    if (namespace != null) {
      builder.withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name", namespace)));
    }
    return new InformerEventSource<>(builder.build(), context);
  }

  /**
   * The first of get, list and watch that the operator may not do on the namespaces (all of them,
   * or each served one by name), as a phrase for the log; empty when it may do all three.
   */
  private static Optional<String> denied(KubernetesClient client, Set<String> names) {
    for (String name : names) {
      for (String verb : List.of("get", "list", "watch")) {
        SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec()
            .withResourceAttributes(new ResourceAttributesBuilder().withVerb(verb).withResource("namespaces")
                .withName(name.isEmpty() ? null : name).build())
            .endSpec().build();
        try {
          SelfSubjectAccessReview answer = client.authorization().v1().selfSubjectAccessReview().create(review);
          if (answer.getStatus() == null || !Boolean.TRUE.equals(answer.getStatus().getAllowed())) {
            return Optional.of(verb + " " + (name.isEmpty() ? "namespaces" : "namespace " + name));
          }
        } catch (KubernetesClientException e) {
          return Optional.of(verb + " " + (name.isEmpty() ? "namespaces" : "namespace " + name)
              + " (the access review failed: " + e.getCode() + ")");
        }
      }
    }
    return Optional.empty();
  }

  /** The namespace's enforce label; empty when unlabelled, or when namespaces are not read. */
  PodSecurityChoice.NamespaceLevel level(String namespace) {
    if (access != PodSecurityChoice.Access.READ) {
      return new PodSecurityChoice.NamespaceLevel(access, null);
    }
    return namespace(namespace)
        .map(ns -> new PodSecurityChoice.NamespaceLevel(access, label(ns, PodSecurity.ENFORCE_LABEL),
            label(ns, PodSecurityProfile.ENFORCE_VERSION_LABEL), label(ns, PodSecurityProfile.WARN_LABEL),
            label(ns, PodSecurityProfile.AUDIT_LABEL)))
        .orElse(PodSecurityChoice.NamespaceLevel.UNLABELLED);
  }

  /** The namespace's claw.io/default-pull-policy as written; null when unset or not read. */
  String pullPolicyDefault(String namespace) {
    return namespace(namespace).flatMap(ServedNamespaces::pullPolicyDefault).orElse(null);
  }

  private Optional<Namespace> namespace(String name) {
    ResourceID id = new ResourceID(name);
    for (InformerEventSource<Namespace, ClawInstance> source : eventSources) {
      Optional<Namespace> found = source.get(id);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** The Pod Security labels the operator reads (enforce, enforce-version, warn, audit); a change of one matters. */
  private static java.util.List<String> podSecurityLabels(Namespace namespace) {
    return java.util.stream.Stream.of(PodSecurity.ENFORCE_LABEL, PodSecurityProfile.ENFORCE_VERSION_LABEL,
        PodSecurityProfile.WARN_LABEL, PodSecurityProfile.AUDIT_LABEL).map(l -> label(namespace, l))
        .map(String::valueOf).toList();
  }

  private static String label(Namespace namespace, String label) {
    return Optional.ofNullable(namespace.getMetadata().getLabels()).map(l -> l.get(label)).orElse(null);
  }

  private static Optional<String> pullPolicyDefault(Namespace namespace) {
    return Optional.ofNullable(namespace.getMetadata().getAnnotations())
        .map(a -> a.get(EffectivePullPolicy.NAMESPACE_ANNOTATION));
  }
}
