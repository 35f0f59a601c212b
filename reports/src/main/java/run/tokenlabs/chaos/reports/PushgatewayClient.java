package run.tokenlabs.chaos.reports;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Puts one group of metrics to a Prometheus Pushgateway the way batch jobs do:
 * {@code PUT <url>/metrics/job/<job>/target@base64/<target>/record/<record>} with the text
 * exposition, which replaces the whole group (series of an earlier run that this one lacks go away).
 * The Pushgateway adds {@code push_time_seconds} to the group itself. The target's name is sent
 * base64url-encoded, so any name is a valid path segment.
 */
final class PushgatewayClient {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** The group's URL under {@code base}. */
  static URI groupUri(URI base, String job, String target, String record) {
    String root = base.toString().replaceAll("/+$", "");
    String encoded = target.isEmpty() ? "="
        : Base64.getUrlEncoder().withoutPadding().encodeToString(target.getBytes(StandardCharsets.UTF_8));
    return URI.create(root + "/metrics/job/" + job + "/target@base64/" + encoded + "/record/" + record);
  }

  /**
   * Replaces the group at {@code uri} with {@code exposition}.
   *
   * @throws IOException naming the URL, the status and the Pushgateway's answer when it is not 2xx
   */
  void put(URI uri, String exposition) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", TEXT_FORMAT)
        .PUT(HttpRequest.BodyPublishers.ofString(exposition, StandardCharsets.UTF_8)).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while pushing to " + uri, e);
    }
    if (response.statusCode() / 100 != 2) {
      String body = response.body() == null ? "" : response.body().strip();
      throw new IOException("PUT " + uri + " answered " + response.statusCode() + " (expected 200 or 202): "
          + (body.length() > 500 ? body.substring(0, 500) + "…" : body));
    }
  }
}
