package dev.fieldline.edge.nab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the NAB corpus is: {@code FIELDLINE_NAB}, else {@code ../shared/nab} beside the checkout
 * (the corpus is not part of the repository).
 */
final class NabLocation {
  private NabLocation() {}

  static Optional<Path> find() {
    String configured = System.getenv("FIELDLINE_NAB");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    // Tests run in the module's folder, benchmarks in the checkout's.
    for (Path candidate :
        new Path[] {Path.of("..", "..", "shared", "nab"), Path.of("..", "shared", "nab")}) {
      if (Files.isDirectory(candidate.resolve("data"))) {
        return Optional.of(candidate.toAbsolutePath().normalize());
      }
    }
    return Optional.empty();
  }
}
