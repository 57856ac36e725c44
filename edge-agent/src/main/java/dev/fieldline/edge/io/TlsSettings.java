package dev.fieldline.edge.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

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
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(truststore == null ? null : load(truststore, truststorePassword));
      KeyManagerFactory keys = null;
      if (keystore != null) {
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(keystore, keystorePassword), keystorePassword);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context.getSocketFactory();
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

  private static KeyStore load(Path path, char[] password)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      try {
        store.load(in, password);
        return store;
      } catch (IOException e) {
        KeyStore jks = KeyStore.getInstance("JKS");
        try (InputStream again = Files.newInputStream(path)) {
          jks.load(again, password);
        }
        return jks;
      }
    }
  }

  @Override
  public String toString() {
    return "TlsSettings{truststore=" + truststore + ", keystore=" + keystore + "}";
  }
}
