package dev.fieldline.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.edge.sparkplug.TahuEdgeNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-payload corpus for Sparkplug B: every file under {@code bad-sparkplug/} is one message
 * with what it needs and what it must cause, in plain text:
 *
 * <pre>
 * # why the message is bad
 * born: yes            # node-1 and its chiller-1 born first (NBIRTH seq 0, DBIRTH seq 1)
 * topic: spBv1.0/plant-1/DDATA/node-1/chiller-1
 * expect: malformed    # rejected as malformed, or filtered as out-of-order
 * rebirth: yes         # whether the host asks node-1 for a rebirth
 * payload:
 * 08 80 d2 ...         # the protobuf bytes in hex
 * </pre>
 *
 * Each case runs between good data, which must come through around it.
 */
class SparkplugCorpusTest {
  private static final long NOW = 1_767_607_200_000L;

  static Stream<Path> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(SparkplugCorpusTest.class.getResource("/bad-sparkplug").toURI());
    try (Stream<Path> list = Files.list(dir)) {
      List<Path> files = list.sorted().toList();
      assertThat(files).hasSizeGreaterThanOrEqualTo(5);
      return files.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void shouldTreatEachCaseAsItsFileSaysAndKeepTheGoodDataAroundIt(Path file) throws Exception {
    Map<String, String> spec = parse(Files.readAllLines(file));
    RecordingSink sink = new RecordingSink();
    CoreCounters counters = new CoreCounters();
    DecisionCore core =
        new DecisionCore(
            CoreSettings.defaults(List.of(), List.of()), FeatureLookup.NONE, sink, counters);
    if (spec.get("born").equals("yes")) {
      core.onMessage(
          TahuEdgeNode.nodeTopic("NBIRTH"), TahuEdgeNode.nbirth(0, 3, NOW), System.nanoTime(), NOW);
      core.onMessage(
          TahuEdgeNode.deviceTopic("DBIRTH"), TahuEdgeNode.dbirth(1, NOW), System.nanoTime(), NOW);
    }
    int acceptedBefore = sink.accepted.size();

    core.onMessage(
        spec.get("topic"), HexFormat.of().parseHex(spec.get("payload")), System.nanoTime(), NOW);

    assertThat(sink.accepted).as("nothing accepted from it").hasSize(acceptedBefore);
    if (spec.get("expect").equals("malformed")) {
      assertThat(sink.rejected).containsExactly(RejectReason.MALFORMED);
      assertThat(sink.rejectDetails.get(0)).as("a reason in the dead letter").isNotBlank();
    } else {
      assertThat(sink.rejected).isEmpty();
      assertThat(counters.filtered(FilterReason.OUT_OF_ORDER)).isPositive();
    }
    assertThat(sink.rebirths)
        .as("rebirth requested")
        .hasSize(spec.get("rebirth").equals("yes") ? 1 : 0);
    assertThat(counters.received.sum())
        .isEqualTo(counters.accepted.sum() + counters.rejectedTotal() + counters.filteredTotal());

    // The node answers any rebirth request (or is born now), and its data comes through again.
    core.onMessage(
        TahuEdgeNode.nodeTopic("NBIRTH"), TahuEdgeNode.nbirth(0, 4, NOW), System.nanoTime(), NOW);
    core.onMessage(
        TahuEdgeNode.deviceTopic("DBIRTH"), TahuEdgeNode.dbirth(1, NOW), System.nanoTime(), NOW);
    int beforeData = sink.accepted.size();
    core.onMessage(
        TahuEdgeNode.deviceTopic("DDATA"),
        TahuEdgeNode.ddata(2, 4.5, NOW + 1_000),
        System.nanoTime(),
        NOW);
    assertThat(sink.accepted.subList(beforeData, sink.accepted.size()))
        .extracting(AcceptedReading::value)
        .containsExactly(4.5);
  }

  private static Map<String, String> parse(List<String> lines) {
    Map<String, String> spec = new HashMap<>();
    StringBuilder payload = null;
    for (String line : lines) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      if (payload != null) {
        payload.append(line.replace(" ", ""));
      } else if (line.equals("payload:")) {
        payload = new StringBuilder();
      } else {
        int colon = line.indexOf(':');
        spec.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    spec.put("payload", payload == null ? "" : payload.toString());
    for (String key : List.of("born", "topic", "expect", "rebirth")) {
      assertThat(spec).as("the case names " + key).containsKey(key);
    }
    return spec;
  }
}
