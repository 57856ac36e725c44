package dev.fieldline.infra.mqtt;

import dev.fieldline.infra.tls.IssuedIdentity;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The TLS listener of an {@link EmbeddedMqttBroker}.
 *
 * @param keystore the broker's key and certificate (JKS or PKCS12)
 * @param keystorePassword the keystore's password
 * @param privateKeyPassword the private key's password (often the keystore's)
 * @param truststore certificates trusted for client authentication; null when clients send none
 * @param truststorePassword the truststore's password; null without a truststore
 * @param clientAuthentication whether clients must present a certificate
 */
public record MqttTls(
    Path keystore,
    String keystorePassword,
    String privateKeyPassword,
    Path truststore,
    String truststorePassword,
    ClientAuthentication clientAuthentication) {

  /** Mirrors HiveMQ's {@code client-authentication-mode}. */
  public enum ClientAuthentication {
    NONE,
    OPTIONAL,
    REQUIRED
  }

  public MqttTls {
    Objects.requireNonNull(keystore, "keystore");
    Objects.requireNonNull(keystorePassword, "keystorePassword");
    Objects.requireNonNull(privateKeyPassword, "privateKeyPassword");
    Objects.requireNonNull(clientAuthentication, "clientAuthentication");
    if (clientAuthentication != ClientAuthentication.NONE && truststore == null) {
      throw new IllegalArgumentException("client authentication needs a truststore");
    }
  }

  /** Server-verified TLS: clients check the broker, the broker does not ask for certificates. */
  public static MqttTls serverOnly(Path keystore, String password) {
    return new MqttTls(keystore, password, password, null, null, ClientAuthentication.NONE);
  }

  /** Mutual TLS: every client must present a certificate signed by the truststore's CAs. */
  public static MqttTls mutual(
      Path keystore, String password, Path truststore, String truststorePassword) {
    return new MqttTls(
        keystore,
        password,
        password,
        truststore,
        truststorePassword,
        ClientAuthentication.REQUIRED);
  }

  /** Mutual TLS presenting {@code server}, trusting clients of the same authority. */
  public static MqttTls mutual(IssuedIdentity server) {
    return mutual(
        server.keystore(),
        server.keystorePassword(),
        server.truststore(),
        server.truststorePassword());
  }

  @Override
  public String toString() {
    // Passwords stay out of logs.
    return "MqttTls{keystore=" + keystore + ", clientAuthentication=" + clientAuthentication + "}";
  }
}
