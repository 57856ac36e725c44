package dev.fieldline.schema.codec;

import dev.fieldline.schema.v1.Command;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.FeatureUpdate;
import dev.fieldline.schema.v1.GlobalAggregate;
import dev.fieldline.schema.v1.GlobalAlert;
import dev.fieldline.schema.v1.Reading;
import dev.fieldline.schema.v1.RegionalAggregate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every schema version a Fieldline reader may meet on the wire, looked up by fingerprint.
 *
 * <p>It holds the current version of each record (from the generated classes) and every earlier
 * released version, listed in {@code dev/fieldline/schema/released/index.txt} on the classpath. A
 * schema change that should stay readable ships its predecessor there, so that readers built after
 * the change still decode records written before it.
 */
public final class SchemaCatalog implements SchemaStore {
  private static final String RELEASED_DIR = "/dev/fieldline/schema/released/";

  /** The records Fieldline writes today; each one's current version is in every catalog. */
  public static final List<Schema> CURRENT =
      List.of(
          Reading.getClassSchema(),
          Command.getClassSchema(),
          EdgeSummary.getClassSchema(),
          RegionalAggregate.getClassSchema(),
          FeatureUpdate.getClassSchema(),
          DecisionEvent.getClassSchema(),
          GlobalAggregate.getClassSchema(),
          GlobalAlert.getClassSchema());

  private static final SchemaCatalog RELEASED = new SchemaCatalog(loadReleased());

  private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();

  private SchemaCatalog(Collection<Schema> schemas) {
    schemas.forEach(this::put);
  }

  /** The current schemas plus every earlier released version shipped with this library. */
  public static SchemaCatalog released() {
    return RELEASED;
  }

  /** A catalog that also knows the given writer schemas, e.g. versions loaded from elsewhere. */
  public SchemaCatalog with(Schema... writerSchemas) {
    List<Schema> all = new ArrayList<>(byFingerprint.values());
    all.addAll(List.of(writerSchemas));
    return new SchemaCatalog(all);
  }

  /** The same catalog without the given versions, e.g. to stand for an earlier release's. */
  public SchemaCatalog without(Schema... versions) {
    Map<Long, Schema> rest = new java.util.HashMap<>(byFingerprint);
    for (Schema version : versions) {
      rest.remove(fingerprint(version));
    }
    return new SchemaCatalog(rest.values());
  }

  @Override
  public Schema findByFingerprint(long fingerprint) {
    return byFingerprint.get(fingerprint);
  }

  /** Every version in the catalog, in no particular order. */
  public Collection<Schema> schemas() {
    return List.copyOf(byFingerprint.values());
  }

  /**
   * Every version in the catalog that the current reader of the same record cannot read, with the
   * reason; empty when all of them can be read.
   */
  public List<String> unreadableVersions() {
    List<String> problems = new ArrayList<>();
    for (Schema writer : byFingerprint.values()) {
      CURRENT.stream()
          .filter(reader -> reader.getFullName().equals(writer.getFullName()))
          .map(reader -> SchemaCompatibility.checkReaderWriterCompatibility(reader, writer))
          .filter(result -> result.getType() != SchemaCompatibilityType.COMPATIBLE)
          .forEach(
              result ->
                  problems.add(
                      writer.getFullName()
                          + " version "
                          + SingleObjectHeader.hex(fingerprint(writer))
                          + ": "
                          + result.getResult().getIncompatibilities()));
    }
    return problems;
  }

  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  private void put(Schema schema) {
    byFingerprint.put(fingerprint(schema), schema);
  }

  /**
   * One earlier released version by its file name in the released folder, e.g. {@code
   * FeatureUpdate-v1.avsc}: what readers of that release know.
   *
   * @throws IllegalArgumentException when no such version is listed
   */
  public static Schema releasedVersion(String file) {
    if (!releasedFileNames().contains(file)) {
      throw new IllegalArgumentException(
          "no released schema " + file + "; released: " + releasedFileNames());
    }
    return load(file);
  }

  private static List<Schema> loadReleased() {
    List<Schema> schemas = new ArrayList<>(CURRENT);
    for (String file : releasedFileNames()) {
      schemas.add(load(file));
    }
    return schemas;
  }

  private static Schema load(String file) {
    try (InputStream in = SchemaCatalog.class.getResourceAsStream(RELEASED_DIR + file)) {
      if (in == null) {
        throw new IllegalStateException(
            "released schema " + file + " is listed in index.txt but missing");
      }
      // Each file is a self-contained schema; its own parser lets it reuse current names.
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read released schema " + file, e);
    }
  }

  private static List<String> releasedFileNames() {
    InputStream index = SchemaCatalog.class.getResourceAsStream(RELEASED_DIR + "index.txt");
    if (index == null) {
      return List.of();
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8))) {
      return reader
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the released schema index", e);
    }
  }
}
