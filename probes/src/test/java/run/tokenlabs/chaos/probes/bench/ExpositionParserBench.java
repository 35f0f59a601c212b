package run.tokenlabs.chaos.probes.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import run.tokenlabs.chaos.probes.exposition.Exposition;
import run.tokenlabs.chaos.probes.exposition.ExpositionParser;

/**
 * Exposition parser throughput on a large realistic exposition (64 vLLM engines, 64 GPUs: 1.73 MB,
 * 13 568 samples). MB/s = {@link #BYTES} / (ms per op) / 1000. See probes/README.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExpositionParserBench {
  static final String TEXT = SyntheticExposition.of(64, 64);
  static final int BYTES = TEXT.getBytes(StandardCharsets.UTF_8).length;

  @Setup
  public void describe() {
    System.out.println("exposition: " + BYTES + " bytes, " + ExpositionParser.parse(TEXT).sampleCount() + " samples");
  }

  /** Full parse: families, HELP, TYPE, every sample with its labels. */
  @Benchmark
  public Exposition fullParse() {
    return ExpositionParser.parse(TEXT);
  }

  /** The sampler's path: only three gauge names are parsed beyond their name. */
  @Benchmark
  public void filteredScan(Blackhole blackhole) {
    ExpositionParser.scan(TEXT, name -> name.startsWith("vllm:num_requests") || name.equals("vllm:kv_cache_usage_perc"),
        (name, labels, value) -> blackhole.consume(value));
  }
}
