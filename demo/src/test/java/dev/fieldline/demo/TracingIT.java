package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.infra.kafka.TopicReader;
import dev.fieldline.schema.Topics;
import dev.fieldline.support.tracing.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End-to-end tracing through the demo pipeline, spans caught by an in-memory exporter: a device's
 * own {@code traceparent} is continued by the edge, and that one reading's trace runs through the
 * edge, its region's aggregator and the global job into both regions' {@code global.aggregates}, in
 * order, each span the child of the one before. A malformed {@code traceparent} is counted and
 * ignored. Every log line of the run carries a correlation id, the trace id where there is one.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TracingIT {
  private static final AttributeKey<String> REGION = AttributeKey.stringKey("fieldline.region");
  private static final String DEVICE_TRACE = "5c1f0e4a2b3d4c6e8f9a0b1c2d3e4f50";
  private static final String DEVICE_SPAN = "a1b2c3d4e5f60718";

  @Test
  void shouldFollowOneReadingFromItsDeviceIntoEveryRegionsGlobalCopy() throws Exception {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    try (LogCapture logs = LogCapture.everything();
        Demo demo =
            new Demo(
                DemoIT.twentySecondRun(false, 1.0),
                new Console(out, false, "test log"),
                List.of(SimpleSpanProcessor.create(exported)))) {
      assertThat(demo.run(out)).as(buffer.toString(StandardCharsets.UTF_8)).isTrue();
      RegionStack eu = demo.stacks().get("eu-west");

      // A device of a site of its own, so that its reading is the first of every window it joins.
      MqttClient device =
          new MqttClient(eu.mqtt.serverUri(), "trace-dev-1", new MemoryPersistence());
      device.connect(new MqttConnectionOptions());
      publish(
          device, "trace-site", "trace-dev-1", "00-" + DEVICE_TRACE + "-" + DEVICE_SPAN + "-01");
      publish(device, "trace-site-2", "trace-dev-2", "00-broken-traceparent");
      device.disconnect();
      device.close();

      for (RegionStack region : demo.stacks().values()) {
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> carriesTheTrace(region));
      }
      assertThat(eu.edge.tracing().malformedTraceParents()).isEqualTo(1);
      assertThat(eu.edge.counters().accepted.sum()).isPositive();

      List<SpanData> trace =
          exported.getFinishedSpanItems().stream()
              .filter(span -> span.getTraceId().equals(DEVICE_TRACE))
              .toList();
      SpanData receive = only(trace, "edge.receive");
      assertThat(receive.getParentSpanId()).isEqualTo(DEVICE_SPAN);
      assertThat(only(trace, "edge.validate").getParentSpanId()).isEqualTo(receive.getSpanId());
      assertThat(only(trace, "edge.decide").getParentSpanId()).isEqualTo(receive.getSpanId());
      SpanData summary = only(trace, "edge.summary");
      assertThat(summary.getParentSpanId()).isEqualTo(receive.getSpanId());
      SpanData rollup =
          trace.stream()
              .filter(span -> span.getName().equals("regional.rollup"))
              .filter(span -> span.getParentSpanId().equals(summary.getSpanId()))
              .findFirst()
              .orElseThrow();
      assertThat(rollup.getAttributes().get(REGION)).isEqualTo("eu-west");
      SpanData received =
          trace.stream()
              .filter(span -> span.getName().equals("global.receive"))
              .filter(span -> span.getParentSpanId().equals(rollup.getSpanId()))
              .findFirst()
              .orElseThrow();
      List<SpanData> copies =
          trace.stream()
              .filter(span -> span.getName().equals("global.replicate"))
              .filter(span -> span.getParentSpanId().equals(received.getSpanId()))
              .toList();
      assertThat(copies)
          .extracting(span -> span.getAttributes().get(REGION))
          .containsExactlyInAnyOrder("eu-west", "us-east");
      long[] starts = {
        receive.getStartEpochNanos(),
        summary.getStartEpochNanos(),
        rollup.getStartEpochNanos(),
        received.getStartEpochNanos(),
        copies.stream().mapToLong(SpanData::getStartEpochNanos).min().orElseThrow()
      };
      for (int i = 1; i < starts.length; i++) {
        assertThat(starts[i])
            .as("hop %d starts after hop %d", i, i - 1)
            .isGreaterThanOrEqualTo(starts[i - 1]);
      }
      // The demo's own store finds the reading, and its path reaches both regions.
      assertThat(ReadingPath.describe(demo.traces(), "trace-dev-1", 1))
          .contains("edge.receive", "regional.rollup", "global.replicate", "us-east");

      Set<String> traceIds = new HashSet<>();
      exported.getFinishedSpanItems().forEach(span -> traceIds.add(span.getTraceId()));
      assertThat(logs.events()).isNotEmpty();
      assertThat(logs.events())
          .allSatisfy(event -> assertThat(event.correlationId()).as(event.text()).isNotBlank());
      assertThat(logs.events())
          .filteredOn(event -> event.text().contains("rejected message"))
          .anySatisfy(event -> assertThat(traceIds).contains(event.correlationId()));
    }
  }

  private static void publish(MqttClient device, String site, String deviceId, String traceParent)
      throws Exception {
    String json =
        "{\"deviceId\":\""
            + deviceId
            + "\",\"type\":\"chiller\",\"ts\":"
            + System.currentTimeMillis()
            + ",\"seq\":1,\"metrics\":{\"temperature\":4.2}}";
    MqttMessage message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    MqttProperties properties = new MqttProperties();
    properties.setUserProperties(List.of(new UserProperty(TraceParent.NAME, traceParent)));
    message.setProperties(properties);
    device.publish("sites/" + site + "/devices/" + deviceId + "/telemetry", message);
  }

  /** Whether the region's global.aggregates holds a copy whose trace is the device's. */
  private static boolean carriesTheTrace(RegionStack region) {
    return TopicReader.readRecords(region.kafka.clientConfig(), Topics.GLOBAL_AGGREGATES.name())
        .stream()
        .map(record -> record.headers().lastHeader(TraceParent.NAME))
        .filter(header -> header != null)
        .map(Header::value)
        .anyMatch(value -> TraceParent.parse(value).getTraceId().equals(DEVICE_TRACE));
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(span -> span.getName().equals(name)).toList();
    assertThat(named).as(name).hasSize(1);
    return named.get(0);
  }
}
