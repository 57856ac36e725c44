package dev.fieldline.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fieldline.cluster.ManagedProcess.Role;
import dev.fieldline.infra.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Flink standalone session cluster from Flink's Maven artifacts (its binary distribution is not
 * on Maven Central): a JobManager ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers
 * ({@code TaskManagerRunner}), each its own JVM with its own configuration folder, on loopback;
 * RocksDB state with incremental checkpoints and savepoints on local disk; each JVM's metrics for
 * Prometheus ({@code LoopbackPrometheusReporter}). What Flink's start scripts compute (the Java 17
 * module openings, the TaskManager's memory components) is written out here.
 */
final class FlinkSession {
  static final int SLOTS_PER_TASK_MANAGER = 2;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private FlinkSession() {}

  /** Where the session is and what runs it. */
  record Started(List<ManagedProcess> processes, String restUrl, Path configDir, Path savepoints) {}

  static Started start(Path dir, int taskManagers) throws IOException, InterruptedException {
    int rpcPort = FreePorts.pick();
    int restPort = FreePorts.pick();
    Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
    Path savepoints = Files.createDirectories(dir.resolve("savepoints"));
    Map<String, String> common = new LinkedHashMap<>();
    common.put("jobmanager.rpc.address", "127.0.0.1");
    common.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    common.put("jobmanager.bind-host", "127.0.0.1");
    common.put("jobmanager.memory.process.size", "1024m");
    common.put("rest.address", "127.0.0.1");
    common.put("rest.bind-address", "127.0.0.1");
    common.put("rest.port", Integer.toString(restPort));
    common.put("taskmanager.host", "127.0.0.1");
    common.put("taskmanager.bind-host", "127.0.0.1");
    common.put("taskmanager.numberOfTaskSlots", Integer.toString(SLOTS_PER_TASK_MANAGER));
    common.put("cluster.evenly-spread-out-slots", "true");
    // A killed TaskManager is noticed in seconds, not the default 50 s.
    common.put("heartbeat.interval", "2000");
    common.put("heartbeat.timeout", "10000");
    common.put("state.backend.type", "rocksdb");
    common.put("execution.checkpointing.incremental", "true");
    common.put("execution.checkpointing.dir", checkpoints.toUri().toString());
    common.put("execution.checkpointing.savepoint-dir", savepoints.toUri().toString());
    common.put("execution.checkpointing.num-retained", "2");
    common.put(
        "metrics.reporter.prom.factory.class",
        "dev.fieldline.cluster.flink.LoopbackPrometheusReporterFactory");
    common.put("metrics.reporter.prom.host", "127.0.0.1");
    // A TaskManager started without Flink's scripts needs every memory component spelled out.
    common.put("taskmanager.cpu.cores", "1");
    common.put("taskmanager.memory.framework.heap.size", "128m");
    common.put("taskmanager.memory.task.heap.size", "384m");
    common.put("taskmanager.memory.managed.size", "256m");
    common.put("taskmanager.memory.framework.off-heap.size", "128m");
    common.put("taskmanager.memory.task.off-heap.size", "0m");
    common.put("taskmanager.memory.network.min", "64m");
    common.put("taskmanager.memory.network.max", "64m");
    common.put("taskmanager.memory.jvm-metaspace.size", "256m");
    common.put("taskmanager.memory.jvm-overhead.min", "192m");
    common.put("taskmanager.memory.jvm-overhead.max", "192m");

    List<ManagedProcess> processes = new ArrayList<>();
    Path jmDir = configDir(dir, "jobmanager", common);
    processes.add(
        Launch.start(
            process(
                "flink-jobmanager",
                Role.JOBMANAGER,
                restPort,
                "http://127.0.0.1:" + restPort + "/overview",
                jmDir,
                List.of("-Xms512m", "-Xmx512m"),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint")));
    for (int i = 1; i <= taskManagers; i++) {
      processes.add(Launch.start(taskManager(dir, common, i)));
    }
    String rest = "http://127.0.0.1:" + restPort;
    awaitSlots(rest, taskManagers * SLOTS_PER_TASK_MANAGER, processes);
    return new Started(processes, rest, jmDir, savepoints);
  }

  private static ManagedProcess taskManager(Path dir, Map<String, String> common, int number)
      throws IOException {
    Map<String, String> own = new LinkedHashMap<>(common);
    own.put("taskmanager.resource-id", "taskmanager-" + number);
    Path config = configDir(dir, "taskmanager-" + number, own);
    int metricsPort = Integer.parseInt(read(config, "metrics.reporter.prom.port"));
    return process(
        "flink-taskmanager-" + number,
        Role.TASKMANAGER,
        metricsPort,
        "http://127.0.0.1:" + metricsPort + "/metrics",
        config,
        // Heap: framework + task; direct: framework off-heap + task off-heap + network.
        List.of(
            "-Xms512m", "-Xmx512m", "-XX:MaxDirectMemorySize=192m", "-XX:MaxMetaspaceSize=256m"),
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
  }

  private static Path configDir(Path dir, String name, Map<String, String> settings)
      throws IOException {
    Path config = Files.createDirectories(dir.resolve(name));
    Map<String, String> own = new LinkedHashMap<>(settings);
    own.putIfAbsent("metrics.reporter.prom.port", Integer.toString(FreePorts.pick()));
    StringBuilder yaml = new StringBuilder("# Written by ./fieldline cluster for " + name + "\n");
    own.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
    Files.writeString(config.resolve("config.yaml"), yaml);
    Files.writeString(config.resolve("log4j.properties"), Launch.serverLogging("org.apache.kafka"));
    return config;
  }

  private static String read(Path config, String key) throws IOException {
    for (String line : Files.readAllLines(config.resolve("config.yaml"))) {
      if (line.startsWith(key + ": ")) {
        return line.substring(key.length() + 2).strip();
      }
    }
    throw new IllegalStateException(key + " not in " + config);
  }

  private static ManagedProcess process(
      String name,
      Role role,
      int port,
      String health,
      Path config,
      List<String> memory,
      String mainClass) {
    List<String> options = new ArrayList<>(memory);
    options.addAll(ClassPaths.flinkOpens());
    options.add("-Dlog4j2.configurationFile=" + config.resolve("log4j.properties"));
    options.add("-Dlog.file=" + config.resolve(name + ".log"));
    return new ManagedProcess(
        name,
        role,
        "",
        -1,
        port,
        health,
        config.resolve(name + ".out").toString(),
        Launch.java(
            options, "-cp", ClassPaths.flink(), mainClass, "--configDir", config.toString()),
        Map.of());
  }

  /** Waits until the JobManager offers {@code slots} slots. */
  static void awaitSlots(String rest, int slots, List<ManagedProcess> processes)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      for (ManagedProcess process : processes) {
        if (!process.alive()) {
          throw new IllegalStateException(process.name() + " exited; see " + process.log());
        }
      }
      JsonNode overview = get(rest + "/overview");
      if (overview != null && overview.path("slots-total").asInt() >= slots) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the Flink session at " + rest + " did not offer " + slots);
  }

  /** Every job of the session: id, name and state. */
  static List<Job> jobs(String rest) {
    JsonNode overview = get(rest + "/jobs/overview");
    List<Job> jobs = new ArrayList<>();
    if (overview != null) {
      for (JsonNode job : overview.path("jobs")) {
        jobs.add(
            new Job(
                job.path("jid").asText(), job.path("name").asText(), job.path("state").asText()));
      }
    }
    return jobs;
  }

  /** A job as the JobManager reports it. */
  record Job(String id, String name, String state) {}

  /** Completed checkpoints of a job so far, or -1 when the JobManager does not answer. */
  static long completedCheckpoints(String rest, String jobId) {
    JsonNode checkpoints = get(rest + "/jobs/" + jobId + "/checkpoints");
    return checkpoints == null ? -1 : checkpoints.path("counts").path("completed").asLong();
  }

  /** Task slots: total and free, or null when the JobManager does not answer. */
  static int[] slots(String rest) {
    JsonNode overview = get(rest + "/overview");
    return overview == null
        ? null
        : new int[] {
          overview.path("slots-total").asInt(), overview.path("slots-available").asInt()
        };
  }

  static JsonNode get(String url) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
