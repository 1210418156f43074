package io.claw.operator.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.VolumeMount;

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

  @JsonPropertyDescription("Whether the Pod runs the image's tag as given (none), the digest the registry gives for "
      + "the tag when the Pod is created (pin), or that digest kept current: the registry is asked again on an "
      + "interval and the Pod's container moves to the tag's new digest (track). When absent, the operator's rules "
      + "and default (claw.operator.tag-resolution.default-mode) decide; an image given by digest is never resolved.")
  private TagResolution tagResolution;

  @JsonPropertyDescription("Names of Secrets in the instance's namespace holding registry credentials, "
      + "passed to the Pod as imagePullSecrets.")
  private List<String> imagePullSecrets = new ArrayList<>();

  @JsonPropertyDescription("Environment variables of the app container, as in a Pod's container spec.")
  private List<EnvVar> env = new ArrayList<>();

  @JsonPropertyDescription("Secrets and ConfigMaps whose keys become environment variables of the app container, "
      + "as in a Pod's container spec; spec.env wins over them.")
  private List<EnvFromSource> envFrom = new ArrayList<>();

  @JsonPropertyDescription("CPU, memory and extended resources (e.g. nvidia.com/gpu) requested by and limited for the "
      + "app container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("TCP port the app listens on, exposed as the container port named app (and as the first "
      + "port of the Service when spec.service is set).")
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription("Entrypoint of the app container (the image's ENTRYPOINT when absent).")
  private List<String> command = new ArrayList<>();

  @JsonPropertyDescription("Arguments to the entrypoint (the image's CMD when absent).")
  private List<String> args = new ArrayList<>();

  @JsonPropertyDescription("Volumes of the Pod: configMap, secret, persistentVolumeClaim, emptyDir or projected, one "
      + "source each.")
  private List<AppVolume> volumes = new ArrayList<>();

  @JsonPropertyDescription("Where the app container mounts spec.volumes, by name.")
  private List<VolumeMount> volumeMounts = new ArrayList<>();

  @JsonPropertyDescription("Probe that gates readiness: the instance is Ready only while it passes.")
  private Probe readinessProbe;

  @JsonPropertyDescription("Probe whose failures make the kubelet restart the app container.")
  private Probe livenessProbe;

  @JsonPropertyDescription("Probe that holds the other probes off until the app has started.")
  private Probe startupProbe;

  @JsonPropertyDescription("Pod-level security settings (runAsUser, runAsGroup, fsGroup, ...). Under the restricted "
      + "profile the operator sets runAsNonRoot and seccompProfile where these leave them unset.")
  private PodSecurityContext podSecurityContext;

  @JsonPropertyDescription("Security settings of the app container (runAsUser, readOnlyRootFilesystem, ...). Under "
      + "the restricted profile the operator sets allowPrivilegeEscalation false and drops ALL capabilities where "
      + "these leave them unset.")
  private SecurityContext securityContext;

  @JsonPropertyDescription("ServiceAccount the Pod runs as (the namespace's default when absent).")
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @Size(max = 253)
  private String serviceAccountName;

  @JsonPropertyDescription("Mount the ServiceAccount's API token in the Pod. Only with serviceAccountName: an app "
      + "that does not call the Kubernetes API carries no credential for it. False when absent.")
  private Boolean automountServiceAccountToken;

  @JsonPropertyDescription("Labels a node must carry for the Pod to be scheduled there.")
  private Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Taints the Pod tolerates.")
  private List<Toleration> tolerations = new ArrayList<>();

  @JsonPropertyDescription("Node and Pod affinity rules of the Pod.")
  private Affinity affinity;

  @JsonPropertyDescription("PriorityClass of the Pod.")
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @Size(max = 253)
  private String priorityClassName;

  @JsonPropertyDescription("Seconds the app has to stop after SIGTERM before it is killed (30 when absent).")
  @Min(0)
  @Max(3600)
  private Long terminationGracePeriodSeconds;

  @JsonPropertyDescription("Name of the app container (claw when absent), for tools that exec into it by name.")
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 63)
  private String containerName;

  @JsonPropertyDescription("True stops the instance: its Pod is deleted gracefully, its claim and Service are kept, "
      + "and no registry or pull secret is read for it. False or absent runs it; started again, it mounts the same "
      + "claim.")
  private Boolean stopped;

  @JsonPropertyDescription("A PersistentVolumeClaim of the instance's own (named <instance>-storage), mounted into "
      + "every Pod of the instance and kept across replacements, stop and start.")
  private InstanceStorage storage;

  @JsonPropertyDescription("A Service of the instance's name for its ports, selecting only its Pod.")
  private InstanceService service;

  @JsonPropertyDescription("Whether the app runs for ever (restartPolicy Always, the default) or to completion "
      + "(OnFailure, Never), with a Job's retries, deadline and time to live.")
  private InstanceRun run;

  @JsonPropertyDescription("Labels added to the Pod. The operator's own (app.kubernetes.io/managed-by, name, "
      + "instance) win over these.")
  private Map<String, String> podLabels = new LinkedHashMap<>();

  @JsonPropertyDescription("Annotations added to the Pod. The operator's own (claw.io/...) win over these.")
  private Map<String, String> podAnnotations = new LinkedHashMap<>();

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

  public TagResolution getTagResolution() {
    return tagResolution;
  }

  public void setTagResolution(TagResolution tagResolution) {
    this.tagResolution = tagResolution;
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

  public List<EnvFromSource> getEnvFrom() {
    return envFrom;
  }

  public void setEnvFrom(List<EnvFromSource> envFrom) {
    this.envFrom = envFrom == null ? new ArrayList<>() : envFrom;
  }

  public String getContainerName() {
    return containerName;
  }

  public void setContainerName(String containerName) {
    this.containerName = containerName;
  }

  public Boolean getStopped() {
    return stopped;
  }

  public void setStopped(Boolean stopped) {
    this.stopped = stopped;
  }

  /** Whether the instance is to have no Pod. */
  public boolean stopped() {
    return Boolean.TRUE.equals(stopped);
  }

  public InstanceRun getRun() {
    return run;
  }

  public void setRun(InstanceRun run) {
    this.run = run;
  }

  /** Whether the app runs once, to an end the status reports. */
  public boolean runsToCompletion() {
    return run != null && run.toCompletion();
  }

  public InstanceStorage getStorage() {
    return storage;
  }

  public void setStorage(InstanceStorage storage) {
    this.storage = storage;
  }

  public InstanceService getService() {
    return service;
  }

  public void setService(InstanceService service) {
    this.service = service;
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

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command == null ? new ArrayList<>() : command;
  }

  public List<String> getArgs() {
    return args;
  }

  public void setArgs(List<String> args) {
    this.args = args == null ? new ArrayList<>() : args;
  }

  public List<AppVolume> getVolumes() {
    return volumes;
  }

  public void setVolumes(List<AppVolume> volumes) {
    this.volumes = volumes == null ? new ArrayList<>() : volumes;
  }

  public List<VolumeMount> getVolumeMounts() {
    return volumeMounts;
  }

  public void setVolumeMounts(List<VolumeMount> volumeMounts) {
    this.volumeMounts = volumeMounts == null ? new ArrayList<>() : volumeMounts;
  }

  public Probe getReadinessProbe() {
    return readinessProbe;
  }

  public void setReadinessProbe(Probe readinessProbe) {
    this.readinessProbe = readinessProbe;
  }

  public Probe getLivenessProbe() {
    return livenessProbe;
  }

  public void setLivenessProbe(Probe livenessProbe) {
    this.livenessProbe = livenessProbe;
  }

  public Probe getStartupProbe() {
    return startupProbe;
  }

  public void setStartupProbe(Probe startupProbe) {
    this.startupProbe = startupProbe;
  }

  public PodSecurityContext getPodSecurityContext() {
    return podSecurityContext;
  }

  public void setPodSecurityContext(PodSecurityContext podSecurityContext) {
    this.podSecurityContext = podSecurityContext;
  }

  public SecurityContext getSecurityContext() {
    return securityContext;
  }

  public void setSecurityContext(SecurityContext securityContext) {
    this.securityContext = securityContext;
  }

  public String getServiceAccountName() {
    return serviceAccountName;
  }

  public void setServiceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
  }

  public Boolean getAutomountServiceAccountToken() {
    return automountServiceAccountToken;
  }

  public void setAutomountServiceAccountToken(Boolean automountServiceAccountToken) {
    this.automountServiceAccountToken = automountServiceAccountToken;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector == null ? new LinkedHashMap<>() : nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations == null ? new ArrayList<>() : tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public Long getTerminationGracePeriodSeconds() {
    return terminationGracePeriodSeconds;
  }

  public void setTerminationGracePeriodSeconds(Long terminationGracePeriodSeconds) {
    this.terminationGracePeriodSeconds = terminationGracePeriodSeconds;
  }

  public Map<String, String> getPodLabels() {
    return podLabels;
  }

  public void setPodLabels(Map<String, String> podLabels) {
    this.podLabels = podLabels == null ? new LinkedHashMap<>() : podLabels;
  }

  public Map<String, String> getPodAnnotations() {
    return podAnnotations;
  }

  public void setPodAnnotations(Map<String, String> podAnnotations) {
    this.podAnnotations = podAnnotations == null ? new LinkedHashMap<>() : podAnnotations;
  }
}
