package dev.fieldline.edge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MappedJsonParserTest {
  private static final PayloadMapping SENML_LIKE =
      PayloadMapping.builder()
          .deviceId("/meta/serial")
          .deviceType("/meta/model")
          .timestamp("/time", "iso-8601")
          .sequence("/meta/counter")
          .metricsArray("/readings", "/n", "/v")
          .build();

  private static ParsedMessage parse(PayloadMapping mapping, String json) throws ParseException {
    return new MessageParser(mapping)
        .parse(json.getBytes(StandardCharsets.UTF_8), "", "test", "topic-device");
  }

  @Test
  void shouldReadAnArrayOfNamedValuesWithAnIsoTimestamp() throws ParseException {
    ParsedMessage message =
        parse(
            SENML_LIKE,
            """
            {"meta": {"serial": "ch-7", "model": "chiller", "counter": 42},
             "time": "2026-11-29T11:15:30.250+01:00",
             "readings": [{"n": "temperature", "v": 21.5}, {"n": "pressure", "v": 3}]}
            """);

    assertThat(message.deviceId()).isEqualTo("ch-7");
    assertThat(message.deviceType()).isEqualTo("chiller");
    assertThat(message.seq()).isEqualTo(42);
    assertThat(message.timestamp())
        .isEqualTo(Instant.parse("2026-11-29T10:15:30.250Z").toEpochMilli());
    assertThat(message.metricCount()).isEqualTo(2);
    assertThat(message.metric(0)).isEqualTo("temperature");
    assertThat(message.value(0)).isEqualTo(21.5);
    assertThat(message.metric(1)).isEqualTo("pressure");
    assertThat(message.value(1)).isEqualTo(3.0);
  }

  @Test
  void shouldReadNamedPointersAndSkipAMetricAMessageDoesNotCarry() throws ParseException {
    PayloadMapping mapping =
        PayloadMapping.builder()
            .timestamp("/t", "s")
            .sequence("/n")
            .metric("temperature", "/env/temp")
            .metric("humidity", "/env/rh")
            .build();

    ParsedMessage message =
        parse(mapping, "{\"t\": 1764411330.25, \"n\": 7, \"env\": {\"temp\": 4}}");

    assertThat(message.deviceId()).as("from the topic").isEqualTo("topic-device");
    assertThat(message.timestamp()).isEqualTo(1_764_411_330_250L);
    assertThat(message.metricCount()).isEqualTo(1);
    assertThat(message.metric(0)).isEqualTo("temperature");
  }

  @Test
  void shouldTakeNumericMembersOfAMetricsObjectAndLeaveTheRest() throws ParseException {
    PayloadMapping mapping =
        PayloadMapping.builder()
            .deviceId("/id")
            .timestamp("/ts", "us")
            .sequence("/seq")
            .metricsObject("/values")
            .build();

    ParsedMessage message =
        parse(
            mapping,
            "{\"id\": 1234, \"ts\": 1764411330250999, \"seq\": 1,"
                + " \"values\": {\"flow\": 2.5, \"status\": \"ok\", \"valve\": true, \"rpm\": 900}}");

    assertThat(message.deviceId()).as("an integer id as text").isEqualTo("1234");
    assertThat(message.timestamp()).isEqualTo(1_764_411_330_250L);
    assertThat(message.metricCount()).isEqualTo(2);
    assertThat(new String[] {message.metric(0), message.metric(1)}).containsExactly("flow", "rpm");
  }

  @Test
  void shouldConvertEveryEpochUnitToMilliseconds() throws ParseException {
    long millis = 1_764_411_330_250L;
    assertThat(timestamp("ms", Long.toString(millis))).isEqualTo(millis);
    assertThat(timestamp("s", "1764411330")).isEqualTo(1_764_411_330_000L);
    assertThat(timestamp("us", millis + "123")).isEqualTo(millis);
    assertThat(timestamp("ns", millis + "123456")).isEqualTo(millis);
    assertThat(timestamp("iso-8601", "\"2025-11-29T10:15:30.250Z\"")).isEqualTo(millis);
  }

  private static long timestamp(String unit, String literal) throws ParseException {
    PayloadMapping mapping =
        PayloadMapping.builder().timestamp("/ts", unit).sequence("/s").metric("m", "/m").build();
    return parse(mapping, "{\"ts\": " + literal + ", \"s\": 1, \"m\": 1}").timestamp();
  }

  @Test
  void shouldRefuseAPayloadThatMissesItsMappingNamingThePointer() {
    assertThatThrownBy(
            () ->
                parse(
                    SENML_LIKE,
                    "{\"meta\": {\"serial\": \"a\", \"counter\": 1}, \"readings\": []}"))
        .isInstanceOfSatisfying(
            ParseException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(RejectReason.MISSING_FIELD);
              assertThat(e.getMessage()).isEqualTo("no timestamp at /time");
            });
  }

  @Test
  void shouldRefuseValuesOfTheWrongTypeNamingWhereTheyAre() {
    String time = "\"time\": \"2026-11-29T10:00:00Z\"";
    assertRejected(
        "{\"meta\": {\"serial\": \"a\", \"counter\": \"1\"}, " + time + ", \"readings\": []}",
        RejectReason.WRONG_TYPE,
        "seq at /meta/counter must be an integer, got string");
    assertRejected(
        "{\"meta\": {\"serial\": \"a\", \"counter\": 1}, \"time\": 17, \"readings\": []}",
        RejectReason.WRONG_TYPE,
        "timestamp at /time must be an ISO-8601 string, got number");
    assertRejected(
        "{\"meta\": {\"serial\": \"a\", \"counter\": 1}, \"time\": \"yesterday\", \"readings\": []}",
        RejectReason.WRONG_TYPE,
        "timestamp at /time is not an ISO-8601 instant with an offset: yesterday");
    assertRejected(
        "{\"meta\": {\"serial\": \"a\", \"counter\": 1}, "
            + time
            + ", \"readings\": [{\"n\": \"t\", \"v\": \"hot\"}]}",
        RejectReason.WRONG_TYPE,
        "metric t at /v must be a number, got string");
    assertRejected(
        "{\"meta\": {\"serial\": \"a\", \"counter\": 1}, " + time + ", \"readings\": [{\"v\": 1}]}",
        RejectReason.MISSING_FIELD,
        "metric name at /readings/0/n must be a string, got nothing");
    assertRejected(
        "{\"meta\": {\"serial\": \"a\", \"counter\": 1}, " + time + ", \"readings\": {}}",
        RejectReason.WRONG_TYPE,
        "metrics array at /readings must be an array, got object");
    assertRejected(
        "{\"meta\": {\"serial\": [1], \"counter\": 1}, " + time + ", \"readings\": []}",
        RejectReason.WRONG_TYPE,
        "device id at /meta/serial must be a string or an integer, got array");
  }

  @Test
  void shouldRefuseWhatIsNotOneJsonDocument() {
    assertRejected("{\"meta\": ", RejectReason.MALFORMED, null);
    assertRejected("{} {}", RejectReason.MALFORMED, null);
    assertRejected("", RejectReason.MALFORMED, null);
  }

  @Test
  void shouldRefuseAMessageWithoutAnyMetric() {
    assertRejected(
        "{\"meta\": {\"serial\": \"a\", \"counter\": 1}, \"time\": \"2026-11-29T10:00:00Z\","
            + " \"readings\": []}",
        RejectReason.MISSING_FIELD,
        "missing or empty field metrics");
  }

  private static void assertRejected(String json, RejectReason reason, String message) {
    assertThatThrownBy(() -> parse(SENML_LIKE, json))
        .isInstanceOfSatisfying(
            ParseException.class,
            e -> {
              assertThat(e.reason()).as(json).isEqualTo(reason);
              if (message != null) {
                assertThat(e.getMessage()).isEqualTo(message);
              }
            });
  }

  @Test
  void shouldRefuseABadMappingNamingTheSettingAndItsExpression() {
    assertThatThrownBy(
            () ->
                PayloadMapping.builder()
                    .timestamp("ts", "ms")
                    .sequence("/seq")
                    .metric("t", "/t")
                    .build())
        .hasMessage("ingest.mapping.timestamp: 'ts' is not a JSON Pointer (it must start with /)");
    assertThatThrownBy(
            () -> PayloadMapping.builder().timestamp("/ts", "ms").metric("t", "/t").build())
        .hasMessage("ingest.mapping.sequence: required (a JSON Pointer, e.g. /ts)");
    assertThatThrownBy(
            () ->
                PayloadMapping.builder()
                    .timestamp("/ts", "minutes")
                    .sequence("/s")
                    .metric("t", "/t")
                    .build())
        .hasMessageStartingWith("ingest.mapping.timestamp-unit: unknown timestamp unit 'minutes'");
    assertThatThrownBy(() -> PayloadMapping.builder().timestamp("/ts", "ms").sequence("/s").build())
        .hasMessageStartingWith("ingest.mapping.metrics: set metrics");
    assertThatThrownBy(
            () ->
                PayloadMapping.builder()
                    .timestamp("/ts", "ms")
                    .sequence("/s")
                    .metricsArray("/r", "/n", "")
                    .build())
        .hasMessageStartingWith("ingest.mapping.metrics-array needs metric-name and metric-value");
    assertThatThrownBy(
            () ->
                PayloadMapping.builder()
                    .timestamp("/ts", "ms")
                    .sequence("/s")
                    .metric("bad name!", "/x")
                    .build())
        .hasMessage("ingest.mapping.metrics: 'bad name!' is not a valid metric name");
  }
}
