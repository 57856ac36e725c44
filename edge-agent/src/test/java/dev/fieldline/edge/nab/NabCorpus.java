package dev.fieldline.edge.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A corpus in NAB's layout: {@code data/<category>/<file>.csv} ({@code timestamp,value}) and {@code
 * labels/combined_windows.json} ({@code {"<category>/<file>.csv": [[start, end], ...]}}). Every
 * data file must have an entry in the labels (possibly empty), and every window must start and end
 * on a row's timestamp, as NAB's own scorer requires.
 */
final class NabCorpus {
  /** {@code 2014-04-10 07:15:00} with or without fractions of a second. */
  static final DateTimeFormatter TIMESTAMP =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter();

  private final Path dir;
  private final List<NabFile> files;

  private NabCorpus(Path dir, List<NabFile> files) {
    this.dir = dir;
    this.files = files;
  }

  static NabCorpus load(Path dir) {
    Path labels = dir.resolve("labels").resolve("combined_windows.json");
    Path data = dir.resolve("data");
    if (!Files.isRegularFile(labels) || !Files.isDirectory(data)) {
      throw new IllegalArgumentException(
          dir
              + " is not a NAB corpus: it needs data/<category>/*.csv and labels/combined_windows.json");
    }
    try {
      JsonNode windows = new ObjectMapper().readTree(labels.toFile());
      Map<String, NabFile> files = new TreeMap<>();
      try (var categories = Files.list(data)) {
        for (Path category : categories.filter(Files::isDirectory).sorted().toList()) {
          try (var csvs = Files.list(category)) {
            for (Path csv : csvs.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
              String key = category.getFileName() + "/" + csv.getFileName();
              JsonNode fileWindows = windows.get(key);
              if (fileWindows == null) {
                throw new IllegalArgumentException(key + " has no entry in " + labels);
              }
              files.put(key, read(key, csv, fileWindows));
            }
          }
        }
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException(data + " holds no <category>/*.csv");
      }
      return new NabCorpus(dir, List.copyOf(files.values()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the NAB corpus in " + dir, e);
    }
  }

  /**
   * The corpus of a labels file whose series are read from elsewhere: {@code series} opens a {@code
   * timestamp,value[,...]} CSV for a {@code <category>/<file>.csv} key (e.g. a detector's stored
   * results, which repeat the series).
   */
  static NabCorpus fromLabels(
      Path labels, java.util.function.Function<String, BufferedReader> series) {
    try {
      JsonNode windows = new ObjectMapper().readTree(labels.toFile());
      List<NabFile> files = new ArrayList<>();
      for (Iterator<String> keys = windows.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        try (BufferedReader in = series.apply(key)) {
          files.add(read(key, key, in, windows.get(key)));
        }
      }
      files.sort(java.util.Comparator.comparing(NabFile::key));
      return new NabCorpus(labels.getParent().getParent(), List.copyOf(files));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the NAB labels " + labels, e);
    }
  }

  private static NabFile read(String key, Path csv, JsonNode windowLabels) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(csv)) {
      return read(key, csv.toString(), in, windowLabels);
    }
  }

  private static NabFile read(String key, String source, BufferedReader in, JsonNode windowLabels)
      throws IOException {
    List<LocalDateTime> timestamps = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    {
      String header = in.readLine();
      if (header == null || !header.strip().startsWith("timestamp,value")) {
        throw new IllegalArgumentException(source + ": the header must be timestamp,value");
      }
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        int comma = line.indexOf(',');
        int next = line.indexOf(',', comma + 1);
        timestamps.add(LocalDateTime.parse(line.substring(0, comma).strip(), TIMESTAMP));
        values.add(Double.parseDouble(line.substring(comma + 1, next < 0 ? line.length() : next)));
      }
    }
    List<NabFile.Window> windows = new ArrayList<>();
    for (Iterator<JsonNode> it = windowLabels.elements(); it.hasNext(); ) {
      JsonNode window = it.next();
      windows.add(
          new NabFile.Window(
              row(timestamps, window.get(0).asText(), key),
              row(timestamps, window.get(1).asText(), key)));
    }
    return new NabFile(
        key,
        List.copyOf(timestamps),
        values.stream().mapToDouble(Double::doubleValue).toArray(),
        List.copyOf(windows));
  }

  private static int row(List<LocalDateTime> timestamps, String text, String key) {
    int row = timestamps.indexOf(LocalDateTime.parse(text, TIMESTAMP));
    if (row < 0) {
      throw new IllegalArgumentException(key + ": no row at the window edge " + text);
    }
    return row;
  }

  Path directory() {
    return dir;
  }

  List<NabFile> files() {
    return files;
  }

  int windows() {
    return files.stream().mapToInt(f -> f.windows().size()).sum();
  }
}
