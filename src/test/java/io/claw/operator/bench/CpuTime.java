package io.claw.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU seconds (user + system) used by each process of the benchmark, read from /proc: where the
 * time of a step goes on a machine whose cores everything shares.
 */
final class CpuTime {

  /** USER_HZ: the unit of /proc/PID/stat times, 100 on every Linux build that matters here. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final Map<String, Long> pids;

  private CpuTime(Map<String, Long> pids) {
    this.pids = pids;
  }

  /**
   * The operator, the peer (Kubernetes' ReplicaSet controller), kube-apiserver and etcd (children
   * of this JVM, started by kube-api-test), and this JVM.
   */
  static CpuTime of(long operatorPid, long peerPid) {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("operator", operatorPid);
    pids.put("replicaset controller", peerPid);
    ProcessHandle.current().descendants().forEach(p -> p.info().command().ifPresent(command -> {
      if (command.endsWith("/kube-apiserver")) {
        pids.put("kube-apiserver", p.pid());
      } else if (command.endsWith("/etcd")) {
        pids.put("etcd", p.pid());
      }
    }));
    pids.put("benchmark client", ProcessHandle.current().pid());
    return new CpuTime(pids);
  }

  record Sample(Map<String, Double> seconds) {
    Sample minus(Sample earlier) {
      Map<String, Double> delta = new LinkedHashMap<>();
      seconds.forEach((name, value) -> delta.put(name, value - earlier.seconds.getOrDefault(name, 0.0)));
      return new Sample(delta);
    }
  }

  Sample sample() {
    Map<String, Double> seconds = new LinkedHashMap<>();
    pids.forEach((name, pid) -> seconds.put(name, cpuSeconds(pid)));
    return new Sample(seconds);
  }

  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // fields after the command name, which is in parentheses and may hold blanks
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** A Markdown table: one row per step, one column per process. */
  static String table(int n, List<String> steps, List<Sample> samples) {
    StringBuilder out = new StringBuilder("| N = " + n + " | ");
    List<String> processes = List.copyOf(samples.get(0).seconds().keySet());
    out.append(String.join(" | ", processes)).append(" | total |\n|---|");
    out.append("---|".repeat(processes.size() + 1)).append('\n');
    for (int i = 0; i < steps.size(); i++) {
      Map<String, Double> seconds = samples.get(i).seconds();
      out.append("| ").append(steps.get(i)).append(" | ");
      for (String process : processes) {
        out.append(String.format("%.2f | ", seconds.get(process)));
      }
      out.append(String.format("%.2f |%n", seconds.values().stream().mapToDouble(Double::doubleValue).sum()));
    }
    return out.append('\n').toString();
  }
}
