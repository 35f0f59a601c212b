package run.tokenlabs.chaos.lab.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kubernetes field selector ({@code involvedObject.name=x,type!=Normal}) matched against an
 * object's JSON. The mock server ignores field selectors, yet kubectl depends on them ({@code
 * describe pod} lists the pod's events with {@code involvedObject.name=...}); a missing field
 * compares as the empty string, as the API server's does.
 */
final class FieldSelector {
  private record Term(String path, String value, boolean equal) {}

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = terms;
  }

  /** Parses {@code a=b,c==d,e!=f}; an empty or null selector matches everything. */
  static FieldSelector parse(String selector) {
    List<Term> terms = new ArrayList<>();
    if (selector != null) {
      for (String part : selector.split(",")) {
        if (part.isBlank()) {
          continue;
        }
        int ne = part.indexOf("!=");
        if (ne > 0) {
          terms.add(new Term(part.substring(0, ne).strip(), part.substring(ne + 2).strip(), false));
          continue;
        }
        int eq = part.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("invalid field selector term '" + part
              + "': expected field=value, field==value or field!=value");
        }
        String value = part.substring(part.startsWith("=", eq + 1) ? eq + 2 : eq + 1).strip();
        terms.add(new Term(part.substring(0, eq).strip(), value, true));
      }
    }
    return new FieldSelector(List.copyOf(terms));
  }

  boolean matchesEverything() {
    return terms.isEmpty();
  }

  boolean matches(JsonNode object) {
    for (Term t : terms) {
      JsonNode node = object;
      for (String segment : t.path().split("\\.")) {
        node = node.path(segment);
      }
      String actual = node.isValueNode() ? node.asText() : "";
      if (actual.equals(t.value()) != t.equal()) {
        return false;
      }
    }
    return true;
  }
}
