package dev.fieldline.edge.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;

/**
 * Rejected device messages as JSON lines ({@code at, topic, reason, detail, payload (base64)}), in
 * a file that rotates at a size limit and keeps a fixed number of old files: a storm of bad input
 * can never fill the gateway's disk.
 */
public final class DeadLetterFile implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();

  private final Path file;
  private final long maxBytes;
  private final int keepFiles;
  private OutputStream out;
  private long size;

  public DeadLetterFile(Path file, long maxBytes, int keepFiles) throws IOException {
    this.file = file;
    this.maxBytes = maxBytes;
    this.keepFiles = keepFiles;
    Files.createDirectories(file.toAbsolutePath().getParent());
    open();
  }

  public synchronized void write(
      long at, String topic, String reason, String detail, byte[] payload) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256 + payload.length * 4 / 3);
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      json.writeNumberField("at", at);
      json.writeStringField("topic", topic);
      json.writeStringField("reason", reason);
      json.writeStringField("detail", detail);
      json.writeStringField("payload", Base64.getEncoder().encodeToString(payload));
      json.writeEndObject();
    }
    line.write('\n');
    if (size + line.size() > maxBytes && size > 0) {
      rotate();
    }
    line.writeTo(out);
    out.flush();
    size += line.size();
  }

  private void rotate() throws IOException {
    out.close();
    for (int i = keepFiles - 1; i >= 1; i--) {
      Path older = file.resolveSibling(file.getFileName() + "." + i);
      if (Files.exists(older)) {
        Files.move(
            older,
            file.resolveSibling(file.getFileName() + "." + (i + 1)),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.deleteIfExists(file.resolveSibling(file.getFileName() + "." + (keepFiles + 1)));
    if (keepFiles > 0) {
      Files.move(
          file,
          file.resolveSibling(file.getFileName() + ".1"),
          StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(file);
    }
    open();
  }

  private void open() throws IOException {
    out =
        Files.newOutputStream(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = Files.size(file);
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
