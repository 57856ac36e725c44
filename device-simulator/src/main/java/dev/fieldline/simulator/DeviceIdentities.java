package dev.fieldline.simulator;

import dev.fieldline.support.tls.TlsContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Each simulated device's own certificate, for a zero-trust broker that lets a device publish only
 * its own telemetry: a folder with {@code <deviceId>.p12} and {@code <deviceId>.password} per
 * device, and {@code truststore.p12} with {@code truststore.password} (the layout that {@code
 * ./fieldline certs} writes). With identities the simulator opens one connection per device, its
 * client id the device id.
 */
public final class DeviceIdentities {
  private final Path dir;
  private volatile TrustManager[] trust;

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
      return TlsContexts.context(
              TlsContexts.keyManagers(keystore, password(deviceId + ".password")), trust())
          .getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      // Names the file, never a password.
      throw new IllegalStateException(
          "cannot load device " + deviceId + "'s identity from " + keystore, e);
    }
  }

  /** The authority, loaded once for the whole fleet. */
  private TrustManager[] trust() throws IOException, GeneralSecurityException {
    if (trust == null) {
      trust =
          TlsContexts.trustManagers(dir.resolve("truststore.p12"), password("truststore.password"));
    }
    return trust;
  }

  private char[] password(String file) throws IOException {
    return Files.readString(dir.resolve(file)).strip().toCharArray();
  }
}
