package dev.fieldline.edge.io;

import dev.fieldline.support.tls.TlsContexts;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS for a client connection: a truststore to verify the server and, for mutual TLS, a keystore
 * with the client's own certificate. Stores are PKCS12 or JKS (detected by the JDK).
 *
 * @param truststore CA certificates that may sign the server's certificate; null for the JDK's
 * @param truststorePassword its password
 * @param keystore the client's key and certificate; null when the server asks for none
 * @param keystorePassword its password (also the key's)
 */
public record TlsSettings(
    Path truststore, char[] truststorePassword, Path keystore, char[] keystorePassword) {

  public SSLSocketFactory socketFactory() {
    try {
      return TlsContexts.context(
              keystore == null ? null : TlsContexts.keyManagers(keystore, keystorePassword),
              TlsContexts.trustManagers(truststore, truststorePassword))
          .getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      // The message names the files, never the passwords.
      throw new IllegalStateException(
          "cannot set up TLS from truststore "
              + truststore
              + " and keystore "
              + keystore
              + ": "
              + e.getClass().getSimpleName(),
          e);
    }
  }

  @Override
  public String toString() {
    return "TlsSettings{truststore=" + truststore + ", keystore=" + keystore + "}";
  }
}
