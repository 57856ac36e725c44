package dev.fieldline.demo;

import dev.fieldline.infra.tls.CertificateAuthority;
import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.infra.tls.Role;
import dev.fieldline.schema.KafkaAccess;
import dev.fieldline.schema.Topic;
import dev.fieldline.schema.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./fieldline certs <dir>}: the certificate authority and every identity of the
 * docker-compose stack's secure option ({@code docker-compose.secure.yml}), plus the admin's client
 * properties for Kafka's own tools and, per region, a script that creates the topics and the ACLs
 * of {@link KafkaAccess}.
 *
 * <p>Each container gets a folder of its own ({@code <dir>/<service>}, mounted at {@code /pki})
 * with only the keys and passwords it needs. Nothing is readable by other users of the machine:
 * folders are {@code rwxr-x---}, files {@code rw-r-----}, and the group (the folder's, or {@code
 * --group}) is the one the overlay adds to every container ({@code group_add}, from {@code
 * compose.env}), because the containers run as users of their own.
 */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    description =
        "Make a certificate authority and the docker-compose stack's identities (brokers, admin,"
            + " gateways, aggregators, the global job, every simulated device) in <dir>.")
public final class CertsApp implements Callable<Integer> {
  /** The stack's regions: name, host suffix, gateway id, device prefix. */
  private record StackRegion(String name, String suffix, String gateway, String devicePrefix) {}

  private static final List<StackRegion> REGIONS =
      List.of(
          new StackRegion("eu-west", "eu", "gw-eu-1", "eu-dev-"),
          new StackRegion("us-east", "us", "gw-us-1", "us-dev-"));

  @Parameters(index = "0", description = "Folder to write, e.g. deploy/compose/pki.")
  Path dir;

  @Option(
      names = "--devices",
      description = "Simulated devices per region (default: ${DEFAULT-VALUE}, as the stack runs).")
  int devices = 60;

  @Option(
      names = "--validity-days",
      description = "How long the certificates are valid (default: ${DEFAULT-VALUE}).")
  int validityDays = 365;

  @Option(names = "--job-name", description = "The global job's name (default: ${DEFAULT-VALUE}).")
  String jobName = "fieldline-global";

  @Option(
      names = "--group",
      description =
          "Numeric group id that may read the files (the containers get it with group_add);"
              + " default: the group <dir> is created with.")
  Integer group;

  static final String PROMETHEUS = "prometheus";
  static final String GRAFANA = "grafana";
  private static final String PRIVATE_DIR = "rwxr-x---";
  private static final String PRIVATE_FILE = "rw-r-----";

  /** Where identities are issued before each service's folder takes its share; then removed. */
  private Path issued;

