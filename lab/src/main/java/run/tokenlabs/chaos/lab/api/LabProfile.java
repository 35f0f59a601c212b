package run.tokenlabs.chaos.lab.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The hardware and models a lab imitates, and how fast its clocks run. Immutable.
 *
 * <p>{@link #gb10()} mirrors the reference run (DGX Spark: no NVLink, FB fields not exported,
 * DeepSeek-R1-Distill-7B as a bare vLLM pod without chunked prefill, Llama-3.1-8B under SGLang in a
 * Deployment); {@link #h200()} is a data-centre node with NVLink and every DCGM field.
 *
 * @param name profile name ({@code gb10}, {@code h200})
 * @param gpu the GPU of every node
 * @param nodes node names; DCGM exporter pods run one per node
 * @param models the model deployments in namespace {@code token-labs}
 * @param scrapeInterval Prometheus scrape and rule-evaluation interval (15 s reproduces the reference run)
 * @param timeScale wall seconds per simulated GPU second: 0.01 runs the GPU 100 times faster
 * @param ruleForScale factor applied to every {@code for:} / {@code keep_firing_for:} of loaded rules
 */
public record LabProfile(String name, GpuProfile gpu, List<String> nodes, List<ModelProfile> models,
                         Duration scrapeInterval, double timeScale, double ruleForScale) {
  /** Served name of the bare DeepSeek pod's model. */
  public static final String DEEPSEEK = "deepseek-r1-7b";
  /** Served name of the Deployment-managed Llama model. */
  public static final String LLAMA = "llama-3-1-8b";
  /** The bare pod of the reference run. */
  public static final String DEEPSEEK_POD = "deepseek-r1-7b-vllm-leader";

  private static final long DEEPSEEK_KV_BYTES = 56 * 1024;
  private static final long LLAMA_KV_BYTES = 128 * 1024;

  public LabProfile {
    Objects.requireNonNull(name, "name");
    nodes = List.copyOf(nodes);
    models = List.copyOf(models);
    if (timeScale <= 0 || ruleForScale <= 0) {
      throw new IllegalArgumentException("timeScale and ruleForScale must be > 0, saw " + timeScale + " and "
          + ruleForScale);
    }
  }

  /**
   * DGX Spark GB10, two nodes, as in the reference run. Scrape 1 s, GPU 100x faster, rule {@code for:} / 15.
   * Chunked prefill is off (as on every pod of the reference run: the budget is then max_model_len);
   * switched on, the budget is the reference run's proposed {@code --max-num-batched-tokens 2048} and a
   * long prefill takes at most 1024 of it ({@code --long-prefill-token-threshold 1024}), so short
   * prompts are admitted beside it. Without that threshold vLLM V1 serves the running long prefill
   * first with the whole budget and short prompts wait just as long (see the README).
   */
  public static LabProfile gb10() {
    GpuProfile gpu = new GpuProfile("NVIDIA GB10", 128 * 1024, 8, 95, 208, 2418, false, false, false, false);
    ModelProfile deepseek = new ModelProfile(DEEPSEEK, ServingEngine.VLLM, true, DEEPSEEK_POD, "spark-01",
        ModelProfile.kvCapacityTokens(128, 15.2, 4, DEEPSEEK_KV_BYTES), 131072, 2048, 1024, false, 1024,
        0.110, 0.00015, 0.0025, 2000, 0.8, Duration.ofSeconds(1));
    ModelProfile llama = new ModelProfile(LLAMA, ServingEngine.SGLANG, false, null, "spark-02",
        ModelProfile.kvCapacityTokens(128, 16.1, 4, LLAMA_KV_BYTES), 131072, 2048, 1024, false, 1024,
        0.120, 0.00017, 0.003, 250, 0, Duration.ofSeconds(1));
    return new LabProfile("gb10", gpu, List.of("spark-01", "spark-02"), List.of(deepseek, llama),
        Duration.ofSeconds(1), 0.01, 1.0 / 15);
  }

  /** H200 SXM nodes with NVLink, chunked prefill on (vLLM V1's default). Same clocks as {@link #gb10()}. */
  public static LabProfile h200() {
    GpuProfile gpu = new GpuProfile("NVIDIA H200", 141 * 1024, 75, 700, 345, 1980, true, true, true, true);
    ModelProfile deepseek = new ModelProfile(DEEPSEEK, ServingEngine.VLLM, true, DEEPSEEK_POD, "h200-node-01",
        ModelProfile.kvCapacityTokens(141, 15.2, 4, DEEPSEEK_KV_BYTES), 131072, 8192, 1024, true, 5242,
        0.008, 0.00002, 0.0002, 2000, 0.8, Duration.ofSeconds(1));
    ModelProfile llama = new ModelProfile(LLAMA, ServingEngine.SGLANG, false, null, "h200-node-02",
        ModelProfile.kvCapacityTokens(141, 16.1, 4, LLAMA_KV_BYTES), 131072, 8192, 1024, true, 5242,
        0.009, 0.00002, 0.0002, 250, 0, Duration.ofSeconds(1));
    return new LabProfile("h200", gpu, List.of("h200-node-01", "h200-node-02"), List.of(deepseek, llama),
        Duration.ofSeconds(1), 0.01, 1.0 / 15);
  }

  /** {@code gb10} or {@code h200}, case-insensitive. */
  public static LabProfile named(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "gb10":
        return gb10();
      case "h200":
        return h200();
      default:
        throw new IllegalArgumentException("Unknown lab profile '" + name + "'; expected one of: gb10, h200");
    }
  }

  /** The model with this served name. */
  public ModelProfile model(String modelName) {
    return models.stream().filter(m -> m.name().equals(modelName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Profile " + name + " has no model '" + modelName
            + "'; it has " + models.stream().map(ModelProfile::name).toList()));
  }

  public LabProfile withModel(String modelName, UnaryOperator<ModelProfile> change) {
    model(modelName);
    List<ModelProfile> changed = new ArrayList<>();
    for (ModelProfile m : models) {
      changed.add(m.name().equals(modelName) ? change.apply(m) : m);
    }
    return new LabProfile(name, gpu, nodes, changed, scrapeInterval, timeScale, ruleForScale);
  }

  /** Also rescales {@code for:} so alerts keep the same number of evaluations as with 15 s. */
  public LabProfile withScrapeInterval(Duration interval) {
    return new LabProfile(name, gpu, nodes, models, interval, timeScale,
        interval.toMillis() / 15_000.0);
  }

  public LabProfile withTimeScale(double scale) {
    return new LabProfile(name, gpu, nodes, models, scrapeInterval, scale, ruleForScale);
  }

  public LabProfile withRuleForScale(double factor) {
    return new LabProfile(name, gpu, nodes, models, scrapeInterval, timeScale, factor);
  }
}
