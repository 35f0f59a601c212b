package run.tokenlabs.chaos.probes.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * The one OkHttp client of the probes, and derived clients that share its connection pool.
 *
 * <p>Derive with {@link OkHttpClient#newBuilder()}: a client per probe would open a pool per probe.
 */
public final class OkHttpClients {
  private static final OkHttpClient SHARED = new OkHttpClient.Builder()
      .connectTimeout(Duration.ofSeconds(5))
      .readTimeout(Duration.ofSeconds(30))
      .retryOnConnectionFailure(false) // our own retries are bounded and reported
      .followRedirects(false)
      .build();

  private OkHttpClients() {
  }

  /** The shared base client. */
  public static OkHttpClient shared() {
    return SHARED;
  }

  /**
   * A builder from the shared client that trusts exactly the CA certificates of a PEM file (as
   * Prometheus' own {@code ca_file} does), not the JDK's default set.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no certificate
   */
  public static OkHttpClient.Builder trustingOnly(OkHttpClient.Builder builder, Path caFile) {
    X509TrustManager trustManager = trustManagerFor(caFile);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      return builder.sslSocketFactory(context.getSocketFactory(), trustManager);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("Cannot build TLS with the CA of '" + caFile + "': " + e.getMessage(), e);
    }
  }

  static X509TrustManager trustManagerFor(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("CA file '" + caFile + "' holds no PEM certificate; give the CA bundle in PEM");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + index++, certificate);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalArgumentException("No X509 trust manager for CA file '" + caFile + "'");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("Cannot read CA file '" + caFile + "': " + e.getMessage()
          + "; give a readable PEM file", e);
    }
  }
}
