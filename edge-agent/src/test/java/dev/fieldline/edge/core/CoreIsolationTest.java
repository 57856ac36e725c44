package dev.fieldline.edge.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The decision core is plain Java: no MQTT, no Kafka, no JDBC, no threads of its own. */
class CoreIsolationTest {
  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.fieldline.edge");

  @Test
  void shouldKeepMqttKafkaAndStorageOutOfTheDecisionCore() {
    noClasses()
        .that()
        .resideInAPackage("dev.fieldline.edge.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.eclipse.paho..",
            "org.apache.kafka..",
            "java.sql..",
            "org.sqlite..",
            "dev.fieldline.edge.io..",
            "dev.fieldline.edge.app..",
            "java.util.concurrent.locks..")
        .because("the core must be testable and benchmarkable without brokers or disks")
        .check(classes);
  }
}
