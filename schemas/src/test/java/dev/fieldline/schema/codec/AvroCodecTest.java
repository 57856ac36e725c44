package dev.fieldline.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.schema.SampleRecords;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.Reading;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroCodecTest {

  static Stream<SpecificRecord> everyType() {
    return SampleRecords.everyType().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyType")
  void shouldRoundTripEveryRecordType(SpecificRecord record) {
    AvroCodec<SpecificRecord> codec = codecFor(record);

    byte[] bytes = codec.encode(record);

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(codec.decode(bytes, "test")).isEqualTo(record);
  }

  @Test
  void shouldNameFingerprintAndSourceWhenFingerprintIsUnknown() {
    AvroCodec<Reading> codec = AvroCodec.of(Reading.class);
    byte[] bytes = codec.encode(SampleRecords.reading(1));
    // Overwrite the fingerprint with one that no schema has.
    for (int i = 2; i < 10; i++) {
      bytes[i] = (byte) 0xAB;
    }

    assertThatThrownBy(() -> codec.decode(bytes, "topic edge.readings"))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining("0xabababababababab")
        .hasMessageContaining("topic edge.readings")
        .satisfies(
            e -> {
              UnknownSchemaException unknown = (UnknownSchemaException) e;
              assertThat(unknown.fingerprint()).isEqualTo(0xABABABABABABABABL);
              assertThat(unknown.source()).isEqualTo("topic edge.readings");
            });
  }

  @Test
  void shouldRejectPayloadWithoutSingleObjectMarker() {
    AvroCodec<Reading> codec = AvroCodec.of(Reading.class);

    assertThatThrownBy(() -> codec.decode("{\"deviceId\":\"x\"}".getBytes(), "mqtt sites/a"))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("not an Avro single-object payload from mqtt sites/a");
    assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xC3, 0x01, 0x00}, "x"))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("3 bytes");
  }

  @Test
  void shouldRejectRecordOfAnotherTypeWithBothNames() {
    byte[] summary = AvroCodec.of(EdgeSummary.class).encode(SampleRecords.edgeSummary());

    assertThatThrownBy(() -> AvroCodec.of(Reading.class).decode(summary, "topic t"))
        .isInstanceOf(CodecException.class)
        .isNotInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining("EdgeSummary")
        .hasMessageContaining("expected a dev.fieldline.schema.v1.Reading");
  }

  @Test
  void shouldRejectTruncatedBody() {
    AvroCodec<Reading> codec = AvroCodec.of(Reading.class);
    byte[] bytes = codec.encode(SampleRecords.reading(1));
    byte[] truncated = Arrays.copyOf(bytes, 14);

    assertThatThrownBy(() -> codec.decode(truncated, "topic t"))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("corrupt Reading body from topic t");
  }

  @SuppressWarnings("unchecked")
  private static AvroCodec<SpecificRecord> codecFor(SpecificRecord record) {
    return (AvroCodec<SpecificRecord>) AvroCodec.of(record.getClass());
  }
}
