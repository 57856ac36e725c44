package dev.fieldline.simulator;

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
 * Each simulated device's own certificate, for a zero-trust broker that lets a device publish only
 * its own telemetry: a folder with {@code <deviceId>.p12} and {@code <deviceId>.password} per
 * device, and {@code truststore.p12} with {@code truststore.password} (the layout that {@code
 * ./fieldline certs} writes). With identities the simulator opens one connection per device, its
 * client id the device id.
 */
public final class DeviceIdentities {
  private final Path dir;
  private volatile TrustManagerFactory trust;

  public DeviceIdentities(Path dir) {
    if (!Files.isRegularFile(dir.resolve("truststore.p12"))) {
      throw new IllegalArgumentException("no truststore.p12 in " + dir);
    }
    this.dir = dir;
  }

  /** A TLS socket factory presenting the device's certificate and trusting only the authority. */
  public SSLSocketFactory socketFactory(String deviceId) {
    Path keystore = dir.resolve(deviceId + ".p12");
    try {
      char[] keyPassword = password(deviceId + ".password");
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(load(keystore, keyPassword), keyPassword);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust().getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      // Names the file, never a password.
      throw new IllegalStateException(
          "cannot load device " + deviceId + "'s identity from " + keystore, e);
    }
  }

  /** The authority, loaded once for the whole fleet. */
  private TrustManagerFactory trust() throws IOException, GeneralSecurityException {
    if (trust == null) {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(load(dir.resolve("truststore.p12"), password("truststore.password")));
      trust = factory;
    }
    return trust;
  }

  private char[] password(String file) throws IOException {
    return Files.readString(dir.resolve(file)).strip().toCharArray();
  }

  private static KeyStore load(Path file, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }
}
