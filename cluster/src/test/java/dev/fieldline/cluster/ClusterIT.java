package dev.fieldline.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fieldline.demo.ChaosVerifier;
import dev.fieldline.simulator.DeviceType;
import dev.fieldline.simulator.Simulator;
import dev.fieldline.simulator.SimulatorSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production shape under faults on real processes: one region's 3-node Kafka cluster,
 * Mosquitto, an edge agent and two aggregator instances from their shaded jars, a Flink session
 * cluster of a JobManager and two TaskManagers running the global job submitted through Flink's
 * CLI, Prometheus with the alert rules. Under a device fleet's load: a rolling restart of the three
 * Kafka nodes, each down for 10 s; then the edge agent stopped for longer than {@code
 * EdgeNotSeen}'s {@code for:}, and meanwhile a TaskManager killed (the job recovers on the
 * remaining slots from its last checkpoint), an aggregator instance killed, the job upgraded
 * through a savepoint. Then every tier is reconciled by sequence numbers and natural keys ({@code
 * read_committed}): nothing lost, nothing counted twice; and Prometheus saw every target up and the
 * alert fire and resolve.
 */
@Tag("cluster")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ClusterIT {
  /** Readings each check must have covered for the run to say anything. */
  private static final long MIN_COVERED = 1_000;

  private static final String REGION = "eu-west";

  @TempDir Path dir;

  @Test
  void shouldLoseNothingAndCountNothingTwiceThroughFaultsOnRealProcesses() throws Exception {
    assumeTrue(
        Cluster.missingPrograms().isEmpty(),
        "needs Debian's " + Cluster.missingPrograms() + " (.ci/run installs them)");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    ClusterSettings settings =
        new ClusterSettings(
            Path.of(".."),
            dir,
            List.of(REGION),
            3,
            2,
            1,
            2,
            20,
            0,
            2,
            // Rules without filters: every reading must reach the summaries, by sequence number.
            Path.of("../demo/src/main/resources/chaos-rules.yaml"));
    long started = System.nanoTime();
    Cluster cluster = Cluster.up(settings, out);
    step(out, started, "cluster up");
    try (Simulator fleet = new Simulator(fleet(cluster)).start()) {
      ClusterState state = cluster.state();
      assertThat(state.processes()).allSatisfy(p -> assertThat(Health.of(p)).isEqualTo("up"));
      String prometheus = state.prometheus();
      Process check =
          new ProcessBuilder(
                  "promtool",
                  "check",
                  "config",
                  dir.resolve("prometheus").resolve("prometheus.yml").toString())
              .redirectErrorStream(true)
              .start();
      String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(check.waitFor()).as("promtool check config: %s", checked).isZero();
      await("every Prometheus target up")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  targets(prometheus).size() >= 5
                      && targets(prometheus).stream().allMatch("up"::equals));

      // A rolling restart of the three Kafka nodes, each down for 5 s: leaders move, producers,
      // transactions and consumers carry on.
      Thread.sleep(5_000);
      step(out, started, "rolling restart of the Kafka nodes");
      cluster.rollingRestart(REGION, Duration.ofSeconds(5), out);

      // The edge agent stops for longer than EdgeNotSeen's 1 minute. Meanwhile a TaskManager dies
      // (the job restarts on the remaining slots from its last checkpoint), an aggregator instance
      // is killed, and the global job is upgraded through a savepoint with Flink's CLI.
      step(out, started, "edge agent stopped; TaskManager killed");
      cluster.stop("gw-" + REGION + "-1", false);
      long agentStopped = System.nanoTime();
      long checkpoints = FlinkSession.completedCheckpoints(state.flinkRest(), state.jobId());
      cluster.stop("flink-taskmanager-1", true);
      await("the job recovers on the remaining slots")
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  cluster.jobState().equals("RUNNING")
                      && FlinkSession.completedCheckpoints(state.flinkRest(), state.jobId())
                          > checkpoints + 1);
      cluster.start("flink-taskmanager-1", 120);
      step(out, started, "job recovered; aggregator killed");
      cluster.stop("aggregator-" + REGION + "-1", true);
      Thread.sleep(3_000);
      cluster.start("aggregator-" + REGION + "-1", 180);
      step(out, started, "job upgrade through a savepoint");
      String savepoint = cluster.stopJobWithSavepoint();
      cluster.submitJob(savepoint, 2);
      await("EdgeNotSeen fires")
          .atMost(Duration.ofSeconds(150))
          .until(() -> alertState(prometheus, "EdgeNotSeen").equals("firing"));
      assertThat(System.nanoTime() - agentStopped).isGreaterThan(TimeUnit.SECONDS.toNanos(60));
      step(out, started, "EdgeNotSeen fired; edge agent started");
      cluster.start("gw-" + REGION + "-1", 120);
      await("EdgeNotSeen resolves")
          .atMost(Duration.ofSeconds(60))
          .until(() -> alertState(prometheus, "EdgeNotSeen").equals("inactive"));

      Thread.sleep(5_000);
      step(out, started, "load stopped; reconciling");
      fleet.stop();
      ChaosVerifier verifier =
          new ChaosVerifier(
              Map.of(REGION, state.regions().get(REGION).get("bootstrap")),
              Map.of(REGION, fleet.ledger()),
              Cluster.REGIONAL_WINDOW,
              Cluster.REGIONAL_GRACE,
              Cluster.GLOBAL_OUT_OF_ORDERNESS,
              Cluster.REGIONAL_WINDOW);
      ChaosVerifier.Result result = verifier.verify();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      // Clean is not enough: after the late job upgrade the global roll-up may not have closed a
      // window yet when the load stops, and its windows close as the last exports arrive.
      while (!(result.clean() && covered(result)) && System.nanoTime() < deadline) {
        Thread.sleep(5_000);
        result = verifier.verify();
      }
      result.tallies().forEach(t -> out.println("check " + t));
      out.println("dead letters " + result.deadLetters() + " " + result.deadLetterExamples());
      assertThat(result.discrepancies()).as("lost or counted twice").isEmpty();
      assertThat(result.tallies())
          .as("every check covered readings, the global roll-up's final windows too")
          .allSatisfy(t -> assertThat(t.checked()).isGreaterThan(MIN_COVERED));
      assertThat(fleet.ledger().failed()).isZero();
      step(out, started, "reconciled");
    } finally {
      cluster.down(out);
      step(out, started, "cluster down");
      System.out.println(buffer.toString(StandardCharsets.UTF_8));
    }
    assertThat(cluster.state().processes()).noneMatch(ManagedProcess::alive);
  }

  private static void step(PrintStream out, long started, String what) {
    out.printf("%5.0f s  %s%n", (System.nanoTime() - started) / 1e9, what);
  }

  private static SimulatorSettings fleet(Cluster cluster) {
    return new SimulatorSettings(
        cluster.state().regions().get(REGION).get("mqtt"),
        "fleet-" + REGION,
        20,
        4,
        REGION + "-site-",
        REGION + "-dev-",
        List.of(DeviceType.values()),
        100,
        0.01,
        0.0,
        SimulatorSettings.DEFAULT_TOPIC,
        1000,
        7);
  }

  private static List<String> targets(String prometheus) {
    JsonNode targets = FlinkSession.get(prometheus + "/api/v1/targets");
    List<String> health = new ArrayList<>();
    if (targets != null) {
      targets
          .path("data")
          .path("activeTargets")
          .forEach(t -> health.add(t.path("health").asText()));
    }
    return health;
  }

  /** "inactive", "pending" or "firing". */
  private static String alertState(String prometheus, String name) {
    JsonNode alerts = FlinkSession.get(prometheus + "/api/v1/alerts");
    if (alerts != null) {
      for (JsonNode alert : alerts.path("data").path("alerts")) {
        if (alert.path("labels").path("alertname").asText().equals(name)) {
          return alert.path("state").asText();
        }
      }
    }
    return "inactive";
  }

  /** Every check covered enough readings, the global roll-up's final windows too. */
  private static boolean covered(ChaosVerifier.Result result) {
    return result.tallies().stream().allMatch(t -> t.checked() > MIN_COVERED);
  }
}
