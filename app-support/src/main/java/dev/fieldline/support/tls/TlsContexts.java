package dev.fieldline.support.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts from key and trust stores (PKCS12, or JKS), for every Fieldline TLS client: the edge
 * agent's MQTT connection, simulated devices, test and demo identities. Callers wrap the checked
 * exceptions with what they were setting up; no message here holds a password.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /** The key managers of a keystore whose key has the keystore's password. */
  public static KeyManager[] keyManagers(Path keystore, char[] password)
      throws IOException, GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(load(keystore, password), password);
    return keys.getKeyManagers();
  }

  /** The trust managers of a truststore; the JDK's own when {@code truststore} is null. */
  public static TrustManager[] trustManagers(Path truststore, char[] password)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(truststore == null ? null : load(truststore, password));
    return trust.getTrustManagers();
  }

  /** A TLS context presenting {@code keys} (null: no certificate) and trusting {@code trust}. */
  public static SSLContext context(KeyManager[] keys, TrustManager[] trust)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, trust, null);
    return context;
  }

  /** A store in the JDK's default format (PKCS12, which also reads JKS), else as JKS. */
  static KeyStore load(Path path, char[] password) throws IOException, GeneralSecurityException {
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
}
