package dev.fieldline.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes the folders a run made (work directories, issued keys before they are handed out). */
final class Folders {
  private Folders() {}

  /**
   * Deletes {@code root} and everything in it, deepest first; goes on past a file it cannot delete
   * and then throws for the first one.
   */
  static void deleteRecursively(Path root) throws IOException {
    IOException first = null;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(path);
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
