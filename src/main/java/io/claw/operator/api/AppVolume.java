package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;

/**
 * A volume of the Pod: the sources an app needs (configuration, credentials, state, scratch
 * space) and all that the restricted Pod Security Standard admits. No hostPath: a node's files
 * are not an app's to mount.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AppVolume {

  @JsonPropertyDescription("Name of the volume, referred to by spec.volumeMounts[].name.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 63)
  private String name;

  @JsonPropertyDescription("A ConfigMap's keys as files.")
  private ConfigMapVolumeSource configMap;

  @JsonPropertyDescription("A Secret's keys as files.")
  private SecretVolumeSource secret;

  @JsonPropertyDescription("A PersistentVolumeClaim in the instance's namespace, by name.")
  private PersistentVolumeClaimVolumeSource persistentVolumeClaim;

  @JsonPropertyDescription("Scratch space that lives as long as the Pod.")
  private EmptyDirVolumeSource emptyDir;

  @JsonPropertyDescription("Several sources (ConfigMaps, Secrets, downward API, ServiceAccount tokens) in one directory.")
  private ProjectedVolumeSource projected;

  public AppVolume() {
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public ConfigMapVolumeSource getConfigMap() {
    return configMap;
  }

  public void setConfigMap(ConfigMapVolumeSource configMap) {
    this.configMap = configMap;
  }

  public SecretVolumeSource getSecret() {
    return secret;
  }

  public void setSecret(SecretVolumeSource secret) {
    this.secret = secret;
  }

  public PersistentVolumeClaimVolumeSource getPersistentVolumeClaim() {
    return persistentVolumeClaim;
  }

  public void setPersistentVolumeClaim(PersistentVolumeClaimVolumeSource persistentVolumeClaim) {
    this.persistentVolumeClaim = persistentVolumeClaim;
  }

  public EmptyDirVolumeSource getEmptyDir() {
    return emptyDir;
  }

  public void setEmptyDir(EmptyDirVolumeSource emptyDir) {
    this.emptyDir = emptyDir;
  }

  public ProjectedVolumeSource getProjected() {
    return projected;
  }

  public void setProjected(ProjectedVolumeSource projected) {
    this.projected = projected;
  }

  /** How many sources are set; exactly one is valid. */
  public int sourceCount() {
    int count = 0;
    for (Object source : new Object[] {configMap, secret, persistentVolumeClaim, emptyDir, projected}) {
      if (source != null) {
        count++;
      }
    }
    return count;
  }
}
