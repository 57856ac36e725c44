package dev.fieldline.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.schema.v1.FeatureQuantile;
import dev.fieldline.schema.v1.FeatureUpdate;
import dev.fieldline.schema.v1.HourProfile;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * FeatureUpdate's second version (quantiles and the hour-of-day profile) against edges and global
 * jobs of the first: an old edge reads what a new job writes for it, a new edge reads what an old
 * job wrote.
 */
class FeatureUpdateEvolutionTest {
  private static final Schema V1 = SchemaCatalog.releasedVersion("FeatureUpdate-v1.avsc");
  private static final AvroCodec<FeatureUpdate> CODEC = AvroCodec.of(FeatureUpdate.class);

  @Test
  void anEdgeOnTheOldSchemaReadsTheUpdatesANewJobWritesForIt() throws IOException {
    FeatureUpdate update = newUpdate();
    byte[] forOldEdges = CODEC.encodeAs(update, V1);

    // What an edge of the first release does: its catalog knows the first version only.
    GenericRecord read = readAsOldEdge(forOldEdges);
    assertThat(read.get("version")).isEqualTo(7L);
    assertThat(read.get("mean")).isEqualTo(20.5);
    assertThat(read.get("lowerThreshold")).isEqualTo(12.0);
    assertThat(read.get("upperThreshold")).isEqualTo(29.0);
    assertThat(read.get("p99")).isEqualTo(27.5);
    assertThat(read.get("computedAt")).isEqualTo(1_700_000_600_000L);
    assertThat(read.getSchema().getField("quantiles")).isNull();

    // And a new edge reads the same bytes too, without what the first version cannot carry.
    FeatureUpdate back = CODEC.decode(forOldEdges, "test");
    assertThat(back.getUpperThreshold()).isEqualTo(29.0);
    assertThat(back.getQuantiles()).isEmpty();
    assertThat(back.getHourOfDay()).isEmpty();
  }

  @Test
  void anEdgeOnTheOldSchemaCannotReadTheNewVersionItselfAndSaysWhy() {
    byte[] current = CODEC.encode(newUpdate());
    AvroCodec<FeatureUpdate> oldEdge = new AvroCodec<>(FeatureUpdate.class, oldCatalogOnly());
    assertThatThrownBy(() -> oldEdge.decode(current, "topic global.features"))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining("global.features");
  }

  @Test
  void aNewEdgeReadsAnUpdateAnOldJobWrote() throws IOException {
    GenericData.Record old = new GenericData.Record(V1);
    old.put("deviceType", "chiller");
    old.put("metric", "temperature");
    old.put("version", 3L);
    old.put("computedAt", 1_700_000_600_000L);
    old.put("horizonStart", 1_700_000_000_000L);
    old.put("horizonEnd", 1_700_000_600_000L);
    old.put("count", 500L);
    old.put("mean", 20.0);
    old.put("stddev", 2.0);
    old.put("p50", null);
    old.put("p99", null);
    old.put("lowerThreshold", 14.0);
    old.put("upperThreshold", 26.0);
    old.put("regions", List.of("eu-west"));
    byte[] bytes =
        toBytes(new BinaryMessageEncoder<GenericData.Record>(GenericData.get(), V1).encode(old));

    FeatureUpdate read = CODEC.decode(bytes, "topic global.features");
    assertThat(read.getVersion()).isEqualTo(3);
    assertThat(read.getComputedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_600_000L));
    assertThat(read.getLowerThreshold()).isEqualTo(14.0);
    assertThat(read.getUpperThreshold()).isEqualTo(26.0);
    assertThat(read.getQuantiles()).as("the default of the new field").isEmpty();
    assertThat(read.getHourOfDay()).isEmpty();
  }

  @Test
  void refusesToEncodeAsAnotherRecordsSchema() {
    Schema other = SchemaCatalog.releasedVersion("EdgeSummary-v2.avsc");
    assertThatThrownBy(() -> CODEC.encodeAs(newUpdate(), other))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("EdgeSummary");
    assertThatThrownBy(() -> SchemaCatalog.releasedVersion("FeatureUpdate-v9.avsc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FeatureUpdate-v1.avsc");
  }

  private static FeatureUpdate newUpdate() {
    return FeatureUpdate.newBuilder()
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setVersion(7)
        .setComputedAt(Instant.ofEpochMilli(1_700_000_600_000L))
        .setHorizonStart(Instant.ofEpochMilli(1_700_000_000_000L))
        .setHorizonEnd(Instant.ofEpochMilli(1_700_000_600_000L))
        .setCount(1_000)
        .setMean(20.5)
        .setStddev(2.1)
        .setP50(20.4)
        .setP99(27.5)
        .setLowerThreshold(12.0)
        .setUpperThreshold(29.0)
        .setRegions(List.of("eu-west", "us-east"))
        .setQuantiles(List.of(new FeatureQuantile(0.5, 20.4), new FeatureQuantile(0.99, 27.5)))
        .setHourOfDay(List.of(new HourProfile(3, 100L, 18.0, 1.0)))
        .build();
  }

  /** The first release's catalog: every current schema but FeatureUpdate, which it had as v1. */
  private static SchemaCatalog oldCatalogOnly() {
    return SchemaCatalog.released().without(FeatureUpdate.getClassSchema());
  }

  private static GenericRecord readAsOldEdge(byte[] payload) throws IOException {
    SchemaCatalog catalog = oldCatalogOnly();
    long fingerprint =
        java.nio.ByteBuffer.wrap(payload, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = catalog.findByFingerprint(fingerprint);
    assertThat(writer).as("the old edge knows the writer's version").isNotNull();
    return new GenericDatumReader<GenericRecord>(writer, V1)
        .read(
            null,
            DecoderFactory.get()
                .binaryDecoder(Arrays.copyOfRange(payload, 10, payload.length), null));
  }

  private static byte[] toBytes(java.nio.ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
