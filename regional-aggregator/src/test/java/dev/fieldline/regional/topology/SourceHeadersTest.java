package dev.fieldline.regional.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SourceHeadersTest {
  @Test
  void shouldCarryPartitionAndOffsetInOneHeaderAndNameOnlyAnotherTopic() {
    RecordHeaders summaries = new RecordHeaders();
    SourceHeaders.stamp(summaries, "edge.summaries", 2, 1_234_567_890_123L);
    RecordHeaders other = new RecordHeaders();
    SourceHeaders.stamp(other, "edge.decisions", 0, 7);

    assertThat(summaries.toArray())
        .singleElement()
        .satisfies(h -> assertThat(h.value()).hasSize(12));
    assertThat(SourceHeaders.topic(summaries, "fallback")).isEqualTo("edge.summaries");
    assertThat(SourceHeaders.partition(summaries)).isEqualTo(2);
    assertThat(SourceHeaders.offset(summaries)).isEqualTo(1_234_567_890_123L);
    assertThat(SourceHeaders.topic(other, "fallback")).isEqualTo("edge.decisions");
    assertThat(SourceHeaders.partition(other)).isZero();
    assertThat(SourceHeaders.offset(other)).isEqualTo(7);
  }

  @Test
  void shouldReadTheTextHeadersEarlierVersionsLeftInTheRepartitionTopic() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(SourceHeaders.TOPIC, "edge.summaries".getBytes(StandardCharsets.UTF_8));
    headers.add(SourceHeaders.PARTITION, "1".getBytes(StandardCharsets.UTF_8));
    headers.add(SourceHeaders.OFFSET, "42".getBytes(StandardCharsets.UTF_8));

    assertThat(SourceHeaders.topic(headers, "fallback")).isEqualTo("edge.summaries");
    assertThat(SourceHeaders.partition(headers)).isEqualTo(1);
    assertThat(SourceHeaders.offset(headers)).isEqualTo(42);

    SourceHeaders.stamp(headers, "edge.summaries", 2, 43);
    assertThat(SourceHeaders.partition(headers)).as("a new stamp replaces the old").isEqualTo(2);
    SourceHeaders.strip(headers);
    assertThat(headers.toArray()).isEmpty();
    assertThat(SourceHeaders.partition(headers)).isEqualTo(-1);
    assertThat(SourceHeaders.topic(headers, "fallback")).isEqualTo("fallback");
  }
}
