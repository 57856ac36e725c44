package dev.fieldline.regional.topology;

import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.EdgeSummary;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * An edge summary together with the bytes it arrived in. The repartition topic and the dead letters
 * take those bytes as they are: encoding every summary again was 5% of the stream thread, and a
 * dead letter should hold what the edge sent anyway.
 *
 * @param summary the decoded summary; never changed after decoding, so that it and {@code encoded}
 *     always agree
 * @param encoded its Avro single-object encoding, as written by the edge (any released schema
 *     version; readers decode every one)
 */
record ReceivedSummary(EdgeSummary summary, byte[] encoded) {
  /** Decodes like {@code edge.summaries}' own serde and keeps the bytes; writes them back as is. */
  static Serde<ReceivedSummary> serde() {
    Deserializer<EdgeSummary> decoder = Topics.EDGE_SUMMARIES.valueSerde().deserializer();
    Deserializer<ReceivedSummary> deserializer =
        (topic, bytes) -> {
          EdgeSummary summary = decoder.deserialize(topic, bytes);
          return summary == null ? null : new ReceivedSummary(summary, bytes);
        };
    return Serdes.serdeFrom(
        (topic, received) -> received == null ? null : received.encoded(), deserializer);
  }
}
