package dev.fieldline.edge.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway certificates made with the JDK's keytool: a broker certificate for 127.0.0.1 and a
 * client certificate, each trusted by the other side's truststore. PKCS12, password {@link
 * #PASSWORD}.
 */
final class TestCertificates {
  static final String PASSWORD = "changeit-test";

  final Path brokerKeystore;
  final Path brokerTruststore;
  final Path clientKeystore;
  final Path clientTruststore;

  private TestCertificates(Path dir) {
    brokerKeystore = dir.resolve("broker.p12");
    brokerTruststore = dir.resolve("broker-trust.p12");
    clientKeystore = dir.resolve("client.p12");
    clientTruststore = dir.resolve("client-trust.p12");
  }

  static TestCertificates create(Path dir) throws Exception {
    Files.createDirectories(dir);
    TestCertificates certs = new TestCertificates(dir);
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        certs.brokerKeystore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    keytool(
        "-genkeypair",
        "-alias",
        "gateway",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=gw-it",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        certs.clientKeystore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    Path brokerCert = dir.resolve("broker.crt");
    Path clientCert = dir.resolve("client.crt");
    keytool(
        "-exportcert",
        "-alias",
        "broker",
        "-keystore",
        certs.brokerKeystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        brokerCert.toString());
    keytool(
        "-exportcert",
        "-alias",
        "gateway",
        "-keystore",
        certs.clientKeystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        clientCert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        brokerCert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        certs.clientTruststore.toString(),
        "-storepass",
        PASSWORD);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "gateway",
        "-file",
        clientCert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        certs.brokerTruststore.toString(),
        "-storepass",
        PASSWORD);
    return certs;
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
    }
  }
}
