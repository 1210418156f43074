package io.claw.operator.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * spec.storage: the instance's own PersistentVolumeClaim, which outlives every Pod of the
 * instance (replacement, stop and start) and, unless whenDeleted says Delete, the instance itself.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class InstanceStorage {

  /** What a claim is given when spec.storage.accessModes is empty. */
  public static final String DEFAULT_ACCESS_MODE = "ReadWriteOnce";

  @JsonPropertyDescription("Size of the claim, e.g. 1Gi. It can grow (where the StorageClass allows expansion), "
      + "never shrink.")
  @Required
  private Quantity size;

  @JsonPropertyDescription("StorageClass of the claim; the cluster's default class when absent. Fixed once the claim "
      + "exists.")
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @Size(max = 253)
  private String storageClassName;

  @JsonPropertyDescription("Access modes of the claim (ReadWriteOnce when empty). Fixed once the claim exists.")
  private List<AccessMode> accessModes = new ArrayList<>();

  @JsonPropertyDescription("Where the app container mounts the claim, e.g. /config.")
  @Required
  @Pattern("^/.*")
  @Size(max = 4096)
  private String mountPath;

  @JsonPropertyDescription("What becomes of the claim when the instance is deleted: Retain (the default; a new "
      + "instance of the same name takes it up again) or Delete (it goes with the instance), as a StatefulSet's "
      + "persistentVolumeClaimRetentionPolicy.whenDeleted.")
  private ClaimRetention whenDeleted;

  public enum AccessMode {
    ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod
  }

  public enum ClaimRetention {
    Retain, Delete
  }

  public Quantity getSize() {
    return size;
  }

  public void setSize(Quantity size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public List<AccessMode> getAccessModes() {
    return accessModes;
  }

  public void setAccessModes(List<AccessMode> accessModes) {
    this.accessModes = accessModes == null ? new ArrayList<>() : accessModes;
  }

  /** The access modes the claim gets, as Kubernetes writes them. */
  public List<String> accessModesOrDefault() {
    return accessModes.isEmpty() ? List.of(DEFAULT_ACCESS_MODE) : accessModes.stream().map(Enum::name).toList();
  }

  public String getMountPath() {
    return mountPath;
  }

  public void setMountPath(String mountPath) {
    this.mountPath = mountPath;
  }

  public ClaimRetention getWhenDeleted() {
    return whenDeleted;
  }

  public void setWhenDeleted(ClaimRetention whenDeleted) {
    this.whenDeleted = whenDeleted;
  }

  /** Whether the claim goes with the instance: only when Delete is asked for. */
  public boolean deletedWithInstance() {
    return whenDeleted == ClaimRetention.Delete;
  }
}
