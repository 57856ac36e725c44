package dev.fieldline.infra.tls;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kafka client settings for mutual TLS as one {@link IssuedIdentity}: the plain part (protocol,
 * store locations and types) for a config's {@code client} map, and the password files for its
 * {@code client-secrets} map, so that no password is ever written into a config.
 */
public final class KafkaTlsClient {
  private KafkaTlsClient() {}

  /** {@code security.protocol}, store locations and types; no secrets. */
  public static Map<String, String> plainProperties(IssuedIdentity identity) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("security.protocol", "SSL");
    properties.put("ssl.keystore.type", "PKCS12");
    properties.put("ssl.keystore.location", identity.keystore().toAbsolutePath().toString());
    properties.put("ssl.truststore.type", "PKCS12");
    properties.put("ssl.truststore.location", identity.truststore().toAbsolutePath().toString());
    return properties;
  }

  /** The password properties, each to the file that holds it. */
  public static Map<String, Path> secretFiles(IssuedIdentity identity) {
    Map<String, Path> secrets = new LinkedHashMap<>();
    secrets.put("ssl.keystore.password", identity.keystorePasswordFile());
    secrets.put("ssl.key.password", identity.keystorePasswordFile());
    secrets.put("ssl.truststore.password", identity.truststorePasswordFile());
    return secrets;
  }

  /** Every property with the passwords read, for a client created in this process. */
  public static Map<String, Object> clientConfig(IssuedIdentity identity) {
    Map<String, Object> config = new LinkedHashMap<>(plainProperties(identity));
    secretFiles(identity)
        .forEach((property, file) -> config.put(property, IssuedIdentity.read(file)));
    return config;
  }
}
