package dev.fieldline.infra.tls;

import dev.fieldline.support.tls.TlsContexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/**
 * The files of one identity issued by a {@link CertificateAuthority}: a PKCS12 keystore with its
 * key and certificate chain, the same as PEM for tools that do not read PKCS12 (Mosquitto), and the
 * authority's truststore. Passwords live in files next to the stores, never in this object's text.
 *
 * @param name the identity, the certificate's CN
 * @param role the identity's role, the certificate's OU
 * @param keystore PKCS12 keystore (key and chain); the key has the keystore's password
 * @param keystorePasswordFile file holding the keystore's password
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem the private key, unencrypted PKCS8 PEM (readable by its owner only)
 * @param truststore PKCS12 truststore with the authority's certificate
 * @param truststorePasswordFile file holding the truststore's password
 * @param caCertificatePem the authority's certificate, PEM
 */
public record IssuedIdentity(
    String name,
    Role role,
    Path keystore,
    Path keystorePasswordFile,
    Path certificatePem,
    Path privateKeyPem,
    Path truststore,
    Path truststorePasswordFile,
    Path caCertificatePem) {

  /** The keystore's password, read from its file. */
  public String keystorePassword() {
    return read(keystorePasswordFile);
  }

  /** The truststore's password, read from its file. */
  public String truststorePassword() {
    return read(truststorePasswordFile);
  }

  /** This identity's key and certificate, trusting {@code other}'s authority instead of its own. */
  public IssuedIdentity trusting(IssuedIdentity other) {
    return new IssuedIdentity(
        name,
        role,
        keystore,
        keystorePasswordFile,
        certificatePem,
        privateKeyPem,
        other.truststore,
        other.truststorePasswordFile,
        other.caCertificatePem);
  }

  /** A TLS context that presents this identity and trusts only its authority. */
  public SSLContext sslContext() {
    return sslContext(true);
  }

  /**
   * A TLS context that trusts only this identity's authority; with {@code presentCertificate} false
   * it presents no certificate (what a client without an identity does).
   */
  public SSLContext sslContext(boolean presentCertificate) {
    try {
      return TlsContexts.context(
          presentCertificate
              ? TlsContexts.keyManagers(keystore, keystorePassword().toCharArray())
              : null,
          TlsContexts.trustManagers(truststore, truststorePassword().toCharArray()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS for identity " + name, e);
    }
  }

  /** A password file's content. */
  static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
