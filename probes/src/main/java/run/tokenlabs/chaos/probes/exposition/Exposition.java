package run.tokenlabs.chaos.probes.exposition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A parsed exposition: its metric families in the order they first appeared.
 *
 * <p>Samples are grouped into a family by their {@code # TYPE}: {@code x_bucket}, {@code x_sum},
 * {@code x_count} (and OpenMetrics' {@code x_created}, {@code x_total}) belong to family {@code x}
 * when {@code x} was declared; any other sample forms an untyped family of its own name.
 */
public final class Exposition {
  private static final String[] SUFFIXES = {"_bucket", "_sum", "_count", "_total", "_created", "_info", "_gcount", "_gsum"};

  private final Map<String, MetricFamily> families;

  private Exposition(Map<String, MetricFamily> families) {
    this.families = families;
  }

  /** All families, in order of appearance. */
  public List<MetricFamily> families() {
    return List.copyOf(families.values());
  }

  /** The family of that name, if the exposition has it. */
  public Optional<MetricFamily> family(String name) {
    return Optional.ofNullable(families.get(name));
  }

  /** Every sample whose own name is exactly {@code sampleName} (e.g. {@code x_bucket}). */
  public List<MetricSample> samples(String sampleName) {
    List<MetricSample> result = new ArrayList<>();
    for (MetricFamily family : families.values()) {
      if (sampleName.startsWith(family.name())) {
        for (MetricSample sample : family.samples()) {
          if (sample.name().equals(sampleName)) {
            result.add(sample);
          }
        }
      }
    }
    return result;
  }

  /** The number of samples in the whole exposition. */
  public int sampleCount() {
    return families.values().stream().mapToInt(f -> f.samples().size()).sum();
  }

  /**
   * The histogram series of a family: per label set (without {@code le}), the cumulative bucket
   * counts by upper bound, with sum and count (NaN when the exposition lacked them).
   */
  public List<HistogramSeries> histogram(String familyName) {
    MetricFamily family = families.get(familyName);
    if (family == null) {
      return List.of();
    }
    Map<Map<String, String>, HistogramSeries.Builder> series = new LinkedHashMap<>();
    for (MetricSample sample : family.samples()) {
      Map<String, String> labels = new LinkedHashMap<>(sample.labels());
      String le = labels.remove("le");
      HistogramSeries.Builder builder = series.computeIfAbsent(Map.copyOf(labels), HistogramSeries.Builder::new);
      String suffix = sample.name().substring(familyName.length());
      switch (suffix) {
        case "_bucket" -> {
          if (le != null) {
            builder.buckets.put(ExpositionParser.parseValue(le), sample.value());
          }
        }
        case "_sum" -> builder.sum = sample.value();
        case "_count" -> builder.count = sample.value();
        default -> {
        }
      }
    }
    return series.values().stream().map(HistogramSeries.Builder::build).toList();
  }

  /** Collects families while the scanner runs. */
  static final class Builder implements ExpositionParser.Listener {
    private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();

    @Override
    public void help(String family, String help) {
      builder(family).help = help;
    }

    @Override
    public void type(String family, String type) {
      builder(family).type = type;
    }

    @Override
    public void sample(MetricSample sample) {
      familyOf(sample.name()).samples.add(sample);
    }

    Exposition build() {
      Map<String, MetricFamily> built = new LinkedHashMap<>();
      families.forEach((name, b) -> built.put(name, new MetricFamily(name, b.type, b.help, b.samples)));
      return new Exposition(built);
    }

    private FamilyBuilder familyOf(String sampleName) {
      FamilyBuilder exact = families.get(sampleName);
      if (exact != null) {
        return exact;
      }
      for (String suffix : SUFFIXES) {
        if (sampleName.endsWith(suffix)) {
          FamilyBuilder base = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
          if (base != null && !base.type.equals("untyped")) {
            return base;
          }
        }
      }
      return builder(sampleName);
    }

    private FamilyBuilder builder(String name) {
      return families.computeIfAbsent(name, n -> new FamilyBuilder());
    }
  }

  private static final class FamilyBuilder {
    String type = "untyped";
    String help = "";
    final List<MetricSample> samples = new ArrayList<>();
  }

  /**
   * One histogram series.
   *
   * @param labels its labels without {@code le}
   * @param buckets cumulative counts by upper bound ({@code +Inf} last)
   * @param sum the {@code _sum}, NaN if absent
   * @param count the {@code _count}, NaN if absent
   */
  public record HistogramSeries(Map<String, String> labels, SortedMap<Double, Double> buckets, double sum, double count) {

    /**
     * The q-quantile by linear interpolation inside the bucket, as PromQL's
     * {@code histogram_quantile} does; NaN when there are no observations.
     */
    public double quantile(double q) {
      if (buckets.isEmpty()) {
        return Double.NaN;
      }
      double total = buckets.get(buckets.lastKey());
      if (!(total > 0)) {
        return Double.NaN;
      }
      double rank = q * total;
      double lowerBound = 0;
      double lowerCount = 0;
      for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
        if (bucket.getValue() >= rank) {
          if (bucket.getKey().isInfinite()) {
            return lowerBound;
          }
          double inBucket = bucket.getValue() - lowerCount;
          return inBucket <= 0 ? bucket.getKey()
              : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
        }
        lowerBound = bucket.getKey();
        lowerCount = bucket.getValue();
      }
      return lowerBound;
    }

    static final class Builder {
      final Map<String, String> labels;
      final SortedMap<Double, Double> buckets = new TreeMap<>();
      double sum = Double.NaN;
      double count = Double.NaN;

      Builder(Map<String, String> labels) {
        this.labels = labels;
      }

      HistogramSeries build() {
        return new HistogramSeries(labels, java.util.Collections.unmodifiableSortedMap(buckets), sum, count);
      }
    }
  }
}
