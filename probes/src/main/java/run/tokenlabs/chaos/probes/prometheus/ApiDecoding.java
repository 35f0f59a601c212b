package run.tokenlabs.chaos.probes.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.probes.api.Alert;
import run.tokenlabs.chaos.probes.api.AlertState;
import run.tokenlabs.chaos.probes.api.BuildInfo;
import run.tokenlabs.chaos.probes.api.Point;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.RangeSeries;
import run.tokenlabs.chaos.probes.api.Rule;
import run.tokenlabs.chaos.probes.api.RuleGroup;
import run.tokenlabs.chaos.probes.api.Sample;
import run.tokenlabs.chaos.probes.api.ScrapeTarget;
import run.tokenlabs.chaos.probes.exposition.ExpositionParser;

/**
 * Turns the {@code data} of Prometheus API answers into the typed records of the API. Anything
 * that does not have the documented shape is a {@link ProbeException}, never a default value.
 */
final class ApiDecoding {
  private ApiDecoding() {
  }

  static QueryResult queryResult(JsonNode data, List<String> warnings) {
    String type = data.path("resultType").asText("");
    JsonNode result = data.path("result");
    return switch (type) {
      case "vector" -> new QueryResult.Vector(vector(result), warnings);
      case "matrix" -> new QueryResult.Matrix(matrix(result), warnings);
      case "scalar" -> new QueryResult.Scalar(time(result.path(0)), value(result.path(1)), warnings);
      case "string" -> new QueryResult.Text(time(result.path(0)), result.path(1).asText(), warnings);
      default -> throw malformed("resultType '" + type + "'");
    };
  }

  private static List<Sample> vector(JsonNode result) {
    List<Sample> samples = new ArrayList<>(result.size());
    for (JsonNode element : result) {
      JsonNode pair = element.path("value");
      if (pair.isMissingNode()) {
        throw malformed("a vector element without 'value' (native histograms are not supported): " + element);
      }
      samples.add(new Sample(labels(element.path("metric")), time(pair.path(0)), value(pair.path(1))));
    }
    return samples;
  }

  private static List<RangeSeries> matrix(JsonNode result) {
    List<RangeSeries> series = new ArrayList<>(result.size());
    for (JsonNode element : result) {
      JsonNode values = element.path("values");
      List<Point> points = new ArrayList<>(values.size());
      for (JsonNode pair : values) {
        points.add(new Point(time(pair.path(0)), value(pair.path(1))));
      }
      series.add(new RangeSeries(labels(element.path("metric")), points));
    }
    return series;
  }

  static List<Alert> alerts(JsonNode alerts) {
    List<Alert> result = new ArrayList<>(alerts.size());
    for (JsonNode alert : alerts) {
      JsonNode value = alert.path("value");
      result.add(new Alert(labels(alert.path("labels")), labels(alert.path("annotations")),
          AlertState.of(alert.path("state").asText("inactive")), timestamp(alert.path("activeAt")),
          value.isMissingNode() || value.isNull() ? Double.NaN : value(value)));
    }
    return result;
  }

  static List<RuleGroup> ruleGroups(JsonNode groups) {
    List<RuleGroup> result = new ArrayList<>(groups.size());
    for (JsonNode group : groups) {
      List<Rule> rules = new ArrayList<>();
      for (JsonNode rule : group.path("rules")) {
        boolean alerting = "alerting".equals(rule.path("type").asText());
        rules.add(new Rule(rule.path("name").asText(), alerting, rule.path("query").asText(),
            alerting ? AlertState.of(rule.path("state").asText("inactive")) : AlertState.INACTIVE,
            seconds(rule.path("duration")), labels(rule.path("labels")), rule.path("health").asText(""),
            rule.path("lastError").asText(""), timestamp(rule.path("lastEvaluation")),
            alerting ? alerts(rule.path("alerts")) : List.of()));
      }
      result.add(new RuleGroup(group.path("name").asText(), group.path("file").asText(""),
          seconds(group.path("interval")), rules));
    }
    return result;
  }

  static List<ScrapeTarget> targets(JsonNode active) {
    List<ScrapeTarget> result = new ArrayList<>(active.size());
    for (JsonNode target : active) {
      result.add(new ScrapeTarget(labels(target.path("labels")), target.path("scrapePool").asText(""),
          target.path("scrapeUrl").asText(""), target.path("health").asText("unknown"),
          target.path("lastError").asText(""), timestamp(target.path("lastScrape"))));
    }
    return result;
  }

  static BuildInfo buildInfo(JsonNode data) {
    String version = data.path("version").asText("");
    if (version.isEmpty()) {
      throw malformed("buildinfo without a version: " + data);
    }
    return new BuildInfo(version, data.path("revision").asText(""), data.path("goVersion").asText(""));
  }

  static Map<String, String> labels(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw malformed("labels that are not an object: " + node);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  private static Instant time(JsonNode node) {
    if (!node.isNumber()) {
      throw malformed("a sample time that is not a number: " + node);
    }
    return Instant.ofEpochMilli(Math.round(node.asDouble() * 1000.0));
  }

  private static double value(JsonNode node) {
    if (!node.isTextual()) {
      throw malformed("a sample value that is not a string: " + node);
    }
    try {
      return ExpositionParser.parseValue(node.asText());
    } catch (NumberFormatException e) {
      throw malformed("a sample value that is not a number: " + node);
    }
  }

  private static Duration seconds(JsonNode node) {
    return node.isNumber() ? Duration.ofMillis(Math.round(node.asDouble() * 1000.0)) : Duration.ZERO;
  }

  /** RFC 3339 time; Go's zero time ({@code 0001-01-01T00:00:00Z}) means "never". */
  private static Optional<Instant> timestamp(JsonNode node) {
    String text = node.asText("");
    if (text.isEmpty() || text.startsWith("0001-01-01")) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      throw malformed("a timestamp that is not RFC 3339: '" + text + "'");
    }
  }

  private static ProbeException malformed(String what) {
    return new ProbeException("Prometheus answered with " + what + "; this client expects the HTTP API v1 shape");
  }
}
