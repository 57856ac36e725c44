package dev.fieldline.schema.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type with Avro single-object encoding (2-byte marker, 8-byte
 * schema fingerprint, binary body). Decoding resolves any writer version known to the {@link
 * SchemaCatalog} into the current reader schema, so new readers read old data.
 *
 * <p>Thread-safe: one instance per record type can be shared by every thread.
 */
public final class AvroCodec<T extends SpecificRecord> {
  private final Class<T> type;
  private final Schema schema;
  private final SchemaCatalog catalog;
  private final BinaryMessageEncoder<T> encoder;
  private final SpecificData model;

  /** One resolving reader per writer version met; Avro's datum readers are thread-safe. */
  private final Map<Long, DatumReader<T>> readers = new ConcurrentHashMap<>();

  public AvroCodec(Class<T> type, SchemaCatalog catalog) {
    SpecificData model = SpecificData.getForClass(type);
    this.type = type;
    this.schema = model.getSchema(type);
    this.catalog = catalog;
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.model = model;
  }

  /** A codec that reads every released version of {@code type}. */
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(type, SchemaCatalog.released());
  }

  public Class<T> type() {
    return type;
  }

  public Schema schema() {
    return schema;
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      return Arrays.copyOfRange(
          buffer.array(),
          buffer.arrayOffset() + buffer.position(),
          buffer.arrayOffset() + buffer.limit());
    } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
      throw new CodecException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Encodes {@code record} with an older released version of its schema, for readers that know only
   * that version (a writer must not get ahead of its readers): the older version's fields, taken
   * from the record by name; a field the record no longer has gets the older default.
   *
   * @throws CodecException when the older version is not a schema of this record type
   */
  public byte[] encodeAs(T record, Schema older) {
    if (!older.getFullName().equals(schema.getFullName())) {
      throw new CodecException(
          "cannot encode " + type.getSimpleName() + " as " + older.getFullName(), null);
    }
    GenericData.Record projected = new GenericData.Record(older);
    for (Schema.Field field : older.getFields()) {
      Schema.Field current = schema.getField(field.name());
      projected.put(
          field.pos(),
          current != null ? record.get(current.pos()) : GenericData.get().getDefaultValue(field));
    }
    try {
      ByteBuffer buffer =
          new BinaryMessageEncoder<GenericData.Record>(model, older).encode(projected);
      return Arrays.copyOfRange(
          buffer.array(),
          buffer.arrayOffset() + buffer.position(),
          buffer.arrayOffset() + buffer.limit());
    } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
      throw new CodecException(
          "cannot encode " + type.getSimpleName() + " as an older version: " + e.getMessage(), e);
    }
  }

  /** Decodes a payload of unknown origin; see {@link #decode(byte[], String)}. */
  public T decode(byte[] payload) {
    return decode(payload, "an unnamed source");
  }

  /**
   * Decodes one payload.
   *
   * @param source where the payload came from (a topic), named in every error
   * @throws UnknownSchemaException when no released schema has the payload's fingerprint
   * @throws CodecException when the payload is not single-object encoded, holds another record
   *     type, or its body is corrupt
   */
  public T decode(byte[] payload, String source) {
    if (!SingleObjectHeader.matches(payload)) {
      throw new CodecException(
          "not an Avro single-object payload from "
              + source
              + " (expected the marker C3 01 and an 8-byte fingerprint, got "
              + (payload == null ? "null" : payload.length + " bytes")
              + ")");
    }
    long fingerprint = SingleObjectHeader.fingerprint(payload);
    Schema writer = catalog.findByFingerprint(fingerprint);
    if (writer == null) {
      throw new UnknownSchemaException(fingerprint, source);
    }
    if (!writer.getName().equals(schema.getName())) {
      throw new CodecException(
          "record from "
              + source
              + " is a "
              + writer.getFullName()
              + " (fingerprint "
              + SingleObjectHeader.hex(fingerprint)
              + "), expected a "
              + schema.getFullName());
    }
    try {
      // A buffered decoder straight on the array: Avro's message decoder reads byte by byte.
      DatumReader<T> reader =
          readers.computeIfAbsent(
              fingerprint, f -> new SpecificDatumReader<>(writer, schema, model));
      BinaryDecoder body =
          DecoderFactory.get()
              .binaryDecoder(
                  payload,
                  SingleObjectHeader.LENGTH,
                  payload.length - SingleObjectHeader.LENGTH,
                  null);
      return reader.read(null, body);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new CodecException(
          "corrupt " + schema.getName() + " body from " + source + ": " + e.getMessage(), e);
    }
  }
}
