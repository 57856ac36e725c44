package dev.fieldline.schema.serde;

import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.codec.CodecException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for Avro single-object encoding. A payload it cannot read raises a {@link
 * SerializationException} naming the topic (and the fingerprint, when unknown), with the {@link
 * CodecException} as cause, so dead-letter handlers can record the reason.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private final AvroCodec<T> codec;

  public AvroDeserializer(AvroCodec<T> codec) {
    this.codec = codec;
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return codec.decode(data, "topic " + topic);
    } catch (CodecException e) {
      throw new SerializationException(e.getMessage(), e);
    }
  }
}
