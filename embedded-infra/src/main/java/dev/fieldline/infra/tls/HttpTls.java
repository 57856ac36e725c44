package dev.fieldline.infra.tls;

import dev.fieldline.support.config.SecretRef;
import dev.fieldline.support.http.HttpSettings;
import java.util.List;

/** Gives a service's ops port an issued identity: mutual TLS with the identity's authority. */
public final class HttpTls {
  private HttpTls() {}

  /** The {@code http.tls.*} overrides, passwords by file reference. */
  public static List<String> settings(IssuedIdentity identity) {
    return List.of(
        "http.tls.enabled=true",
        "http.tls.keystore=" + identity.keystore(),
        "http.tls.keystore-password=file:" + identity.keystorePasswordFile(),
        "http.tls.truststore=" + identity.truststore(),
        "http.tls.truststore-password=file:" + identity.truststorePasswordFile());
  }

  /** Sets {@code settings.tls} to the identity, passwords by file reference. */
  public static HttpSettings apply(IssuedIdentity identity, HttpSettings settings) {
    settings.tls.enabled = true;
    settings.tls.keystore = identity.keystore().toString();
    settings.tls.keystorePassword = SecretRef.fromFile(identity.keystorePasswordFile());
    settings.tls.truststore = identity.truststore().toString();
    settings.tls.truststorePassword = SecretRef.fromFile(identity.truststorePasswordFile());
    return settings;
  }
}
