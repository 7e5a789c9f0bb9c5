package dev.serval.server.security;

import com.linecorp.armeria.common.TlsKeyPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/** A PEM certificate chain and private key, read and checked to belong together. */
public final class TlsFiles {
  private TlsFiles() {}

  /**
   * @param certificate PEM certificate chain, the server's own certificate first
   * @param privateKey PEM private key (PKCS#8) of that certificate
   * @throws IllegalArgumentException when a file is unreadable or not PEM, or the key is not the
   *     certificate's
   */
  public static TlsKeyPair load(Path certificate, Path privateKey) {
    requireReadable("certificate", certificate);
    requireReadable("private key", privateKey);
    TlsKeyPair pair;
    try {
      pair = TlsKeyPair.of(privateKey.toFile(), certificate.toFile());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot read the TLS certificate " + certificate
          + " and private key " + privateKey + " as PEM (" + e.getMessage() + "); give a PEM"
          + " certificate chain and its PKCS#8 PEM private key", e);
    }
    if (pair.certificateChain().isEmpty()) {
      throw new IllegalArgumentException("the TLS certificate file " + certificate
          + " holds no certificate");
    }
    X509Certificate own = pair.certificateChain().get(0);
    if (!belongTogether(pair.privateKey(), own.getPublicKey())) {
      throw new IllegalArgumentException("the TLS private key " + privateKey
          + " does not belong to the certificate " + certificate + " ("
          + own.getSubjectX500Principal() + "); give the key the certificate was issued for");
    }
    return pair;
  }

  private static void requireReadable(String what, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException("the TLS " + what + " file " + file
          + " does not exist or is not readable");
    }
  }

  /** Signs with the private key and verifies with the public one. */
  private static boolean belongTogether(PrivateKey key, PublicKey certified) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "DSA" -> "SHA256withDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA sign without a separate digest
    };
    byte[] probe = "serval-tls-key-check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
