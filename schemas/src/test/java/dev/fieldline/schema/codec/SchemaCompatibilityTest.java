package dev.fieldline.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.SampleRecords;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.FeatureUpdate;
import dev.fieldline.schema.v1.Reading;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** New readers read data written with older schema versions kept under test resources. */
class SchemaCompatibilityTest {

  @Test
  void shouldReadReadingWrittenWithOlderSchemaFillingDefaults() throws IOException {
    Schema old = load("Reading-v0.avsc");
    GenericRecord written =
        new GenericRecordBuilder(old)
            .set("deviceId", "dev-7")
            .set("siteId", "site-b")
            .set("deviceType", "pump")
            .set("metric", "pressure")
            .set("value", 3.25)
            .set("eventTime", SampleRecords.T0.toEpochMilli())
            .set("seq", 99L)
            .build();

    Reading read =
        new AvroCodec<>(Reading.class, SchemaCatalog.released().with(old))
            .decode(encode(old, written), "test");

    assertThat(read.getDeviceId()).isEqualTo("dev-7");
    assertThat(read.getValue()).isEqualTo(3.25);
    assertThat(read.getEventTime()).isEqualTo(SampleRecords.T0);
    assertThat(read.getSeq()).isEqualTo(99L);
    assertThat(read.getUnit()).isNull();
    assertThat(read.getAttributes()).isEmpty();
  }

  @Test
  void shouldReadEdgeSummaryWrittenWithOlderSchemaWithZeroCounts() throws IOException {
    Schema old = load("EdgeSummary-v0.avsc");
    EdgeSummary current = SampleRecords.edgeSummary();
    GenericRecordBuilder builder = new GenericRecordBuilder(old);
    for (Schema.Field field : old.getFields()) {
      if (!field.name().equals("stats")) {
        Object value = current.get(field.name());
        builder.set(field.name(), value instanceof java.time.Instant i ? i.toEpochMilli() : value);
      }
    }
    Schema statsSchema = old.getField("stats").schema();
    GenericRecord stats = new GenericData.Record(statsSchema);
    for (Schema.Field field : statsSchema.getFields()) {
      stats.put(field.name(), current.getStats().get(field.name()));
    }
    builder.set("stats", stats);

    EdgeSummary read =
        new AvroCodec<>(EdgeSummary.class, SchemaCatalog.released().with(old))
            .decode(encode(old, builder.build()), "test");

    assertThat(read.getStats()).isEqualTo(current.getStats());
    assertThat(read.getLastSeq()).isEqualTo(current.getLastSeq());
    assertThat(read.getRejectedCount()).isZero();
    assertThat(read.getDecisionCount()).isZero();
  }

  @Test
  void shouldReadFeatureUpdateWrittenWithOlderSchema() throws IOException {
    Schema old = load("FeatureUpdate-v0.avsc");
    FeatureUpdate current = SampleRecords.featureUpdate();
    GenericRecordBuilder builder = new GenericRecordBuilder(old);
    for (Schema.Field field : old.getFields()) {
      Object value = current.get(field.name());
      builder.set(field.name(), value instanceof java.time.Instant i ? i.toEpochMilli() : value);
    }

    FeatureUpdate read =
        new AvroCodec<>(FeatureUpdate.class, SchemaCatalog.released().with(old))
            .decode(encode(old, builder.build()), "test");

    assertThat(read.getVersion()).isEqualTo(current.getVersion());
    assertThat(read.getUpperThreshold()).isEqualTo(current.getUpperThreshold());
    assertThat(read.getP99()).isNull();
    assertThat(read.getRegions()).isEmpty();
  }

  @Test
  void shouldFindEveryReleasedVersionReadableByCurrentReaders() {
    assertThat(SchemaCatalog.released().unreadableVersions()).isEmpty();
    assertThat(SchemaCatalog.released().schemas()).hasSizeGreaterThanOrEqualTo(6);
  }

  @Test
  void shouldReportOlderVersionThatCurrentReaderCannotRead() throws IOException {
    Schema incompatible = load("Reading-incompatible.avsc");
    SchemaCatalog catalog = SchemaCatalog.released().with(incompatible);

    List<String> problems = catalog.unreadableVersions();

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0))
        .contains("dev.fieldline.schema.v1.Reading")
        .contains("/fields/4")
        .contains("STRING");
  }

  @Test
  void shouldKeepOlderVersionsReadableAlongsideTheCurrentOne() throws IOException {
    SchemaCatalog catalog =
        SchemaCatalog.released().with(load("Reading-v0.avsc"), load("EdgeSummary-v0.avsc"));

    assertThat(catalog.unreadableVersions()).isEmpty();
    assertThat(catalog.schemas()).hasSize(SchemaCatalog.released().schemas().size() + 2);
    assertThat(catalog.findByFingerprint(SchemaCatalog.fingerprint(Reading.getClassSchema())))
        .isEqualTo(Reading.getClassSchema());
  }

  private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
    ByteBuffer buffer =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
    return Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit());
  }

  private static Schema load(String name) throws IOException {
    try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream("/compat/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new Schema.Parser().parse(in);
    }
  }
}
