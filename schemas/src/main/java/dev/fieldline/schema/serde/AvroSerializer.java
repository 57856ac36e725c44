package dev.fieldline.schema.serde;

import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.codec.CodecException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer writing Avro single-object encoding; {@code null} stays a tombstone. */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final AvroCodec<T> codec;

  public AvroSerializer(AvroCodec<T> codec) {
    this.codec = codec;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    try {
      return codec.encode(data);
    } catch (CodecException e) {
      throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
    }
  }
}
