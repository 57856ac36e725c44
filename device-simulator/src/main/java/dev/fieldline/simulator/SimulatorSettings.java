package dev.fieldline.simulator;

import java.util.List;

/**
 * What to simulate.
 *
 * @param brokerUri MQTT broker, e.g. tcp://127.0.0.1:1883
 * @param clientId MQTT client id of the simulator (one connection carries the whole fleet)
 * @param devices number of devices
 * @param sites number of sites the devices are spread over
 * @param sitePrefix site ids are the prefix and a number, e.g. eu-site-3
 * @param devicePrefix device ids are the prefix and a number
 * @param types device types, assigned in turn
 * @param messagesPerSecond target rate of the whole fleet
 * @param anomalyRate share of good messages with an injected anomaly in one metric
 * @param malformedRate share of messages spoiled, cycling through every {@link Malformation}
 * @param topicTemplate telemetry topic with {siteId} and {deviceId}
 * @param maxInFlight unacknowledged publishes at once
 * @param seed random seed, for repeatable signals
 * @param episodes anomaly episodes with a start and an end, recorded in the ledger
 * @param format what the devices publish: Fieldline's JSON, or Sparkplug B through an edge node per
 *     site
 */
public record SimulatorSettings(
    String brokerUri,
    String clientId,
    int devices,
    int sites,
    String sitePrefix,
    String devicePrefix,
    List<DeviceType> types,
    double messagesPerSecond,
    double anomalyRate,
    double malformedRate,
    String topicTemplate,
    int maxInFlight,
    long seed,
    EpisodeSettings episodes,
    PayloadFormat format) {

  public static final String DEFAULT_TOPIC = "sites/{siteId}/devices/{deviceId}/telemetry";

  public SimulatorSettings {
    if (devices < 1 || sites < 1 || sites > devices) {
      throw new IllegalArgumentException("need at least one device and 1..devices sites");
    }
    if (!(messagesPerSecond > 0)) {
      throw new IllegalArgumentException("rate must be above 0");
    }
    if (!(anomalyRate >= 0 && anomalyRate <= 1) || !(malformedRate >= 0 && malformedRate <= 1)) {
      throw new IllegalArgumentException("anomaly and malformed rates are shares between 0 and 1");
    }
    if (types.isEmpty()) {
      throw new IllegalArgumentException("need at least one device type");
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("max in-flight must be at least 1");
    }
    types = List.copyOf(types);
    if (format == null) {
      format = PayloadFormat.FIELDLINE;
    }
  }

  /** Settings with anomaly episodes, in Fieldline's payload format. */
  public SimulatorSettings(
      String brokerUri,
      String clientId,
      int devices,
      int sites,
      String sitePrefix,
      String devicePrefix,
      List<DeviceType> types,
      double messagesPerSecond,
      double anomalyRate,
      double malformedRate,
      String topicTemplate,
      int maxInFlight,
      long seed,
      EpisodeSettings episodes) {
    this(
        brokerUri,
        clientId,
        devices,
        sites,
        sitePrefix,
        devicePrefix,
        types,
        messagesPerSecond,
        anomalyRate,
        malformedRate,
        topicTemplate,
        maxInFlight,
        seed,
        episodes,
        PayloadFormat.FIELDLINE);
  }

  /** Settings without anomaly episodes. */
  public SimulatorSettings(
      String brokerUri,
      String clientId,
      int devices,
      int sites,
      String sitePrefix,
      String devicePrefix,
      List<DeviceType> types,
      double messagesPerSecond,
      double anomalyRate,
      double malformedRate,
      String topicTemplate,
      int maxInFlight,
      long seed) {
    this(
        brokerUri,
        clientId,
        devices,
        sites,
        sitePrefix,
        devicePrefix,
        types,
        messagesPerSecond,
        anomalyRate,
        malformedRate,
        topicTemplate,
        maxInFlight,
        seed,
        EpisodeSettings.NONE);
  }

  /** The same settings with {@code episodes}. */
  public SimulatorSettings withEpisodes(EpisodeSettings episodes) {
    return new SimulatorSettings(
        brokerUri,
        clientId,
        devices,
        sites,
        sitePrefix,
        devicePrefix,
        types,
        messagesPerSecond,
        anomalyRate,
        malformedRate,
        topicTemplate,
        maxInFlight,
        seed,
        episodes,
        format);
  }

  /** The same settings publishing {@code format}. */
  public SimulatorSettings withFormat(PayloadFormat format) {
    return new SimulatorSettings(
        brokerUri,
        clientId,
        devices,
        sites,
        sitePrefix,
        devicePrefix,
        types,
        messagesPerSecond,
        anomalyRate,
        malformedRate,
        topicTemplate,
        maxInFlight,
        seed,
        episodes,
        format);
  }
}
