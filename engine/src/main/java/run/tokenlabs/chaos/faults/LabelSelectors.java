package run.tokenlabs.chaos.faults;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses equality label selectors ({@code app=deepseek,tier=serving}), the only form faults accept. */
final class LabelSelectors {
  private LabelSelectors() {
  }

  static Map<String, String> parse(String selector) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String term : selector.split(",")) {
      String[] kv = term.strip().split("==?", 2);
      if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank() || kv[0].contains("!")) {
        throw new IllegalArgumentException("label selector '" + selector + "': term '" + term.strip()
            + "' is not key=value; faults take equality selectors only, e.g. app=deepseek-r1-7b");
      }
      labels.put(kv[0].strip(), kv[1].strip());
    }
    return labels;
  }
}
