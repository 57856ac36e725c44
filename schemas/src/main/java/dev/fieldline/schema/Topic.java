package dev.fieldline.schema;

import dev.fieldline.schema.serde.AvroSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A Kafka topic of one regional cluster: its name, what its key is, the Avro type of its values,
 * and the topic-level configuration it must be created with.
 *
 * @param name the topic name, identical in every region
 * @param key what the (string) key holds, e.g. {@code deviceId}
 * @param valueType the Avro record type of every value
 * @param config topic configuration, e.g. {@code cleanup.policy=compact}
 */
public record Topic<V extends SpecificRecord>(
    String name, String key, Class<V> valueType, Map<String, String> config) {

  public Topic {
    config = Map.copyOf(config);
  }

  public Serde<String> keySerde() {
    return Serdes.String();
  }

  /** A new serde for the values, reading every released schema version. */
  public Serde<V> valueSerde() {
    return AvroSerde.of(valueType);
  }

  /** The dead-letter topic for records of this topic that could not be used. */
  public String deadLetterTopic() {
    return name + ".dlq";
  }

  @Override
  public String toString() {
    return name;
  }
}
