package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./fieldline certs} for docker-compose.secure.yml: no key or password readable by other
 * users of the machine, and every container's own folder holds every file the overlay (and the
 * files in that folder) make it read, and no other identity's.
 */
class CertsAppTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern PKI_FILE = Pattern.compile("(?<!compose)/pki/([A-Za-z0-9._-]+)");

  @TempDir static Path work;
  private static Path pki;

  @BeforeAll
  static void makeCertificates() {
    pki = work.resolve("pki");
    assertThat(new CommandLine(new CertsApp()).execute(pki.toString())).isZero();
  }

  @Test
  void shouldLetNoOtherUserReadOrAnyGroupMemberWriteAnything() throws IOException {
    try (Stream<Path> paths = Files.walk(pki)) {
      for (Path path : paths.toList()) {
        Set<PosixFilePermission> modes = Files.getPosixFilePermissions(path);
        assertThat(modes)
            .as(path.toString())
            .doesNotContain(
                PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE,
                PosixFilePermission.GROUP_WRITE);
      }
    }
    assertThat(Files.readString(pki.resolve("compose.env"))).contains("FIELDLINE_PKI_GID=");
    try (Stream<Path> top = Files.list(pki)) {
      assertThat(top.map(p -> p.getFileName().toString()))
          .as("no key, password or keystore at the top, where every container could be given it")
          .noneMatch(
              name -> name.endsWith(".key") || name.endsWith(".password") || name.endsWith(".p12"));
    }
  }

  @Test
  void shouldGiveEveryContainerExactlyTheFilesItReads() throws IOException {
    Map<String, String> services =
        serviceBlocks(Files.readString(ROOT.resolve("docker-compose.secure.yml")));
    assertThat(services)
        .containsKeys("mosquitto-eu", "kafka-eu", "edge-eu", "jobmanager", "prometheus", "grafana");
    Map<Path, java.util.Set<String>> neededByFolder = new LinkedHashMap<>();
    for (var service : services.entrySet()) {
      String block = service.getValue();
      if (block.contains("plaintext-tracing")) {
        continue; // not started in the secure stack
      }
      Matcher mount = Pattern.compile("\\./deploy/compose/pki/([a-z-]+):/pki").matcher(block);
      assertThat(mount.find()).as("%s mounts a folder of its own", service.getKey()).isTrue();
      Path folder = pki.resolve(mount.group(1));
      List<String> needed = new ArrayList<>(references(block));
      if (block.contains("*kafka-health")) {
        needed.add("client.properties");
      }
      Matcher secret =
          Pattern.compile("KAFKA_SSL_(?:KEYSTORE_FILENAME|KEY_CREDENTIALS): (\\S+)").matcher(block);
      while (secret.find()) {
        needed.addAll(List.of(secret.group(1), "truststore.p12", "truststore.password"));
      }
      // Config files (Mosquitto's, Prometheus's) and folders (Grafana's) the overlay mounts.
      Matcher conf =
          Pattern.compile("(deploy/compose/secure/[a-z-]+(?:\\.conf|\\.yml)?):").matcher(block);
      while (conf.find()) {
        Path mounted = ROOT.resolve(conf.group(1));
        try (Stream<Path> files =
            Files.isDirectory(mounted) ? Files.list(mounted) : Stream.of(mounted)) {
          for (Path file : files.toList()) {
            needed.addAll(references(Files.readString(file)));
          }
        }
      }
      Matcher identities =
          Pattern.compile(
                  "--identities\", \"/pki\".*--devices\", \"(\\d+)\".*--device-prefix\", \"([a-z-]+)\"",
                  Pattern.DOTALL)
              .matcher(block);
      if (identities.find()) {
        for (int i = 0; i < Integer.parseInt(identities.group(1)); i++) {
          String device = identities.group(2) + String.format("%04d", i);
          needed.addAll(
              List.of(
                  device + ".p12", device + ".password", "truststore.p12", "truststore.password"));
        }
      }
      for (int i = 0; i < needed.size(); i++) {
        String file = needed.get(i);
        Path inFolder = folder.resolve(file);
        assertThat(inFolder).as("%s reads /pki/%s", service.getKey(), file).exists();
        if (file.endsWith(".properties") || file.endsWith(".yaml") || file.endsWith(".sh")) {
          for (String transitive : references(Files.readString(inFolder))) {
            assertThat(folder.resolve(transitive))
                .as("%s refers to %s", inFolder, transitive)
                .exists();
            if (!needed.contains(transitive)) {
              needed.add(transitive);
            }
          }
        }
      }
      neededByFolder.computeIfAbsent(folder, f -> new java.util.HashSet<>()).addAll(needed);
    }
    // A folder mounted by several containers (the job's, by JobManager and TaskManager) holds what
    // any of them reads.
    for (var folder : neededByFolder.entrySet()) {
      try (Stream<Path> held = Files.list(folder.getKey())) {
        assertThat(held.map(p -> p.getFileName().toString()))
            .as("%s holds only what its containers read", folder.getKey().getFileName())
            .allMatch(folder.getValue()::contains);
      }
    }
  }

  @Test
  void shouldNameEachContainerInTheCertificateItServesHttpsWith() throws Exception {
    Map<String, String> served =
        Map.of(
            "edge-eu/gw-eu-1", "edge-eu",
            "edge-us/gw-us-1", "edge-us",
            "regional-eu/aggregator-eu-west", "regional-eu",
            "regional-us/aggregator-us-east", "regional-us");
    for (var entry : served.entrySet()) {
      Path keystore = pki.resolve(entry.getKey() + ".p12");
      char[] password =
          Files.readString(pki.resolve(entry.getKey() + ".password")).strip().toCharArray();
      java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(keystore)) {
        store.load(in, password);
      }
      var certificate =
          (java.security.cert.X509Certificate) store.getCertificate(store.aliases().nextElement());
      assertThat(certificate.getSubjectAlternativeNames())
          .as(entry.getKey())
          .anyMatch(name -> name.get(1).equals(entry.getValue()));
    }
    String prometheus = Files.readString(pki.resolve("prometheus/prometheus.crt"));
    assertThat(prometheus).startsWith("-----BEGIN CERTIFICATE-----");
  }

  private static List<String> references(String text) {
    List<String> files = new ArrayList<>();
    Matcher m = PKI_FILE.matcher(text);
    while (m.find()) {
      files.add(m.group(1));
    }
    return files;
  }

  /** The overlay's services, each with the text of its block. */
  private static Map<String, String> serviceBlocks(String compose) {
    Map<String, String> blocks = new LinkedHashMap<>();
    String services = compose.substring(compose.indexOf("\nservices:\n"));
    Matcher start = Pattern.compile("(?m)^  ([a-z][a-z0-9-]*):\\s*$").matcher(services);
    List<int[]> spans = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (start.find()) {
      names.add(start.group(1));
      spans.add(new int[] {start.end()});
    }
    for (int i = 0; i < names.size(); i++) {
      int end =
          i + 1 < names.size()
              ? services.indexOf("\n  " + names.get(i + 1) + ":")
              : services.length();
      blocks.put(names.get(i), services.substring(spans.get(i)[0], end));
    }
    return blocks;
  }
}
