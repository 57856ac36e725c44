package dev.fieldline.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.schema.SampleRecords;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.UnknownSchemaException;
import dev.fieldline.schema.v1.EdgeSummary;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

  static Stream<SpecificRecord> everyType() {
    return SampleRecords.everyType().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyType")
  void shouldRoundTripEveryRecordTypeThroughKafkaSerde(SpecificRecord record) {
    Serde<SpecificRecord> serde = serdeFor(record);

    byte[] bytes = serde.serializer().serialize("some.topic", record);

    assertThat(serde.deserializer().deserialize("some.topic", bytes)).isEqualTo(record);
  }

  @Test
  void shouldKeepTombstonesNull() {
    Serde<EdgeSummary> serde = Topics.EDGE_SUMMARIES.valueSerde();

    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void shouldNameTopicAndFingerprintWhenSchemaIsUnknown() {
    Serde<EdgeSummary> serde = Topics.EDGE_SUMMARIES.valueSerde();
    byte[] bytes = serde.serializer().serialize("t", SampleRecords.edgeSummary());
    bytes[9] ^= 0x5A;

    assertThatThrownBy(() -> serde.deserializer().deserialize("edge.summaries", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic edge.summaries")
        .hasMessageContaining("unknown schema fingerprint 0x")
        .hasCauseInstanceOf(UnknownSchemaException.class);
  }

  @SuppressWarnings("unchecked")
  private static Serde<SpecificRecord> serdeFor(SpecificRecord record) {
    return (Serde<SpecificRecord>) AvroSerde.of(record.getClass());
  }
}
