package dev.fieldline.cluster;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The class paths of the servers this module starts, cut from its own (which holds the Kafka server
 * and Flink's runtime): each server gets its own libraries and not the other's, and none gets
 * Fieldline's classes, which reach Flink only in the job jar.
 */
final class ClassPaths {
  private ClassPaths() {}

  /** The Kafka server: everything but Flink and Fieldline. */
  static String kafka() {
    return filtered(entry -> !entry.contains("/org/apache/flink/") && !fieldline(entry));
  }

  /**
   * A Flink JobManager, TaskManager or CLI: Flink's runtime without the Kafka server, Scala (Flink
   * 2 keeps its own inside its RPC loader) or Fieldline, plus this module's Flink reporter. No
   * connector either: Flink loads {@code org.apache.flink.*} parent-first, so a Kafka connector on
   * the cluster's class path would shadow the job jar's and miss its Kafka client.
   */
  static String flink() {
    String own = ownClasses();
    String libraries =
        filtered(
            entry ->
                !entry.contains("/org/apache/kafka/")
                    && !entry.contains("/org/scala-lang/")
                    && !entry.contains("scala-logging")
                    && !entry.contains("/org/apache/avro/")
                    && !entry.contains("/flink-connector-kafka")
                    && !fieldline(entry));
    return own + File.pathSeparator + libraries;
  }

  private static boolean fieldline(String entry) {
    return entry.contains("/dev/fieldline/") || entry.contains("/target/");
  }

  private static String filtered(Predicate<String> keep) {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(keep)
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** Where this module's classes are (a folder in a build, a jar once packaged). */
  private static String ownClasses() {
    try {
      return Path.of(ClassPaths.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Java options that Flink's own start scripts pass every Flink JVM on Java 17. */
  static List<String> flinkOpens() {
    return List.of(
        "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
        "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
        "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.net=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.text=ALL-UNNAMED",
        "--add-opens=java.base/java.time=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");
  }
}
