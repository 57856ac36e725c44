package dev.fieldline.cluster;

import dev.fieldline.infra.kafka.TopicReader;
import dev.fieldline.schema.NaturalKeys;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.RegionalAggregate;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code cluster soak}: loses a TaskManager again and again under the running fleet's load (SIGKILL
 * of each in turn; the job recovers on the remaining slots from its last checkpoint; the
 * TaskManager comes back), then counts, with {@code read_committed} readers, what every region's
 * {@code global.aggregates} holds twice by natural key.
 */
final class Soak {
  private static final AvroCodec<RegionalAggregate> AGGREGATES =
      AvroCodec.of(RegionalAggregate.class);

  private final Cluster cluster;
  private final PrintStream out;

  Soak(Cluster cluster, PrintStream out) {
    this.cluster = cluster;
    this.out = out;
  }

  /** What the soak found. */
  record Result(int losses, int recovered, long records, long duplicates) {
    String keyValues() {
      return String.format(
          "losses=%d recovered=%d records=%d duplicates=%d",
          losses, recovered, records, duplicates);
    }
  }

  Result run(int losses, Duration pause) throws Exception {
    List<ManagedProcess> taskManagers =
        cluster.state().processes().stream()
            .filter(p -> p.role() == ManagedProcess.Role.TASKMANAGER)
            .toList();
    if (taskManagers.size() < 2) {
      throw new IllegalStateException(
          "a soak needs two TaskManagers or more: one is lost at a time");
    }
    String rest = cluster.state().flinkRest();
    int recovered = 0;
    for (int loss = 1; loss <= losses; loss++) {
      String victim = taskManagers.get((loss - 1) % taskManagers.size()).name();
      String jobId = cluster.state().jobId();
      long before = FlinkSession.completedCheckpoints(rest, jobId);
      long started = System.nanoTime();
      cluster.stop(victim, true);
      boolean ok = awaitRecovery(rest, jobId, before, 180);
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      cluster.start(victim, 120);
      out.printf(
          "loss %2d: %s killed, job %s after %d s%n",
          loss, victim, ok ? "recovered (new checkpoint)" : "NOT RECOVERED", seconds);
      if (ok) {
        recovered++;
      }
      Thread.sleep(pause.toMillis());
    }
    // The last windows' copies are committed with the next checkpoints.
    Thread.sleep(15_000);
    long records = 0;
    long duplicates = 0;
    for (var region : cluster.state().regions().entrySet()) {
      Map<String, Long> byKey = new HashMap<>();
      for (byte[] value :
          TopicReader.readAll(
              region.getValue().get("bootstrap"), Topics.GLOBAL_AGGREGATES.name())) {
        byKey.merge(
            NaturalKeys.of(AGGREGATES.decode(value, Topics.GLOBAL_AGGREGATES.name())),
            1L,
            Long::sum);
        records++;
      }
      long twice = byKey.values().stream().filter(count -> count > 1).mapToLong(c -> c - 1).sum();
      duplicates += twice;
      out.printf(
          "%s global.aggregates: %,d records, %,d distinct, %d duplicated%n",
          region.getKey(),
          byKey.values().stream().mapToLong(Long::longValue).sum(),
          byKey.size(),
          twice);
    }
    return new Result(losses, recovered, records, duplicates);
  }

  /** The job runs again and has completed a checkpoint after the loss. */
  private boolean awaitRecovery(String rest, String jobId, long before, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (cluster.jobState().equals("RUNNING")
          && FlinkSession.completedCheckpoints(rest, jobId) > before + 1) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }
}
