package dev.fieldline.cluster;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code cluster up} starts.
 *
 * @param home the Fieldline checkout whose built jars run (the {@code target} folder of each
 *     module)
 * @param dir the cluster's folder: every process's configuration, data and log, and {@code
 *     cluster.json}
 * @param regions one Kafka cluster, Mosquitto, edge agents, aggregators and fleet each
 * @param brokers Kafka nodes per region (3: replication factor 3, {@code min.insync.replicas} 2)
 * @param taskManagers Flink TaskManagers ({@value FlinkSession#SLOTS_PER_TASK_MANAGER} slots each)
 * @param agents edge agents per region, the region's sites split between them
 * @param aggregators regional aggregator instances per region (one application, shared work)
 * @param devices devices per region (a site per five)
 * @param rate messages per second of each region's fleet (0: no fleet)
 * @param parallelism the global job's parallelism
 * @param rules the edge agents' rules file, or null for the agent's example ({@code
 *     edge-agent/rules.example.yaml}, with its filters)
 */
public record ClusterSettings(
    Path home,
    Path dir,
    List<String> regions,
    int brokers,
    int taskManagers,
    int agents,
    int aggregators,
    int devices,
    double rate,
    int parallelism,
    Path rules) {

  public ClusterSettings {
    regions = List.copyOf(regions);
    if (regions.isEmpty() || regions.stream().anyMatch(r -> !r.matches("[a-z0-9-]+"))) {
      throw new IllegalArgumentException("regions: one or more names of a-z, 0-9 and -");
    }
    if (brokers < 1 || taskManagers < 1 || agents < 1 || aggregators < 1 || parallelism < 1) {
      throw new IllegalArgumentException(
          "brokers, task managers, agents, aggregators and parallelism: at least 1 each");
    }
    if (devices < 1 || !(rate >= 0)) {
      throw new IllegalArgumentException("devices: at least 1; rate: 0 or more");
    }
    if (parallelism > taskManagers * FlinkSession.SLOTS_PER_TASK_MANAGER) {
      throw new IllegalArgumentException(
          "parallelism "
              + parallelism
              + " needs more slots than "
              + taskManagers
              + " task managers offer");
    }
  }

  /** Sites per region: one per five devices, as the demo has them. */
  int sites() {
    return Math.max(1, devices / 5);
  }
}
