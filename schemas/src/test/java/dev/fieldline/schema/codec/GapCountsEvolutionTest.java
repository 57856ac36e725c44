package dev.fieldline.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.SampleRecords;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The records that gained {@code missingCount} and {@code restartCount} stay readable both ways:
 * today's readers read what the released version wrote (the counts read as 0), and a reader still
 * on the released version reads what today's writers write (the counts are skipped, every other
 * field is intact) once its catalog knows the new writer schema.
 */
class GapCountsEvolutionTest {

  static Stream<Arguments> evolvedRecords() {
    return Stream.of(
        Arguments.of("EdgeSummary-v1.avsc", SampleRecords.edgeSummary()),
        Arguments.of("RegionalAggregate-v1.avsc", SampleRecords.regionalAggregate()),
        Arguments.of("GlobalAggregate-v1.avsc", SampleRecords.globalAggregate()));
  }

  @ParameterizedTest
  @MethodSource("evolvedRecords")
  void shouldBeCompatibleInBothDirections(String released, SpecificRecord current)
      throws IOException {
    Schema old = released(released);
    Schema now = current.getSchema();

    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(now, old).getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, now).getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCatalog.released().findByFingerprint(SchemaCatalog.fingerprint(old)))
        .as("the released version stays in the catalog")
        .isNotNull();
  }

  @ParameterizedTest
  @MethodSource("evolvedRecords")
  void shouldReadWhatTheReleasedVersionWroteWithZeroGapCounts(
      String released, SpecificRecord current) throws IOException {
    Schema old = released(released);
    GenericRecord written = asOldRecord(current, old);
    ByteBuffer buffer =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(written);

    SpecificRecord read = codec(current).decode(bytes(buffer), "test");

    assertThat(read.get(read.getSchema().getField("missingCount").pos())).isEqualTo(0L);
    assertThat(read.get(read.getSchema().getField("restartCount").pos())).isEqualTo(0L);
    for (Schema.Field field : old.getFields()) {
      assertThat(read.get(read.getSchema().getField(field.name()).pos()))
          .as(field.name())
          .isEqualTo(current.get(current.getSchema().getField(field.name()).pos()));
    }
  }

  @ParameterizedTest
  @MethodSource("evolvedRecords")
  void shouldLetReleasedReadersReadWhatTodaysWritersWrite(String released, SpecificRecord current)
      throws IOException {
    Schema old = released(released);
    byte[] written = codec(current).encode(current);

    GenericRecord read =
        new BinaryMessageDecoder<GenericRecord>(GenericData.get(), old, SchemaCatalog.released())
            .decode(written);

    assertThat(read.getSchema().getField("missingCount")).isNull();
    for (Schema.Field field : old.getFields()) {
      Object expected = current.get(current.getSchema().getField(field.name()).pos());
      Object actual = read.get(field.name());
      if (expected instanceof Instant instant) {
        expected = instant.toEpochMilli();
      }
      if (expected instanceof SpecificRecord nested) {
        assertThat(actual.toString()).as(field.name()).isEqualTo(nested.toString());
      } else if (expected instanceof Enum<?> || expected instanceof CharSequence) {
        assertThat(String.valueOf(actual)).as(field.name()).isEqualTo(String.valueOf(expected));
      } else if (expected instanceof java.util.List<?> list) {
        assertThat(((java.util.List<?>) actual).stream().map(String::valueOf).toList())
            .as(field.name())
            .isEqualTo(list.stream().map(String::valueOf).toList());
      } else {
        assertThat(actual).as(field.name()).isEqualTo(expected);
      }
    }
  }

  /** The same record as the released version holds it: today's record resolved into it. */
  private static GenericRecord asOldRecord(SpecificRecord current, Schema old) throws IOException {
    return new BinaryMessageDecoder<GenericRecord>(GenericData.get(), old, SchemaCatalog.released())
        .decode(codec(current).encode(current));
  }

  @SuppressWarnings("unchecked")
  private static AvroCodec<SpecificRecord> codec(SpecificRecord record) {
    return (AvroCodec<SpecificRecord>) AvroCodec.of(record.getClass());
  }

  private static byte[] bytes(ByteBuffer buffer) {
    return Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit());
  }

  private static Schema released(String file) throws IOException {
    try (InputStream in =
        SchemaCatalog.class.getResourceAsStream("/dev/fieldline/schema/released/" + file)) {
      assertThat(in).as(file).isNotNull();
      return new Schema.Parser().parse(in);
    }
  }
}
