package io.claw.operator.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
  /** kube-controller-manager with the peers' controllers (ReplicaSet, StatefulSet). */
  static final String PEER = "kube-controller-manager";

  static CpuTime of(long operatorPid, long peerPid) {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("operator", operatorPid);
    pids.put(PEER, peerPid);
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
    return cpuSeconds(Path.of("/proc", String.valueOf(pid), "stat"));
  }

  /** user + system seconds from a /proc stat file (a process's or one thread's) */
  private static double cpuSeconds(Path stat) {
    try {
      String line = Files.readString(stat);
      // fields after the command name, which is in parentheses and may hold blanks
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * CPU seconds of each live thread of a process, by thread id, with its name (the JVM gives
   * each native thread its Java name, cut to 15 characters): what inside the operator used the
   * CPU of a step, e.g. the JIT compilers, GC, the HTTP event loop or the reconcilers (JOSDK's
   * pool of 50 "pool-N-thread-M", which it names ReconcilerExecutor-... only while reconciling).
   */
  static Map<Long, ThreadTime> threads(long pid) {
    Map<Long, ThreadTime> threads = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : tasks) {
        long tid = Long.parseLong(task.getFileName().toString());
        String name;
        try {
          name = Files.readString(task.resolve("comm")).strip();
        } catch (IOException exited) {
          continue;
        }
        double seconds = cpuSeconds(task.resolve("stat"));
        if (!Double.isNaN(seconds)) {
          threads.put(tid, new ThreadTime(name, seconds));
        }
      }
    } catch (IOException e) {
      // the process is gone: no threads
    }
    return threads;
  }

  record ThreadTime(String name, double seconds) {
  }

  /**
   * The CPU used between two thread samples of one process, by kind of thread (the name without
   * its number), largest first; threads that ended in between show as the rest of the process's
   * CPU, "threads that ended".
   */
  static String byThreadKind(Map<Long, ThreadTime> before, Map<Long, ThreadTime> after, double processSeconds) {
    Map<String, Double> kinds = new HashMap<>();
    double live = 0;
    for (var entry : after.entrySet()) {
      double used = usedSince(before, entry);
      live += used;
      kinds.merge(kind(entry.getValue().name()), used, Double::sum);
    }
    kinds.merge("threads that ended", Math.max(0, processSeconds - live), Double::sum);
    return kinds.entrySet().stream().filter(e -> e.getValue() >= 0.005)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .map(e -> String.format("%s %.2f s (%.0f %%)", e.getKey(), e.getValue(), 100 * e.getValue() / processSeconds))
        .collect(Collectors.joining(", "));
  }

  /** The CPU seconds used between two thread samples by the threads whose name passes the test. */
  static double secondsOfKind(Map<Long, ThreadTime> before, Map<Long, ThreadTime> after,
      java.util.function.Predicate<String> name) {
    double used = 0;
    for (var entry : after.entrySet()) {
      if (name.test(entry.getValue().name())) {
        used += usedSince(before, entry);
      }
    }
    return used;
  }

  /** What one thread used since the earlier sample; all it used, for a thread started since. */
  private static double usedSince(Map<Long, ThreadTime> before, Map.Entry<Long, ThreadTime> now) {
    ThreadTime earlier = before.get(now.getKey());
    return now.getValue().seconds() - (earlier == null ? 0 : earlier.seconds());
  }

  /** HotSpot's compiler threads: "C1 CompilerThread0", "C2 CompilerThread1" (cut to 15 characters). */
  static boolean isJitCompiler(String threadName) {
    return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre");
  }

  /** "vert.x-eventloo" for "vert.x-eventloop-thread-3" cut to 15 characters, "GC Thread" for "GC Thread#1" */
  static String kind(String threadName) {
    return threadName.replaceAll("[-#_ ]*\\d+$", "");
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
