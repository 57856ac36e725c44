package dev.fieldline.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a running cluster is, in {@code <dir>/cluster.json}: every process with its PID and ports,
 * each region's endpoints, the Flink session and the global job. {@code status} and {@code down}
 * read it; faults and restarts update it.
 *
 * @param regions per region: {@code bootstrap} (Kafka) and {@code mqtt} (Mosquitto)
 */
public record ClusterState(
    String dir,
    Map<String, Map<String, String>> regions,
    String flinkRest,
    String flinkConfig,
    String savepoints,
    String jobId,
    String jobJar,
    List<String> jobArguments,
    String prometheus,
    List<ManagedProcess> processes) {

  static final String FILE = "cluster.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ClusterState {
    regions = new LinkedHashMap<>(regions);
    processes = new ArrayList<>(processes);
    jobArguments = List.copyOf(jobArguments);
  }

  static ClusterState empty(Path dir) {
    return new ClusterState(dir.toString(), Map.of(), "", "", "", "", "", List.of(), "", List.of());
  }

  static ClusterState load(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      throw new IllegalStateException("no cluster in " + dir + " (no " + FILE + ")");
    }
    try {
      return JSON.readValue(file.toFile(), ClusterState.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  void save() {
    try {
      JSON.writeValue(Path.of(dir).resolve(FILE).toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + FILE + " in " + dir, e);
    }
  }

  /** The process named {@code name}. */
  public ManagedProcess process(String name) {
    return processes.stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no process " + name + " in the cluster"));
  }

  /** Adds the process, or replaces the one of the same name. */
  void put(ManagedProcess process) {
    processes.removeIf(p -> p.name().equals(process.name()));
    processes.add(process);
  }

  ClusterState withJob(String id) {
    return new ClusterState(
        dir,
        regions,
        flinkRest,
        flinkConfig,
        savepoints,
        id,
        jobJar,
        jobArguments,
        prometheus,
        processes);
  }

  ClusterState withFlink(
      String rest, String config, String savepointDir, String jar, List<String> arguments) {
    return new ClusterState(
        dir, regions, rest, config, savepointDir, jobId, jar, arguments, prometheus, processes);
  }

  ClusterState withPrometheus(String url) {
    return new ClusterState(
        dir,
        regions,
        flinkRest,
        flinkConfig,
        savepoints,
        jobId,
        jobJar,
        jobArguments,
        url,
        processes);
  }
}
