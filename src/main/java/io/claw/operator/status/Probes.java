package io.claw.operator.status;

import io.claw.operator.api.ClawInstanceSpec;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;

/** Which probe holds a running container back from Ready, in words. */
final class Probes {

  private Probes() {
  }

  /** ": its startup probe (...) has not passed yet", or the readiness probe's; "" without probes. */
  static String notReadyBecause(ClawInstanceSpec spec, ContainerStatus container) {
    if (spec.getStartupProbe() != null && !Boolean.TRUE.equals(container.getStarted())) {
      return ": its startup probe (" + describe(spec.getStartupProbe()) + ") has not passed yet";
    }
    if (spec.getReadinessProbe() != null) {
      return ": its readiness probe (" + describe(spec.getReadinessProbe()) + ") does not pass; the probe's answers "
          + "are in the Pod's Events (kubectl describe pod)";
    }
    return "";
  }

  static String describe(Probe probe) {
    if (probe.getHttpGet() != null) {
      return "HTTP GET " + (probe.getHttpGet().getPath() == null ? "/" : probe.getHttpGet().getPath()) + " on port "
          + port(probe.getHttpGet().getPort());
    }
    if (probe.getTcpSocket() != null) {
      return "TCP port " + port(probe.getTcpSocket().getPort());
    }
    if (probe.getExec() != null && probe.getExec().getCommand() != null) {
      return "exec " + String.join(" ", probe.getExec().getCommand());
    }
    if (probe.getGrpc() != null) {
      return "gRPC port " + probe.getGrpc().getPort();
    }
    return "no handler";
  }

  private static String port(IntOrString port) {
    if (port == null) {
      return "?";
    }
    return port.getStrVal() != null ? port.getStrVal() : String.valueOf(port.getIntVal());
  }
}
