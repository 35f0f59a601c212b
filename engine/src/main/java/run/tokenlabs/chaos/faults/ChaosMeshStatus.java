package run.tokenlabs.chaos.faults;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Chaos Mesh reports about one of its resources, read from {@code status}: the
 * {@code conditions} ({@code Selected}, {@code AllInjected}, {@code AllRecovered}, {@code Paused},
 * each {@code True} or {@code False}) and {@code experiment.containerRecords}, one per selected
 * target, each with its {@code id}, its {@code phase} ({@code Injected} or {@code Not Injected}) and
 * its {@code injectedCount} and {@code recoveredCount}.
 *
 * @param recovered whether Chaos Mesh reports every target recovered: {@code AllRecovered} is
 *     {@code True}, or every record is {@code Not Injected}
 * @param seen the conditions and records as read, for messages
 */
record ChaosMeshStatus(boolean recovered, String seen) {
  static final String NOT_INJECTED = "Not Injected";

  static ChaosMeshStatus of(GenericKubernetesResource resource) {
    Map<String, Object> status = map(resource.getAdditionalProperties().get("status"));
    List<Map<String, Object>> conditions = list(status.get("conditions"));
    List<Map<String, Object>> records = list(map(status.get("experiment")).get("containerRecords"));
    boolean allRecovered = conditions.stream()
        .anyMatch(c -> "AllRecovered".equals(c.get("type")) && "True".equals(c.get("status")));
    boolean noneInjected = !records.isEmpty() && records.stream().allMatch(r -> NOT_INJECTED.equals(r.get("phase")));
    return new ChaosMeshStatus(allRecovered || noneInjected, describe(conditions, records));
  }

  private static String describe(List<Map<String, Object>> conditions, List<Map<String, Object>> records) {
    if (conditions.isEmpty() && records.isEmpty()) {
      return "no status yet (is chaos-controller-manager running?)";
    }
    List<String> parts = new ArrayList<>();
    conditions.forEach(c -> parts.add(c.get("type") + "=" + c.get("status")));
    records.forEach(r -> parts.add(r.get("id") + " " + r.get("phase") + " (injected " + r.get("injectedCount")
        + ", recovered " + r.get("recoveredCount") + ")"));
    return String.join(", ", parts);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return value instanceof List<?> l
        ? l.stream().filter(Map.class::isInstance).map(e -> (Map<String, Object>) e).toList() : List.of();
  }
}
