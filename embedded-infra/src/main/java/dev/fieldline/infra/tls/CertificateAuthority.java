package dev.fieldline.infra.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority in a folder: it issues one certificate per identity ({@code
 * CN=<name>,OU=<role>,O=Fieldline}), each with a PKCS12 keystore, PEM files and a password file.
 * Built on BouncyCastle's PKIX library rather than a shell-out to {@code keytool} or {@code
 * openssl}, which a machine may lack. Keys are EC P-256: fast to make, and every TLS stack here
 * (JDK, Netty, Mosquitto's OpenSSL) speaks ECDSA.
 *
 * <p>Meant for the secure demo, tests and a first docker-compose setup: the authority's key lives
 * in memory only, so nothing can be issued once it is gone. Production issues certificates from its
 * own PKI; the brokers and services only need the resulting files.
 */
public final class CertificateAuthority {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final String ORGANIZATION = "Fieldline";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final Duration validity;

  private CertificateAuthority(
      Path dir, KeyPair keys, X509Certificate certificate, Duration validity) {
    this.dir = dir;
    this.keys = keys;
    this.certificate = certificate;
    this.validity = validity;
  }

  /**
   * Creates a new authority in {@code dir}: {@code ca.crt}, {@code truststore.p12} and {@code
   * truststore.password}; certificates it issues are valid for {@code validity}.
   */
  public static CertificateAuthority create(String commonName, Path dir, Duration validity) {
    try {
      Files.createDirectories(dir);
      KeyPair keys = newKeyPair();
      X500Name subject =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.O, ORGANIZATION)
              .addRDN(BCStyle.CN, commonName)
              .build();
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(validity).plus(Duration.ofDays(1))),
              subject,
              keys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, keys);
      CertificateAuthority ca = new CertificateAuthority(dir, keys, certificate, validity);
      ca.writeTrustFiles();
      return ca;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a certificate authority in " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a certificate authority", e);
    }
  }

  /**
   * Issues an identity and writes {@code <name>.p12}, {@code <name>.password}, {@code <name>.crt}
   * and {@code <name>.key}. {@code hostNames} (DNS names or IP addresses) go into the subject
   * alternative names, which clients check against the address they dialled: brokers need them,
   * clients may pass none.
   */
  public IssuedIdentity issue(String name, Role role, List<String> hostNames) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "identity name '" + name + "': letters, digits, '.', '_' and '-', at most 64");
    }
    try {
      KeyPair pair = newKeyPair();
      X500Name subject =
          new X500NameBuilder(BCStyle.INSTANCE)
              // Most significant first, so that it reads CN=..,OU=..,O=.. (RFC 2253).
              .addRDN(BCStyle.O, ORGANIZATION)
              .addRDN(BCStyle.OU, role.unit())
              .addRDN(BCStyle.CN, name)
              .build();
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(validity)),
              subject,
              pair.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(pair.getPublic()));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          extensions.createAuthorityKeyIdentifier(certificate));
      if (!hostNames.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hostNames));
      }
      X509Certificate issued = sign(builder, keys);

      String password = newPassword();
      Path keystore = dir.resolve(name + ".p12");
      Path passwordFile = dir.resolve(name + ".password");
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          name, pair.getPrivate(), password.toCharArray(), new Certificate[] {issued, certificate});
      try (OutputStream out = Files.newOutputStream(keystore)) {
        store.store(out, password.toCharArray());
      }
      writePrivate(passwordFile, password);
      Path certificatePem = dir.resolve(name + ".crt");
      writePem(certificatePem, issued);
      Path keyPem = dir.resolve(name + ".key");
      writePrivate(keyPem, "");
      try (Writer out = Files.newBufferedWriter(keyPem, StandardCharsets.US_ASCII);
          JcaPEMWriter pem = new JcaPEMWriter(out)) {
        pem.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
      }
      return new IssuedIdentity(
          name,
          role,
          keystore,
          passwordFile,
          certificatePem,
          keyPem,
          truststore(),
          dir.resolve("truststore.password"),
          dir.resolve("ca.crt"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the identity " + name + " to " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate for " + name, e);
    }
  }

  /** The PKCS12 truststore holding this authority's certificate. */
  public Path truststore() {
    return dir.resolve("truststore.p12");
  }

  public Path directory() {
    return dir;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  private void writeTrustFiles() throws IOException, GeneralSecurityException {
    writePem(dir.resolve("ca.crt"), certificate);
    String password = newPassword();
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("fieldline-ca", certificate);
    try (OutputStream out = Files.newOutputStream(truststore())) {
      trust.store(out, password.toCharArray());
    }
    writePrivate(dir.resolve("truststore.password"), password);
  }

  private static GeneralNames alternativeNames(List<String> hostNames) {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hostNames) {
      boolean address = host.matches("[0-9.]+") || host.contains(":");
      names.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, host));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws GeneralSecurityException {
    try {
      ContentSigner contentSigner =
          new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign a certificate", e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  /** A random password (144 bits, URL-safe Base64), like the ones the stores get. */
  public static String newPassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void writePem(Path file, Object object) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(object);
    }
  }

  /** Writes a file only its owner can read (where the file system has POSIX permissions). */
  private static void writePrivate(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the folder's own permissions protect it.
    }
  }
}
