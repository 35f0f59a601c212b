package run.tokenlabs.chaos.probes.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.QueryResult;

/** A Prometheus behind TLS signed by a private CA: trusted with {@code caFile}, refused without it. */
class PrometheusCustomCaTest {
  private static final String ONE_SAMPLE = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
      + "\"result\":[{\"metric\":{},\"value\":[1700000000.5,\"1\"]}]}}";
  @TempDir
  Path dir;
  private final MockWebServer server = new MockWebServer();
  private HeldCertificate ca;

  @BeforeEach
  void startTlsServer() throws IOException {
    ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("tokenlabs test CA").build();
    HeldCertificate serverCert = new HeldCertificate.Builder().signedBy(ca).commonName("localhost")
        .addSubjectAlternativeName("localhost").build();
    server.useHttps(new HandshakeCertificates.Builder().heldCertificate(serverCert).build().sslSocketFactory());
    server.start(InetAddress.getByName("localhost"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private PrometheusClient client(Optional<Path> caFile) {
    var endpoint = new PrometheusEndpoint(server.url("/").uri(), Optional.empty(), Optional.empty(), Optional.empty(),
        caFile);
    return PrometheusClients.connect(endpoint, new RetryPolicy(1, Duration.ofMillis(1), Duration.ofSeconds(5)),
        pause -> { });
  }

  @Test
  @DisplayName("with the private CA in caFile the query succeeds over TLS")
  void trustsTheConfiguredCa() throws IOException {
    Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .body(ONE_SAMPLE).build());

    QueryResult result = client(Optional.of(caFile)).query("up");

    assertThat(result).isInstanceOf(QueryResult.Vector.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("without it the server is not trusted: a ProbeException, not a verdict")
  void refusesAnUnknownCa() {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .body(ONE_SAMPLE).build());

    assertThatThrownBy(() -> client(Optional.empty()).query("up")).isInstanceOf(ProbeException.class);
  }

  @Test
  @DisplayName("a caFile that holds no certificate is refused naming the file")
  void rejectsAnEmptyCaFile() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");

    assertThatThrownBy(() -> client(Optional.of(empty))).hasMessageContaining("empty.pem");
  }
}
