package io.claw.operator.reconciler;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.claw.operator.api.ClawInstance;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.internal.OperationSupport;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

/**
 * The two writes every new instance makes, the Pod's creation and the status's server-side apply,
 * sent as the requests fabric8's DSL sends (same method, path, query, content type and body, the
 * same HTTP client with its authentication and retries, the same exception for an answer that is
 * not a success) without the DSL's per-call work: it builds each request's URL by joining strings
 * through {@code java.net.URI} and four regular expressions, several times per request, and it
 * bounds each request with a timer whose cancellation, on every success, fills in the stack trace
 * of a {@code CancellationException} (what that cost is in docs/benchmark.md, "Levers: the client's
 * per-call work and JOSDK's MDC"). Here the path is joined once per call from its parts, and the
 * same request timeout is a bounded wait on the answer, which cancels the request only when it
 * runs out.
 *
 * <p>Everything else the operator writes goes through fabric8's DSL: these two are the ones made
 * once per instance, so they are where its cost adds up. The wait for an answer is also that of
 * the one request the DSL cannot make, {@link OwnedPod#deleteJudged}'s DELETE with preconditions.
 */
final class DirectWrites {

  private static final Logger LOG = Logger.getLogger(DirectWrites.class);
  private static final String JSON = "application/json";
  private static final String APPLY_PATCH = "application/apply-patch+yaml";
  /** The path of instances up to their namespace, from the names ClawInstance's annotations carry. */
  private static final String INSTANCES = "/apis/" + ClawInstance.GROUP + "/" + ClawInstance.VERSION + "/namespaces/";

  private DirectWrites() {
  }

  /** POST of the Pod, as {@code client.resource(pod).create()}; the Pod as created. */
  static Pod createPod(KubernetesClient client, Pod pod) {
    byte[] body = client.getKubernetesSerialization().asJson(pod).getBytes(StandardCharsets.UTF_8);
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
        .uri(podsUrl(client, pod.getMetadata().getNamespace()))
        .post(JSON, body)
        .build();
    return send(client, request, Pod.class);
  }

  /**
   * Forced server-side apply of the status subresource, as JOSDK's serverSideApplyPrimaryStatus
   * asks fabric8 for it; the instance as the API server holds it after the apply.
   */
  static ClawInstance applyStatus(KubernetesClient client, ClawInstance statusOnly, String fieldManager) {
    String body = client.getKubernetesSerialization().asJson(statusOnly);
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
        .uri(instanceUrl(client, statusOnly.getMetadata().getNamespace(), statusOnly.getMetadata().getName())
            + "/status?fieldManager=" + URLEncoder.encode(fieldManager, StandardCharsets.UTF_8) + "&force=true")
        .patch(APPLY_PATCH, body)
        .build();
    return send(client, request, ClawInstance.class);
  }

  /** The collection of Pods in a namespace: {@code <server>/api/v1/namespaces/<namespace>/pods}. */
  static String podsUrl(KubernetesClient client, String namespace) {
    return server(client) + "/api/v1/namespaces/" + namespace + "/pods";
  }

  /** One instance: {@code <server>/apis/<group>/<version>/namespaces/<namespace>/<plural>/<name>}. */
  static String instanceUrl(KubernetesClient client, String namespace, String name) {
    return server(client) + INSTANCES + namespace + "/" + ClawInstance.PLURAL + "/" + name;
  }

  private static String server(KubernetesClient client) {
    String master = client.getConfiguration().getMasterUrl();
    return master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
  }

  /**
   * Sends and waits at most the client's request timeout; an answer that is not a success is the
   * exception fabric8's DSL throws for it (its code and the API server's Status).
   */
  private static <T> T send(KubernetesClient client, HttpRequest request, Class<T> type) {
    HttpResponse<byte[]> response = answer(client, request);
    if (!response.isSuccessful()) {
      throw OperationSupport.requestFailure(request,
          OperationSupport.createStatus(response, client.getKubernetesSerialization()));
    }
    return client.getKubernetesSerialization().unmarshal(new ByteArrayInputStream(response.body()), type);
  }

  /**
   * The API server's answer to a plain request, whatever its code, waited for at most the client's
   * request timeout; no answer is the client's exception, as fabric8's DSL throws it.
   */
  static HttpResponse<byte[]> answer(KubernetesClient client, HttpRequest request) {
    CompletableFuture<HttpResponse<byte[]>> answer = client.getHttpClient().sendAsync(request, byte[].class);
    HttpResponse<byte[]> response;
    try {
      Integer timeout = client.getConfiguration().getRequestTimeout();
      response = timeout == null || timeout <= 0 ? answer.get() : answer.get(timeout, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw KubernetesClientException.launderThrowable(e);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw OperationSupport.requestException(request, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KubernetesClientException failed) {
        throw failed.copyAsCause(); // as the DSL does: the client's own exception, thrown from here
      }
      throw OperationSupport.requestException(request, e.getCause() instanceof Exception cause ? cause : e);
    }
    var warnings = response.headers("Warning");
    if (warnings != null && !warnings.isEmpty()) {
      // as the DSL logs them when it is not asked to validate fields with warnings
      LOG.debugf("Received warning(s) from request %s: %s", request.uri(), warnings);
    }
    return response;
  }
}
