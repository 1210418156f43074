package io.claw.operator.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.claw.operator.client.ManagedFieldsUnread;
import io.claw.operator.client.OnePassWatchEvents;
import io.claw.operator.testing.ClientJson;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;

/**
 * What reading one watch event costs the operator's event loop, the way fabric8 reads it and
 * the way each lever on the client's JSON reads it: CPU time and bytes allocated per event, on
 * a Pod and a ClawInstance as a 1.20 API server sent them (src/bench/resources/api-server-json,
 * managedFields included). Each event read is a different object, as in a watch: its uids, the
 * owner's among them, are new, and a Pod's managedFields names its owner's uid. The ways are
 * measured in turns in one JVM, so that the machine's noise falls on each alike. Started by
 * {@code hack/benchmark.sh json}.
 */
public final class JsonCost {

  private static final int PER_TURN = 20_000;
  private static final int TURNS = 7;
  /** The uids in src/bench/resources/api-server-json, each replaced by a new one in every event read. */
  private static final List<String> UIDS = List.of("57e5376f-21a9-4138-997a-708e8aed56aa",
      "4525b358-bc87-4f20-8331-b88a95899328");

  private JsonCost() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> events = new LinkedHashMap<>();
    for (String name : List.of("pod", "instance")) {
      String object = Files.readString(Path.of("src/bench/resources/api-server-json", name + ".json"));
      events.put(name, "{\"type\":\"MODIFIED\",\"object\":" + object + "}");
    }
    Map<String, KubernetesSerialization> ways = new LinkedHashMap<>();
    ways.put("fabric8 as it is", ClientJson.with());
    ways.put("managedFields skipped by Jackson", ClientJson.with(new ManagedFieldsUnread(), BYTES_AS_SENT));
    ways.put("managedFields skipped by Jackson, one pass",
        ClientJson.with(new ManagedFieldsUnread(), BYTES_AS_SENT, new OnePassWatchEvents()));
    ways.put("managedFields cut from the bytes, one pass (the operator's)",
        ClientJson.with(new ManagedFieldsUnread(), new OnePassWatchEvents()));

    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    StringBuilder out = new StringBuilder("| way | " + String.join(" | ", events.keySet().stream()
        .map(e -> e + ": µs per event (median of " + TURNS + " turns) | " + e + ": KiB allocated per event").toList())
        + " |\n|---|" + "---|---|".repeat(events.size()) + "\n");
    Map<String, List<long[]>> measured = new LinkedHashMap<>();
    for (int turn = -2; turn < TURNS; turn++) { // two turns unmeasured: the JIT's
      for (var way : ways.entrySet()) {
        for (var event : events.entrySet()) {
          String[] distinct = distinctObjects(event.getValue());
          long cpu = threads.getCurrentThreadCpuTime();
          long bytes = threads.getThreadAllocatedBytes(thread);
          for (int i = 0; i < PER_TURN; i++) {
            if (way.getValue().unmarshal(distinct[i], WatchEvent.class).getObject() == null) {
              throw new IllegalStateException("no object read");
            }
          }
          if (turn >= 0) {
            measured.computeIfAbsent(way.getKey() + "|" + event.getKey(), k -> new ArrayList<>()).add(new long[] {
                threads.getCurrentThreadCpuTime() - cpu, threads.getThreadAllocatedBytes(thread) - bytes});
          }
        }
      }
    }
    for (String way : ways.keySet()) {
      out.append("| ").append(way);
      for (String event : events.keySet()) {
        List<long[]> turns = measured.get(way + "|" + event);
        double[] cpu = turns.stream().mapToDouble(t -> t[0] / 1000.0 / PER_TURN).sorted().toArray();
        double bytes = turns.stream().mapToDouble(t -> t[1] / 1024.0 / PER_TURN).min().orElseThrow();
        out.append(String.format(" | %.1f | %.1f", cpu[cpu.length / 2], bytes));
      }
      out.append(" |\n");
    }
    System.out.println("JVM options: " + ManagementFactory.getRuntimeMXBean().getInputArguments() + "\n");
    System.out.print(out);
  }

  /** ManagedFieldsUnread as it was before it cut the bytes: Jackson skips the field's tokens. */
  private static final KubernetesClientObjectMapperCustomizer BYTES_AS_SENT =
      mapper -> mapper.getFactory().setInputDecorator(null);

  private static String[] distinctObjects(String event) {
    String[] distinct = new String[PER_TURN];
    for (int i = 0; i < PER_TURN; i++) {
      String object = event;
      for (String uid : UIDS) {
        object = object.replace(uid, UUID.randomUUID().toString());
      }
      distinct[i] = object;
    }
    return distinct;
  }
}
