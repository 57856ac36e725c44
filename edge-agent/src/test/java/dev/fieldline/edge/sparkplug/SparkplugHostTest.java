package dev.fieldline.edge.sparkplug;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.edge.sparkplug.SparkplugOutcome.Kind;
import org.eclipse.tahu.protobuf.SparkplugBProto;
import org.junit.jupiter.api.Test;

/**
 * The host's view of edge nodes whose messages are built with Eclipse Tahu's own encoder, in the
 * shapes of Tahu's edge node examples: births with aliases, data by alias, deaths, and what the
 * specification makes a host ask for a rebirth.
 */
class SparkplugHostTest {
  private static final String NODE = "spBv1.0/plant-1/%s/node-1";
  private static final String DEVICE = "spBv1.0/plant-1/%s/node-1/chiller-1";
  private static final long T = 1_767_600_000_000L;

  private final SparkplugHost host = new SparkplugHost();

  @Test
  void readsBirthsAndDataByAliasAsReadingsOfTheNodeAndItsDevice() throws Exception {
    SparkplugOutcome nodeBirth = host.handle(node("NBIRTH"), nbirth(0, 3), T);
    assertThat(nodeBirth.kind()).isEqualTo(Kind.BIRTH);
    assertThat(nodeBirth.readings())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.siteId()).isEqualTo("plant-1");
              assertThat(r.deviceId()).isEqualTo("node-1");
              assertThat(r.metric()).as("folders as dots").isEqualTo("Supply.Voltage");
              assertThat(r.value()).isEqualTo(230.0);
            });

    SparkplugOutcome deviceBirth = host.handle(device("DBIRTH"), dbirth(1), T);
    assertThat(deviceBirth.kind()).isEqualTo(Kind.BIRTH);
    assertThat(deviceBirth.readings())
        .extracting(SparkplugReading::metric)
        .containsExactly("temperature", "pressure");
    assertThat(deviceBirth.ignoredMetrics()).as("the string status").isEqualTo(1);

    SparkplugOutcome data = host.handle(device("DDATA"), ddataByAlias(2, 4.5), T + 1_000);
    assertThat(data.kind()).isEqualTo(Kind.DATA);
    assertThat(data.rebirth()).isNull();
    assertThat(data.readings())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.deviceId()).isEqualTo("node-1:chiller-1");
              assertThat(r.metric()).isEqualTo("temperature");
              assertThat(r.value()).isEqualTo(4.5);
              assertThat(r.timestamp()).isEqualTo(T + 1_000);
              assertThat(r.seq()).as("the device's second message").isEqualTo(2);
            });
    assertThat(host.online("plant-1", "node-1", "chiller-1")).isTrue();
  }

  @Test
  void asksForOneRebirthAfterASequenceGapAndTrustsTheNodeAgainOnceBorn() throws Exception {
    born();
    SparkplugOutcome gap = host.handle(device("DDATA"), ddataByAlias(4, 5.0), T);
    assertThat(gap.kind()).isEqualTo(Kind.OUT_OF_SEQUENCE);
    assertThat(gap.rebirth()).isEqualTo("plant-1/node-1");
    assertThat(gap.reason()).contains("sequence 4 after 2");
    SparkplugOutcome again = host.handle(device("DDATA"), ddataByAlias(5, 5.0), T);
    assertThat(again.kind()).isEqualTo(Kind.OUT_OF_SEQUENCE);
    assertThat(again.rebirth()).as("asked once until the node is born again").isNull();

    host.handle(node("NBIRTH"), nbirth(0, 4), T);
    SparkplugOutcome beforeDeviceBirth = host.handle(device("DDATA"), ddataByAlias(1, 5.0), T);
    assertThat(beforeDeviceBirth.kind()).isEqualTo(Kind.OUT_OF_SEQUENCE);
    assertThat(beforeDeviceBirth.rebirth()).isEqualTo("plant-1/node-1");
    assertThat(beforeDeviceBirth.reason()).contains("before its birth");
  }

  @Test
  void acceptsTheSequenceWrappingFrom255To0() throws Exception {
    host.handle(node("NBIRTH"), nbirth(254, 1), T);
    assertThat(host.handle(device("DBIRTH"), dbirth(255), T).kind()).isEqualTo(Kind.BIRTH);
    assertThat(host.handle(device("DDATA"), ddataByAlias(0, 4.0), T).kind()).isEqualTo(Kind.DATA);
  }

  @Test
  void asksForARebirthOfDataBeforeAnyBirth() throws Exception {
    SparkplugOutcome outcome = host.handle(device("DDATA"), ddataByAlias(7, 4.0), T);
    assertThat(outcome.kind()).isEqualTo(Kind.OUT_OF_SEQUENCE);
    assertThat(outcome.rebirth()).isEqualTo("plant-1/node-1");
    assertThat(outcome.readings()).isEmpty();
  }

  @Test
  void takesANodeOfflineOnlyWithTheDeathOfItsCurrentBirth() throws Exception {
    born(); // bdSeq 3
    assertThat(host.handle(node("NDEATH"), ndeath(2), T).kind()).isEqualTo(Kind.STALE_DEATH);
    assertThat(host.online("plant-1", "node-1", "chiller-1")).isTrue();

    assertThat(host.handle(node("NDEATH"), ndeath(3), T).kind()).isEqualTo(Kind.NODE_DEATH);
    assertThat(host.online("plant-1", "node-1", null)).isFalse();
    assertThat(host.online("plant-1", "node-1", "chiller-1")).isFalse();
  }

  @Test
  void takesADeviceOfflineWithItsDeath() throws Exception {
    born();
    SparkplugOutcome death = host.handle(device("DDEATH"), TahuEdgeNode.ddeath(3, T), T);
    assertThat(death.kind()).isEqualTo(Kind.DEVICE_DEATH);
    assertThat(host.online("plant-1", "node-1", "chiller-1")).isFalse();
    assertThat(host.online("plant-1", "node-1", null)).isTrue();
  }

  @Test
  void refusesWhatIsNotSparkplugAndReadsAroundMetricsItCannotUse() throws Exception {
    assertThat(host.handle(device("DDATA"), new byte[] {0x0a, 0x7f, 0x01}, T).kind())
        .as("truncated protobuf")
        .isEqualTo(Kind.MALFORMED);
    assertThat(host.handle("spBv1.0/plant-1", new byte[0], T).kind()).isEqualTo(Kind.MALFORMED);
    assertThat(host.handle(device("DCMD"), new byte[0], T).kind()).isEqualTo(Kind.NOT_FOR_HOST);

    born();
    SparkplugOutcome outOfRange =
        host.handle(
            device("DDATA"),
            SparkplugBProto.Payload.newBuilder().setSeq(300).setTimestamp(T).build().toByteArray(),
            T);
    assertThat(outOfRange.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(outOfRange.reason()).contains("300");

    // Announced as a double, sent as a string; and an alias no birth announced.
    byte[] mixed =
        SparkplugBProto.Payload.newBuilder()
            .setSeq(3)
            .setTimestamp(T)
            .addMetrics(
                SparkplugBProto.Payload.Metric.newBuilder().setAlias(10).setStringValue("hot"))
            .addMetrics(SparkplugBProto.Payload.Metric.newBuilder().setAlias(99).setDoubleValue(1))
            .addMetrics(
                SparkplugBProto.Payload.Metric.newBuilder().setAlias(12).setFloatValue(7.5f))
            .build()
            .toByteArray();
    SparkplugOutcome outcome = host.handle(device("DDATA"), mixed, T);
    assertThat(outcome.kind()).isEqualTo(Kind.DATA);
    assertThat(outcome.readings()).extracting(SparkplugReading::value).containsExactly(7.5);
    assertThat(outcome.rejectedMetrics()).isEqualTo(2);
    assertThat(outcome.rebirth())
        .as("an unknown alias: the host's view is stale")
        .isEqualTo("plant-1/node-1");
  }

  @Test
  void countsWhatItSetsAsideUntilTheRebirthOneReadingPerTelemetryMetric() throws Exception {
    SparkplugOutcome early = host.handle(device("DBIRTH"), dbirth(1), T);
    assertThat(early.kind()).isEqualTo(Kind.OUT_OF_SEQUENCE);
    assertThat(early.setAsideMetrics()).as("temperature, status, pressure").isEqualTo(3);
    SparkplugOutcome nodeEarly = host.handle(node("NBIRTH"), nbirth(0, 3), T);
    assertThat(nodeEarly.kind()).isEqualTo(Kind.BIRTH);
  }

  @Test
  void doesNotNumberAMessageWithoutReadingsSoItsDeviceShowsNoGap() throws Exception {
    born(); // the device's messages 1 (birth) and 2
    byte[] unusable =
        SparkplugBProto.Payload.newBuilder()
            .setSeq(3)
            .setTimestamp(T)
            .addMetrics(
                SparkplugBProto.Payload.Metric.newBuilder().setAlias(10).setStringValue("hot"))
            .build()
            .toByteArray();
    SparkplugOutcome rejected = host.handle(device("DDATA"), unusable, T);
    assertThat(rejected.readings()).isEmpty();
    assertThat(rejected.rejectedMetrics()).isEqualTo(1);

    SparkplugOutcome next = host.handle(device("DDATA"), ddataByAlias(4, 4.0), T);
    assertThat(next.readings())
        .singleElement()
        .extracting(SparkplugReading::seq)
        .as("the next reading follows the last one the device delivered")
        .isEqualTo(3L);
  }

  @Test
  void readsBooleansAsReadingsWhenConfiguredAndCountsThemOtherwise() throws Exception {
    byte[] birth =
        SparkplugBProto.Payload.newBuilder()
            .setSeq(1)
            .setTimestamp(T)
            .addMetrics(
                SparkplugBProto.Payload.Metric.newBuilder()
                    .setName("running")
                    .setAlias(20)
                    .setDatatype(SparkplugBProto.DataType.Boolean_VALUE)
                    .setBooleanValue(true))
            .build()
            .toByteArray();
    byte[] data =
        SparkplugBProto.Payload.newBuilder()
            .setSeq(2)
            .setTimestamp(T)
            .addMetrics(
                SparkplugBProto.Payload.Metric.newBuilder().setAlias(20).setBooleanValue(false))
            .build()
            .toByteArray();

    SparkplugHost reading =
        new SparkplugHost(new SparkplugOptions(true, SparkplugOptions.DEFAULT_DEVICE_TYPE_METRIC));
    reading.handle(node("NBIRTH"), nbirth(0, 3), T);
    assertThat(reading.handle(device("DBIRTH"), birth, T).readings())
        .extracting(SparkplugReading::metric, SparkplugReading::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("running", 1.0));
    assertThat(reading.handle(device("DDATA"), data, T).readings())
        .extracting(SparkplugReading::value)
        .containsExactly(0.0);

    host.handle(node("NBIRTH"), nbirth(0, 3), T);
    SparkplugOutcome ignored = host.handle(device("DBIRTH"), birth, T);
    assertThat(ignored.readings()).isEmpty();
    assertThat(ignored.ignoredMetrics()).isEqualTo(1);
  }

  @Test
  void takesTheDeviceTypeFromItsBirthCertificate() throws Exception {
    byte[] birth =
        SparkplugBProto.Payload.newBuilder()
            .setSeq(1)
            .setTimestamp(T)
            .addMetrics(
                SparkplugBProto.Payload.Metric.newBuilder()
                    .setName("temperature")
                    .setAlias(10)
                    .setDatatype(SparkplugBProto.DataType.Double_VALUE)
                    .setDoubleValue(4.2))
            .addMetrics(
                SparkplugBProto.Payload.Metric.newBuilder()
                    .setName(SparkplugOptions.DEFAULT_DEVICE_TYPE_METRIC)
                    .setDatatype(SparkplugBProto.DataType.String_VALUE)
                    .setStringValue("chiller"))
            .build()
            .toByteArray();
    host.handle(node("NBIRTH"), nbirth(0, 3), T);
    assertThat(host.handle(device("DBIRTH"), birth, T).readings())
        .extracting(SparkplugReading::deviceType)
        .as("also the metrics before it in the birth")
        .containsExactly("chiller");
    assertThat(host.handle(device("DDATA"), ddataByAlias(2, 4.0), T).readings())
        .extracting(SparkplugReading::deviceType)
        .containsExactly("chiller");
    assertThat(host.handle(node("NBIRTH"), nbirth(0, 4), T).readings())
        .extracting(SparkplugReading::deviceType)
        .as("the node named none")
        .containsOnlyNulls();
  }

  private void born() throws Exception {
    host.handle(node("NBIRTH"), nbirth(0, 3), T);
    host.handle(device("DBIRTH"), dbirth(1), T);
    host.handle(device("DDATA"), ddataByAlias(2, 4.5), T);
  }

  private static String node(String type) {
    return String.format(NODE, type);
  }

  private static String device(String type) {
    return String.format(DEVICE, type);
  }

  private static byte[] nbirth(long seq, long bdSeq) throws Exception {
    return TahuEdgeNode.nbirth(seq, bdSeq, T);
  }

  private static byte[] dbirth(long seq) throws Exception {
    return TahuEdgeNode.dbirth(seq, T);
  }

  /** Report by exception, as Tahu's examples do: the changed metric only, by its alias alone. */
  private static byte[] ddataByAlias(long seq, double temperature) throws Exception {
    return TahuEdgeNode.ddata(seq, temperature, T + 1_000);
  }

  private static byte[] ndeath(long bdSeq) throws Exception {
    return TahuEdgeNode.ndeath(bdSeq, T);
  }
}
