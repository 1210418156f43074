package io.claw.operator.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real kube-apiserver with the controllers of kube-controller-manager that decide what happens
 * around an operator: the garbage collector (owner references), the resource-quota controller
 * (without it, quota admission refuses every Pod until the quota's status is computed) and the
 * namespace controller (namespace deletion).
 */
public class ClusterControllersResource extends KubeApiServerResource {

  public static final List<String> CONTROLLERS = List.of("garbagecollector", "resourcequota", "namespace");
  private static ControllerManager controllers;

  public static Path log() {
    return Path.of("target", "kube-api-test", "ClusterControllersResource.kube-controller-manager.log");
  }

  @Override
  public Map<String, String> start() {
    Map<String, String> config = super.start();
    controllers = ControllerManager.start(cluster(), log(), CONTROLLERS);
    return config;
  }

  @Override
  public void stop() {
    if (controllers != null) {
      controllers.close();
      controllers = null;
    }
    super.stop();
  }
}
