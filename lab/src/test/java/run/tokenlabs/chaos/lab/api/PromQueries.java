package run.tokenlabs.chaos.lab.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Instant and range queries against the lab's real Prometheus, for the tests. */
final class PromQueries {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The {@code data.result} array of an instant query; fails on an error envelope. */
  static JsonNode instant(Lab lab, String promql) {
    return call(lab, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  static JsonNode range(Lab lab, String promql, double startSeconds, double endSeconds, String step) {
    return call(lab, "/api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
        + "&start=" + startSeconds + "&end=" + endSeconds + "&step=" + step);
  }

  /** The value of a one-element vector result, or NaN if the vector is empty. */
  static double single(Lab lab, String promql) {
    JsonNode result = instant(lab, promql);
    return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  private static JsonNode call(Lab lab, String pathAndQuery) {
    try {
      String body = OpenAiCalls.get(URI.create(lab.prometheusUrl() + pathAndQuery));
      JsonNode root = JSON.readTree(body);
      if (!"success".equals(root.path("status").asText())) {
        throw new AssertionError("Prometheus answered an error for " + pathAndQuery + ": " + body);
      }
      return root.path("data").path("result");
    } catch (IOException e) {
      throw new AssertionError("Prometheus could not be asked " + pathAndQuery, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private PromQueries() {}
}
