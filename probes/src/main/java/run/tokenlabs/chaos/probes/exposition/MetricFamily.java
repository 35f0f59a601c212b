package run.tokenlabs.chaos.probes.exposition;

import java.util.List;
import java.util.Objects;

/**
 * The samples of one metric family with its {@code # HELP} and {@code # TYPE}.
 *
 * <p>A histogram family {@code x} holds its {@code x_bucket}, {@code x_sum} and {@code x_count}
 * samples; a family without a {@code # TYPE} line is {@code untyped}.
 *
 * @param name the family name (e.g. {@code vllm:time_to_first_token_seconds})
 * @param type {@code counter}, {@code gauge}, {@code histogram}, {@code summary}, {@code untyped}, ...
 * @param help the unescaped help text, empty when there was none
 * @param samples the samples in the order written
 */
public record MetricFamily(String name, String type, String help, List<MetricSample> samples) {
  public MetricFamily {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(help, "help");
    samples = List.copyOf(samples);
  }
}
