package io.claw.operator.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ClawInstanceSpec {

  @JsonPropertyDescription("Container image to run, e.g. registry.example.com/team/app:1.4 or "
      + "app@sha256:<digest>: [registry[:port]/]path[:tag][@digest], path in lower case. "
      + "When absent, the operator's default image (claw.operator.default-image) is used.")
  @Pattern(ImageReference.PATTERN)
  @Size(max = ImageReference.MAX_LENGTH)
  private String image;

  @JsonPropertyDescription("Image pull policy for this instance: Always, IfNotPresent or Never. "
      + "When absent, the operator-wide default (claw.operator.default-pull-policy) applies; "
      + "the Pod always gets an explicit policy, never the Kubernetes ':latest means Always' rule.")
  private PullPolicy pullPolicy;

  @JsonPropertyDescription("Names of Secrets in the instance's namespace holding registry credentials, "
      + "passed to the Pod as imagePullSecrets.")
  private List<String> imagePullSecrets = new ArrayList<>();

  @JsonPropertyDescription("Environment variables of the app container, as in a Pod's container spec.")
  private List<EnvVar> env = new ArrayList<>();

  @JsonPropertyDescription("CPU and memory requests and limits of the app container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("TCP port the app listens on, exposed as the container port.")
  @Min(1)
  @Max(65535)
  private Integer port;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public PullPolicy getPullPolicy() {
    return pullPolicy;
  }

  public void setPullPolicy(PullPolicy pullPolicy) {
    this.pullPolicy = pullPolicy;
  }

  public List<String> getImagePullSecrets() {
    return imagePullSecrets;
  }

  public void setImagePullSecrets(List<String> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets == null ? new ArrayList<>() : imagePullSecrets;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env == null ? new ArrayList<>() : env;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }
}
