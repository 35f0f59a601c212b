package run.tokenlabs.chaos.runner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A TLS front for a plain-HTTP lab server, standing for a cluster's HTTPS endpoint (the API server, an
 * authenticated Prometheus): it serves a certificate made by {@link Certificate#generate} and passes every
 * request through, streaming the answer (a watch stays open), and keeps the {@code Authorization} headers it saw
 * so a test can tell which credential the client sent.
 */
final class TlsFront implements AutoCloseable {
  private static final List<String> FORWARDED = List.of("Accept", "Content-Type", "Authorization", "User-Agent");

  private final HttpsServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(16, r -> {
    Thread t = new Thread(r, "tls-front");
    t.setDaemon(true);
    return t;
  });
  private final URI backend;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final Set<String> authorizations = ConcurrentHashMap.newKeySet();

  TlsFront(URI backend, Certificate certificate) throws IOException, GeneralSecurityException {
    this.backend = backend;
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(new HttpsConfigurator(certificate.sslContext()));
    server.setExecutor(threads);
    server.createContext("/", this::forward);
    server.start();
  }

  /** The front's URL, by the IP address its certificate names. */
  URI uri() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Every distinct {@code Authorization} header a request carried. */
  Set<String> authorizations() {
    return Set.copyOf(authorizations);
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI request = exchange.getRequestURI();
      String target = request.getRawPath() + (request.getRawQuery() == null ? "" : "?" + request.getRawQuery());
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(backend.toString().replaceAll("/$", "") + target))
          .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      for (String header : FORWARDED) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          b.header(header, value);
          if (header.equals("Authorization")) {
            authorizations.add(value);
          }
        }
      }
      HttpResponse<InputStream> response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      response.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().set("Content-Type", t));
      boolean empty = response.statusCode() == 204 || "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : 0);
      try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          out.write(buffer, 0, n);
          out.flush(); // a watch's events as they come
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(0);
    threads.shutdownNow();
    threads.awaitTermination(5, TimeUnit.SECONDS);
  }

  /**
   * A self-signed certificate for {@code 127.0.0.1} and {@code localhost}, made by the JDK's keytool: its key store
   * for the server, and the certificate as PEM (the {@code ca.crt} a client trusts) with its SHA-256 fingerprint.
   *
   * @param keyStore the PKCS#12 key store
   * @param pem the certificate, PEM
   */
  record Certificate(Path keyStore, Path pem) {
    private static final String PASSWORD = "lab-only-not-a-secret";

    static Certificate generate(Path dir) throws IOException, InterruptedException {
      Path store = dir.resolve("front.p12");
      Path pem = dir.resolve("front.crt");
      keytool("-genkeypair", "-alias", "front", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
          "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
          "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
      keytool("-exportcert", "-rfc", "-alias", "front", "-keystore", store.toString(), "-storepass", PASSWORD,
          "-file", pem.toString());
      return new Certificate(store, pem);
    }

    /** The SHA-256 fingerprint of the certificate, as {@code kubernetes.allowedCaSha256} takes it. */
    String sha256() throws IOException, GeneralSecurityException {
      try (InputStream in = Files.newInputStream(pem)) {
        byte[] der = CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
      }
    }

    SSLContext sslContext() throws IOException, GeneralSecurityException {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        keys.load(in, PASSWORD.toCharArray());
      }
      KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      managers.init(keys, PASSWORD.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(managers.getKeyManagers(), null, null);
      return context;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
      List<String> command = new java.util.ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool failed: " + command + ": " + output);
      }
    }
  }
}
