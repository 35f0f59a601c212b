package run.tokenlabs.chaos.lab.chaosmesh;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a Chaos Mesh resource's {@code spec} the lab reads: selector, mode and value, action,
 * duration, and the action's parameters ({@code delay.latency}, {@code loss.loss}, {@code abort}, ...).
 */
record ChaosSpec(String kind, String action, List<String> namespaces, Map<String, String> labels, int pods,
    Optional<Duration> duration, Map<String, Object> raw) {
  private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  static ChaosSpec of(GenericKubernetesResource cr) {
    Map<String, Object> spec = map(cr.getAdditionalProperties().get("spec"));
    Map<String, Object> selector = map(spec.get("selector"));
    String mode = String.valueOf(spec.getOrDefault("mode", "one"));
    int pods = mode.equals("fixed") ? Integer.parseInt(String.valueOf(spec.getOrDefault("value", "1"))) : 1;
    String action = cr.getKind().equals("HTTPChaos") ? httpAction(spec) : String.valueOf(spec.get("action"));
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    map(selector.get("labelSelectors")).forEach((k, v) -> labels.put(k, String.valueOf(v)));
    return new ChaosSpec(cr.getKind(), action, strings(selector.get("namespaces")), labels, pods,
        Optional.ofNullable(spec.get("duration")).map(String::valueOf).map(ChaosSpec::duration), spec);
  }

  private static String httpAction(Map<String, Object> spec) {
    if (Boolean.TRUE.equals(spec.get("abort"))) {
      return "abort";
    }
    return spec.containsKey("delay") ? "delay" : spec.containsKey("patch") ? "patch" : "replace";
  }

  /** A Go duration of one unit, as the engine writes them: {@code 300ms}, {@code 45s}, {@code 2m}. */
  static Duration duration(String text) {
    Matcher m = GO_DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("duration '" + text + "' is not one the lab reads (a number and ms, s, m or "
          + "h); write it as e.g. 300ms or 45s");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  Map<String, Object> section(String name) {
    return map(raw.get(name));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<String> strings(Object value) {
    return value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }
}
