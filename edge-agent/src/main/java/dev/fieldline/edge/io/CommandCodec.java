package dev.fieldline.edge.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.Command;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Encodes commands for devices: JSON by default, Avro single-object when configured. */
public final class CommandCodec {
  /** The wire format of commands. */
  public enum Format {
    JSON,
    AVRO
  }

  private static final JsonFactory JSON = new JsonFactory();
  private final Format format;
  private final AvroCodec<Command> avro = AvroCodec.of(Command.class);

  public CommandCodec(Format format) {
    this.format = format;
  }

  public byte[] encode(Command command) {
    if (format == Format.AVRO) {
      return avro.encode(command);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(192);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("deviceId", command.getDeviceId());
      json.writeStringField("ruleId", command.getRuleId());
      json.writeStringField("action", command.getAction());
      json.writeObjectFieldStart("args");
      for (Map.Entry<String, String> arg : command.getArgs().entrySet()) {
        json.writeStringField(arg.getKey(), arg.getValue());
      }
      json.writeEndObject();
      json.writeStringField("reason", command.getReason());
      json.writeNumberField("readingTs", command.getReadingEventTime().toEpochMilli());
      json.writeNumberField("readingSeq", command.getReadingSeq());
      json.writeNumberField("decidedAt", command.getDecidedAt().toEpochMilli());
      if (command.getFeatureVersion() != null) {
        json.writeNumberField("featureVersion", command.getFeatureVersion());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
