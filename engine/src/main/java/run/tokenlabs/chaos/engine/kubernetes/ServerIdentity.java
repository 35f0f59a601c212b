package run.tokenlabs.chaos.engine.kubernetes;

import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.client.Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.engine.config.ApiServers;

/**
 * Which API server a client talks to, as far as it can be told apart from another: its URL
 * ({@code scheme://host:port}), the SHA-256 fingerprints of the CA certificates it trusts (empty: the
 * JVM's default trust), and whether it skips certificate checks. Cluster IPs and names repeat across
 * clusters; a cluster's CA does not.
 *
 * @param server the normalized URL
 * @param caSha256 fingerprints of the trusted CA certificates, lower-case hex
 * @param insecure whether TLS certificates are not checked at all
 */
record ServerIdentity(String server, Set<String> caSha256, boolean insecure) {

  /** What a built fabric8 configuration will talk to. */
  static ServerIdentity of(Config config) {
    return new ServerIdentity(ApiServers.normalize(URI.create(config.getMasterUrl())),
        fingerprints(caBytes(config.getCaCertData(), config.getCaCertFile(), null), "the client's CA"),
        config.isTrustCerts());
  }

  /** What a kubeconfig cluster entry names; a relative CA file is read from {@code kubeconfigDir}. */
  static ServerIdentity of(Cluster cluster, Path kubeconfigDir) {
    return new ServerIdentity(ApiServers.normalize(URI.create(cluster.getServer())),
        fingerprints(caBytes(cluster.getCertificateAuthorityData(), cluster.getCertificateAuthority(), kubeconfigDir),
            "the kubeconfig's certificate-authority"),
        Boolean.TRUE.equals(cluster.getInsecureSkipTlsVerify()));
  }

  private static byte[] caBytes(String base64, String file, Path relativeTo) {
    if (base64 != null && !base64.isBlank()) {
      return Base64.getMimeDecoder().decode(base64.strip());
    }
    if (file != null && !file.isBlank()) {
      Path path = relativeTo == null ? Path.of(file) : relativeTo.resolve(file);
      try {
        return Files.readAllBytes(path);
      } catch (IOException e) {
        throw new ChaosConfigException("Cannot read the CA file " + path + " (" + e + "); without it the cluster "
            + "the client talks to cannot be checked");
      }
    }
    return null;
  }

  private static Set<String> fingerprints(byte[] pem, String what) {
    Set<String> fingerprints = new TreeSet<>();
    if (pem == null) {
      return fingerprints;
    }
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (Certificate certificate : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem))) {
        fingerprints.add(HexFormat.of().formatHex(sha256.digest(certificate.getEncoded())));
      }
    } catch (CertificateException | NoSuchAlgorithmException e) {
      throw new ChaosConfigException("Cannot read " + what + " as X.509 certificates (" + e.getMessage()
          + "); fix the kubeconfig");
    }
    return fingerprints;
  }

  String describe() {
    return server + (insecure ? " (certificates not checked)" : caSha256.isEmpty() ? " (default trust)"
        : " (CA sha256 " + String.join(", ", caSha256) + ")");
  }
}
