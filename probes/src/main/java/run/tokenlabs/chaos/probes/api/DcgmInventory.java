package run.tokenlabs.chaos.probes.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which {@code DCGM_FI_*} fields each GPU exposes, and where that was seen.
 *
 * @param source where the inventory came from, e.g. {@code exporter http://node:9400/metrics}
 * @param fieldsByGpu per GPU, the field (metric) names present
 */
public record DcgmInventory(String source, Map<Gpu, Set<String>> fieldsByGpu) {
  public DcgmInventory {
    Map<Gpu, Set<String>> copy = new TreeMap<>(java.util.Comparator.comparing(Gpu::hostname)
        .thenComparing(Gpu::index).thenComparing(Gpu::uuid));
    fieldsByGpu.forEach((gpu, fields) -> copy.put(gpu, Collections.unmodifiableSet(new TreeSet<>(fields))));
    fieldsByGpu = Collections.unmodifiableMap(copy);
  }

  /** The GPUs seen. */
  public Set<Gpu> gpus() {
    return fieldsByGpu.keySet();
  }

  /** Compares with the fields every GPU should expose; each GPU's missing fields are named with their ids. */
  public Comparison compareTo(Collection<DcgmField> expected) {
    List<Gap> gaps = new ArrayList<>();
    fieldsByGpu.forEach((gpu, fields) -> {
      List<DcgmField> missing = expected.stream().filter(f -> !fields.contains(f.name())).toList();
      if (!missing.isEmpty()) {
        gaps.add(new Gap(gpu, missing));
      }
    });
    return new Comparison(source, fieldsByGpu.size(), gaps);
  }

  /**
   * The GPUs that lack some expected fields.
   *
   * @param gpu the GPU
   * @param missing the fields it does not expose
   */
  public record Gap(Gpu gpu, List<DcgmField> missing) {
    public Gap {
      missing = List.copyOf(missing);
    }

    @Override
    public String toString() {
      return gpu + ": missing " + String.join(", ", missing.stream().map(DcgmField::describe).toList());
    }
  }

  /**
   * The result of {@link #compareTo(Collection)}.
   *
   * @param source where the inventory came from
   * @param gpuCount how many GPUs were compared
   * @param gaps the GPUs with missing fields
   */
  public record Comparison(String source, int gpuCount, List<Gap> gaps) {
    public Comparison {
      gaps = List.copyOf(gaps);
    }

    /** Whether every GPU exposes every expected field (and there was at least one GPU). */
    public boolean complete() {
      return gpuCount > 0 && gaps.isEmpty();
    }

    @Override
    public String toString() {
      if (gpuCount == 0) {
        return "no GPU seen (" + source + ")";
      }
      return gaps.isEmpty() ? "all " + gpuCount + " GPU(s) expose every expected field (" + source + ")"
          : String.join("; ", gaps.stream().map(Gap::toString).toList()) + " (" + source + ")";
    }
  }
}