  public static void main(String[] args) {
    System.exit(new CommandLine(new CertsApp()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (Files.exists(dir.resolve("ca.crt"))) {
      System.err.println(
          "certs: " + dir + " already holds an authority; remove the folder to make a new one");
      return 2;
    }
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(PRIVATE_DIR));
    issued = Files.createTempDirectory(dir, ".issuing-");
    try {
      issueAll();
      distribute();
    } finally {
      Folders.deleteRecursively(issued);
    }
    System.out.printf(
        "certs: authority and %d identities in %s (valid %d days), one folder per service,"
            + " readable by group %d only; start the stack with --env-file %s%n",
        4 + REGIONS.size() * (4 + devices),
        dir,
        validityDays,
        pkiGroup(),
        dir.resolve("compose.env"));
    return 0;
  }

  private void issueAll() throws IOException {
    CertificateAuthority ca =
        CertificateAuthority.create("Fieldline compose CA", issued, Duration.ofDays(validityDays));
    // The admin's name is also a SAN: Prometheus admits clients by SAN (client_allowed_sans).
    IssuedIdentity admin = ca.issue(ZeroTrust.ADMIN, Role.ADMIN, List.of(ZeroTrust.ADMIN));
    ca.issue(ZeroTrust.GLOBAL_JOB, Role.SERVICE, List.of());
    // Prometheus scrapes every service and serves its UI; Grafana reads Prometheus and serves its
    // own. Both present their certificate as servers too, so it names their host.
    ca.issue(PROMETHEUS, Role.SCRAPER, List.of(PROMETHEUS, "localhost", "127.0.0.1"));
    ca.issue(GRAFANA, Role.SCRAPER, List.of(GRAFANA, "localhost", "127.0.0.1"));
    Files.writeString(
        issued.resolve("grafana-admin.password"), CertificateAuthority.newPassword() + "\n");
    writeClientProperties("admin-client.properties", admin);
    for (StackRegion region : REGIONS) {
      ca.issue(
          "mqtt-" + region.suffix(),
          Role.BROKER,
          List.of("mosquitto-" + region.suffix(), "localhost", "127.0.0.1"));
      IssuedIdentity broker =
          ca.issue(
              "kafka-" + region.suffix(),
              Role.BROKER,
              List.of("kafka-" + region.suffix(), "localhost", "127.0.0.1"));
      writeClientProperties("client-kafka-" + region.suffix() + ".properties", broker);
      // Their ops ports serve HTTPS with these certificates, under the containers' names.
      ca.issue(
          region.gateway(),
          Role.GATEWAY,
          List.of("edge-" + region.suffix(), "localhost", "127.0.0.1"));
      ca.issue(
          "aggregator-" + region.name(),
          Role.SERVICE,
          List.of("regional-" + region.suffix(), "localhost", "127.0.0.1"));
      for (int i = 0; i < devices; i++) {
        ca.issue(region.devicePrefix() + String.format("%04d", i), Role.DEVICE, List.of());
      }
      writeSetupScript(region);
    }
    writeGlobalConfig();
  }

  /**
   * Each service's folder with exactly the files its container reads (paths under /pki in
   * docker-compose.secure.yml and the Mosquitto configs), the admin's for the operator, the
   * authority's certificate at the top, and compose.env with the group.
   */
  private void distribute() throws IOException {
    Map<String, List<String>> folders = new LinkedHashMap<>();
    List<String> trust = List.of("truststore.p12", "truststore.password");
    folders.put(
        "admin",
        concat(
            identity(ZeroTrust.ADMIN),
            pem(ZeroTrust.ADMIN),
            trust,
            List.of("admin-client.properties", "ca.crt")));
    folders.put("prometheus", concat(pem(PROMETHEUS), List.of("ca.crt")));
    folders.put("grafana", concat(pem(GRAFANA), List.of("ca.crt", "grafana-admin.password")));
    folders.put("global", concat(identity(ZeroTrust.GLOBAL_JOB), trust, List.of("global.yaml")));
    for (StackRegion region : REGIONS) {
      String suffix = region.suffix();
      folders.put(
          "mosquitto-" + suffix,
          List.of("ca.crt", "mqtt-" + suffix + ".crt", "mqtt-" + suffix + ".key"));
      folders.put("kafka-" + suffix, concat(identity("kafka-" + suffix), trust));
      // Kafka's tools take the passwords inside admin-client.properties.
      folders.put(
          "kafka-setup-" + suffix,
          List.of(
              ZeroTrust.ADMIN + ".p12",
              "truststore.p12",
              "admin-client.properties",
              "setup-kafka-" + suffix + ".sh"));
      folders.put("regional-" + suffix, concat(identity("aggregator-" + region.name()), trust));
      folders.put("edge-" + suffix, concat(identity(region.gateway()), trust));
      List<String> devicesFiles = new ArrayList<>(trust);
      for (int i = 0; i < devices; i++) {
        devicesFiles.addAll(identity(region.devicePrefix() + String.format("%04d", i)));
      }
      folders.put("simulator-" + suffix, devicesFiles);
    }
    for (var folder : folders.entrySet()) {
      Path target = Files.createDirectories(dir.resolve(folder.getKey()));
      for (String file : folder.getValue()) {
        lockDown(Files.copy(issued.resolve(file), target.resolve(file)));
      }
      lockDown(target);
    }
    for (StackRegion region : REGIONS) {
      // The broker's health check speaks to it as the broker itself, not as the admin.
      Path folder = dir.resolve("kafka-" + region.suffix());
      lockDown(
          Files.copy(
              issued.resolve("client-kafka-" + region.suffix() + ".properties"),
              folder.resolve("client.properties")));
    }
    Files.copy(issued.resolve("ca.crt"), dir.resolve("ca.crt"));
    lockDown(dir.resolve("ca.crt"));
    Path env =
        Files.writeString(
            dir.resolve("compose.env"),
            "# docker compose --env-file "
                + dir.resolve("compose.env")
                + " ...\n"
                + "FIELDLINE_PKI_GID="
                + pkiGroup()
                + "\n");
    lockDown(env);
    lockDown(dir);
  }

  private static List<String> identity(String name) {
    return List.of(name + ".p12", name + ".password");
  }

  /** Certificate and key as PEM, for the tools that read no PKCS12 (Prometheus, Grafana, curl). */
  private static List<String> pem(String name) {
    return List.of(name + ".crt", name + ".key");
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  /** Owner and the stack's group only; never other users of the machine. */
  private void lockDown(Path path) throws IOException {
    Files.setPosixFilePermissions(
        path,
        PosixFilePermissions.fromString(Files.isDirectory(path) ? PRIVATE_DIR : PRIVATE_FILE));
    if (group != null) {
      Files.setAttribute(path, "unix:gid", group);
    }
  }

  private int pkiGroup() throws IOException {
    return group != null ? group : (Integer) Files.getAttribute(dir, "unix:gid");
  }

  /** Client properties for Kafka's own tools as {@code identity}, with its passwords. */
  private void writeClientProperties(String file, IssuedIdentity identity) throws IOException {
    Files.writeString(
        issued.resolve(file),
        String.join(
            "\n",
            "security.protocol=SSL",
            "ssl.keystore.type=PKCS12",
            "ssl.keystore.location=/pki/" + identity.keystore().getFileName(),
            "ssl.keystore.password=" + identity.keystorePassword(),
            "ssl.key.password=" + identity.keystorePassword(),
            "ssl.truststore.type=PKCS12",
            "ssl.truststore.location=/pki/truststore.p12",
            "ssl.truststore.password=" + identity.truststorePassword(),
            ""));
  }

  /** The global job's regions, each with the job's identity; passwords by file reference. */
  private void writeGlobalConfig() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# The global job in docker-compose.secure.yml. Made by ./fieldline certs.");
    lines.add("job-name: " + jobName);
    lines.add("regions:");
    for (StackRegion region : REGIONS) {
      lines.add("  - name: " + region.name());
      lines.add("    bootstrap-servers: kafka-" + region.suffix() + ":9092");
      lines.add("    client:");
      lines.add("      security.protocol: SSL");
      lines.add("      ssl.keystore.type: PKCS12");
      lines.add("      ssl.keystore.location: /pki/" + ZeroTrust.GLOBAL_JOB + ".p12");
      lines.add("      ssl.truststore.type: PKCS12");
      lines.add("      ssl.truststore.location: /pki/truststore.p12");
      lines.add("    client-secrets:");
      lines.add("      ssl.keystore.password: file:/pki/" + ZeroTrust.GLOBAL_JOB + ".password");
      lines.add("      ssl.key.password: file:/pki/" + ZeroTrust.GLOBAL_JOB + ".password");
      lines.add("      ssl.truststore.password: file:/pki/truststore.password");
    }
    Files.writeString(issued.resolve("global.yaml"), String.join("\n", lines) + "\n");
  }

  /** {@code setup-kafka-<suffix>.sh}: the region's topics, then its identities' ACLs. */
  private void writeSetupScript(StackRegion region) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("#!/usr/bin/env bash");
    lines.add(
        "# Topics and ACLs of region "
            + region.name()
            + ", as the admin. Made by ./fieldline certs.");
    lines.add("set -euo pipefail");
    lines.add("bootstrap=\"$1\"");
    lines.add("bin=/opt/kafka/bin");
    lines.add(
        "admin=(--bootstrap-server \"$bootstrap\" --command-config /pki/admin-client.properties)");
    for (Topic<?> topic : Topics.all()) {
      for (String name : List.of(topic.name(), topic.deadLetterTopic())) {
        StringBuilder create =
            new StringBuilder("\"$bin/kafka-topics.sh\" \"${admin[@]}\" --create --if-not-exists")
                .append(" --topic ")
                .append(name)
                .append(" --partitions 3 --replication-factor 1");
        if (name.equals(topic.name())) {
          topic
              .config()
              .forEach(
                  (key, value) ->
                      create.append(" --config ").append(key).append('=').append(value));
        }
        lines.add(create.toString());
      }
    }
    List<AclBinding> acls = new ArrayList<>();
    acls.addAll(KafkaAccess.edgeGateway(region.gateway()));
    acls.addAll(
        KafkaAccess.regionalAggregator(
            "aggregator-" + region.name(), "fieldline-regional-" + region.name()));
    acls.addAll(KafkaAccess.globalJob(ZeroTrust.GLOBAL_JOB, jobName));
    for (AclBinding acl : acls) {
      lines.add(aclCommand(acl));
    }
    Path script = issued.resolve("setup-kafka-" + region.suffix() + ".sh");
    Files.writeString(script, String.join("\n", lines) + "\n");
  }

  /** One {@code kafka-acls.sh --add} for a binding, in the tool's own words. */
  static String aclCommand(AclBinding acl) {
    var pattern = acl.pattern();
    String resource =
        switch (pattern.resourceType()) {
          case TOPIC -> "--topic";
          case GROUP -> "--group";
          case TRANSACTIONAL_ID -> "--transactional-id";
          case CLUSTER -> "--cluster";
          default -> throw new IllegalArgumentException("no kafka-acls option for " + pattern);
        };
    return "\"$bin/kafka-acls.sh\" \"${admin[@]}\" --add --allow-principal '"
        + acl.entry().principal()
        + "' --operation "
        + camel(acl.entry().operation().name())
        + " "
        + resource
        + " '"
        + pattern.name()
        + "'"
        + (pattern.patternType() == PatternType.PREFIXED
            ? " --resource-pattern-type prefixed"
            : "");
  }

  private static String camel(String operation) {
    StringBuilder out = new StringBuilder();
    for (String part : operation.split("_")) {
      out.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return out.toString();
  }
}
