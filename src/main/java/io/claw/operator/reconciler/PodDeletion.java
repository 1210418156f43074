package io.claw.operator.reconciler;

import java.util.concurrent.ExecutionException;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

/**
 * Deletes exactly the Pod that was judged stale, in the state it was judged in: the delete
 * carries the judged Pod's uid and resourceVersion as preconditions. If the Pod changed in between
 * (the kubelet wrote its status, or it was replaced by a newer Pod of the same name), the API
 * server refuses with 409 and nothing is deleted; the change's own event brings the next
 * reconcile, which judges the Pod again.
 *
 * <p>A plain HTTP DELETE: fabric8's delete can carry a resourceVersion precondition but not a uid
 * one, and not together with a grace period.
 */
final class PodDeletion {

  private static final Logger LOG = Logger.getLogger(PodDeletion.class);

  private PodDeletion() {
  }

  /**
   * @param gracePeriodSeconds 0 for a Pod in which no app runs or can run (see {@link PodDecision});
   *     null for the Pod's own grace period
   * @return false when the Pod had changed since it was judged, and so was left in place
   */
  static boolean deleteJudged(KubernetesClient client, Pod judged, Long gracePeriodSeconds) {
    String namespace = judged.getMetadata().getNamespace();
    String name = judged.getMetadata().getName();
    DeleteOptions options = new DeleteOptionsBuilder()
        .withNewPreconditions()
            .withUid(judged.getMetadata().getUid())
            .withResourceVersion(judged.getMetadata().getResourceVersion())
        .endPreconditions()
        .withGracePeriodSeconds(gracePeriodSeconds)
        .build();
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
        .uri(client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + namespace + "/pods/" + name)
        .delete("application/json", client.getKubernetesSerialization().asJson(options))
        .build();
    HttpResponse<String> response = send(client, request);
    switch (response.code()) {
      case 200, 202, 404:
        return true; // deleted, deletion under way, or gone already
      case 409:
        LOG.debugf("Pod %s/%s changed since it was judged stale (resourceVersion %s); judging it again", namespace,
            name, judged.getMetadata().getResourceVersion());
        return false;
      default:
        throw new KubernetesClientException("Deleting Pod " + namespace + "/" + name + " failed: HTTP "
            + response.code() + " " + response.body(), response.code(), null);
    }
  }

  private static HttpResponse<String> send(KubernetesClient client, HttpRequest request) {
    try {
      return client.getHttpClient().sendAsync(request, String.class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("Interrupted while deleting a Pod", e);
    } catch (ExecutionException e) {
      throw new KubernetesClientException("Deleting a Pod failed: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
