package dev.fieldline.demo;

import java.time.Duration;

/**
 * What a chaos run does.
 *
 * @param faultedRegion the region whose edge, link, Kafka cluster and aggregator are hit
 * @param steadyRegion the other region, left alone (the global job still spans both)
 * @param devicesPerRegion devices in each region's fleet
 * @param ratePerRegion messages per second of each fleet
 * @param warmUp load before the first fault
 * @param pause load between a fault's recovery and the next fault
 * @param linkOutage how long the edge agent's MQTT link stays cut
 * @param kafkaOutage how long the faulted region's Kafka broker stays down
 * @param recoveryTimeout how long a fault may take to recover before the run fails
 * @param drainTimeout how long, after the devices stop, every tier may take to catch up
 * @param duration how long the load runs at least: the fault schedule repeats until it has (zero:
 *     the schedule once)
 */
public record ChaosSettings(
    String faultedRegion,
    String steadyRegion,
    int devicesPerRegion,
    double ratePerRegion,
    Duration warmUp,
    Duration pause,
    Duration linkOutage,
    Duration kafkaOutage,
    Duration recoveryTimeout,
    Duration drainTimeout,
    Duration duration) {

  /** The same faults with another load: regions (faulted, steady), devices and rate per region. */
  public ChaosSettings withLoad(
      String faultedRegion, String steadyRegion, int devicesPerRegion, double ratePerRegion) {
    return new ChaosSettings(
        faultedRegion,
        steadyRegion,
        devicesPerRegion,
        ratePerRegion,
        warmUp,
        pause,
        linkOutage,
        kafkaOutage,
        recoveryTimeout,
        drainTimeout,
        duration);
  }

  /** The same run, its fault schedule repeated until the load has run for {@code length}. */
  public ChaosSettings withDuration(Duration length) {
    return new ChaosSettings(
        faultedRegion,
        steadyRegion,
        devicesPerRegion,
        ratePerRegion,
        warmUp,
        pause,
        linkOutage,
        kafkaOutage,
        recoveryTimeout,
        drainTimeout,
        length);
  }

  /** The run CI does: every fault once, a 30 s Kafka outage, about 3.5 minutes in all. */
  public static ChaosSettings defaults() {
    return new ChaosSettings(
        "eu-west",
        "us-east",
        12,
        60,
        Duration.ofSeconds(15),
        Duration.ofSeconds(8),
        Duration.ofSeconds(6),
        Duration.ofSeconds(30),
        Duration.ofSeconds(90),
        Duration.ofSeconds(90),
        Duration.ZERO);
  }
}
