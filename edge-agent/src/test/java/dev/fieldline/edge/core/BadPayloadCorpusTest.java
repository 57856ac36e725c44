package dev.fieldline.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code bad-payloads/} is a payload sent on {@code sites/s1/devices/d1/telemetry}
 * at 2026-01-05T10:00:00Z; its name says the expected reason: {@code <reason>__<case>.json}.
 */
class BadPayloadCorpusTest {
  private static final String TOPIC = "sites/s1/devices/d1/telemetry";
  private static final long NOW = 1_767_607_200_000L;

  static Stream<Path> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(BadPayloadCorpusTest.class.getResource("/bad-payloads").toURI());
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(20);
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void shouldRejectWithTheReasonTheFileNames(Path file) throws IOException {
    RecordingSink sink = new RecordingSink();
    CoreCounters counters = new CoreCounters();
    DecisionCore core =
        new DecisionCore(
            CoreSettings.defaults(List.of(), List.of()), FeatureLookup.NONE, sink, counters);
    String expected =
        file.getFileName().toString().split("__")[0].toUpperCase(Locale.ROOT).replace('-', '_');

    core.onMessage(TOPIC, Files.readAllBytes(file), System.nanoTime(), NOW);

    assertThat(sink.rejected).containsExactly(RejectReason.valueOf(expected));
    assertThat(sink.rejectDetails.get(0)).isNotBlank();
    assertThat(sink.accepted).isEmpty();
    assertThat(counters.rejected(RejectReason.valueOf(expected))).isPositive();
  }

  @Test
  void shouldAcceptGoodMessagesAroundBadOnes() throws Exception {
    RecordingSink sink = new RecordingSink();
    CoreCounters counters = new CoreCounters();
    DecisionCore core =
        new DecisionCore(
            CoreSettings.defaults(List.of(), List.of()), FeatureLookup.NONE, sink, counters);
    List<Path> bad = corpus().toList();
    long seq = 1;
    for (Path file : bad) {
      core.onMessage(TOPIC, good(seq++), System.nanoTime(), NOW);
      core.onMessage(TOPIC, Files.readAllBytes(file), System.nanoTime(), NOW);
    }
    core.onMessage(TOPIC, good(seq), System.nanoTime(), NOW);

    assertThat(sink.accepted).extracting(AcceptedReading::seq).hasSize(bad.size() + 1);
    assertThat(sink.rejected).hasSize(bad.size());
    assertThat(counters.received.sum())
        .isEqualTo(counters.accepted.sum() + counters.rejectedTotal() + counters.filteredTotal());
  }

  @Test
  void shouldRejectTopicThatDoesNotMatchTheTemplate() {
    RecordingSink sink = new RecordingSink();
    DecisionCore core =
        new DecisionCore(
            CoreSettings.defaults(List.of(), List.of()),
            FeatureLookup.NONE,
            sink,
            new CoreCounters());

    core.onMessage("sites/s1/devices/d1/status", good(1), System.nanoTime(), NOW);
    core.onMessage("sites/s1/devices/d1/telemetry/extra", good(2), System.nanoTime(), NOW);

    assertThat(sink.rejected).containsExactly(RejectReason.BAD_TOPIC, RejectReason.BAD_TOPIC);
  }

  static byte[] good(long seq) {
    return ("{\"deviceId\":\"d1\",\"ts\":"
            + NOW
            + ",\"seq\":"
            + seq
            + ",\"metrics\":{\"temperature\":21.5}}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
