package dev.fieldline.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void shouldHaveUniqueNamesAndDeadLetterTopicPerTopic() {
    List<String> names = Topics.all().stream().map(Topic::name).toList();

    assertThat(new HashSet<>(names)).hasSameSizeAs(names);
    assertThat(Topics.deadLetterTopics()).contains("edge.summaries.dlq", "regional.export.dlq");
    assertThat(Topics.deadLetterTopics()).doesNotContainAnyElementsOf(names);
  }

  @Test
  void shouldCompactFeaturesOnly() {
    assertThat(Topics.GLOBAL_FEATURES.config()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.all())
        .filteredOn(t -> t != Topics.GLOBAL_FEATURES)
        .allSatisfy(t -> assertThat(t.config()).doesNotContainKey("cleanup.policy"));
  }

  @Test
  void shouldRoundTripValuesThroughTopicSerde() {
    var serde = Topics.REGIONAL_EXPORT.valueSerde();
    var aggregate = SampleRecords.regionalAggregate();

    byte[] bytes = serde.serializer().serialize(Topics.REGIONAL_EXPORT.name(), aggregate);

    assertThat(serde.deserializer().deserialize(Topics.REGIONAL_EXPORT.name(), bytes))
        .isEqualTo(aggregate);
    assertThat(Topics.featureKey("chiller", "temperature")).isEqualTo("chiller/temperature");
  }
}
