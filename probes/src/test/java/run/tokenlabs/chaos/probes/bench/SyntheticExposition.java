package run.tokenlabs.chaos.probes.bench;

import java.util.List;

/**
 * A realistic, large exposition: vLLM's V1 metric families with their real bucket bounds for a
 * number of engines, plus dcgm-exporter output for a number of GPUs with its real label set.
 */
public final class SyntheticExposition {
  private static final String TTFT = "0.001 0.005 0.01 0.02 0.04 0.06 0.08 0.1 0.25 0.5 0.75 1.0 2.5 5.0 7.5 10.0 20.0 40.0 80.0 160.0 640.0 2560.0";
  private static final String ITL = "0.01 0.025 0.05 0.075 0.1 0.15 0.2 0.3 0.4 0.5 0.75 1.0 2.5 5.0 7.5 10.0 20.0 40.0 80.0";
  private static final String E2E = "0.3 0.5 0.8 1.0 1.5 2.0 2.5 5.0 10.0 15.0 20.0 30.0 40.0 50.0 60.0 120.0 240.0 480.0 960.0 1920.0 7680.0";
  private static final List<String[]> HISTOGRAMS = List.of(
      new String[] {"vllm:time_to_first_token_seconds", TTFT},
      new String[] {"vllm:inter_token_latency_seconds", ITL},
      new String[] {"vllm:request_time_per_output_token_seconds", ITL},
      new String[] {"vllm:e2e_request_latency_seconds", E2E},
      new String[] {"vllm:request_queue_time_seconds", E2E},
      new String[] {"vllm:request_prefill_time_seconds", E2E},
      new String[] {"vllm:request_decode_time_seconds", E2E},
      new String[] {"vllm:request_inference_time_seconds", E2E});
  private static final List<String> GAUGES = List.of("vllm:num_requests_running", "vllm:num_requests_waiting",
      "vllm:kv_cache_usage_perc");
  private static final List<String> COUNTERS = List.of("vllm:num_preemptions_total", "vllm:prompt_tokens_total",
      "vllm:generation_tokens_total", "vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total");
  private static final List<String> DCGM = List.of("DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_MEM_CLOCK",
      "DCGM_FI_DEV_MEMORY_TEMP", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_POWER_USAGE",
      "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "DCGM_FI_DEV_GPU_UTIL",
      "DCGM_FI_DEV_MEM_COPY_UTIL", "DCGM_FI_DEV_ENC_UTIL", "DCGM_FI_DEV_DEC_UTIL", "DCGM_FI_DEV_XID_ERRORS",
      "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL");

  private SyntheticExposition() {
  }

  /** vLLM families for {@code engines} engines (one label set each) and DCGM fields for {@code gpus} GPUs. */
  public static String of(int engines, int gpus) {
    StringBuilder sb = new StringBuilder(engines * 40_000 + gpus * 4_000);
    for (String gauge : GAUGES) {
      sb.append("# HELP ").append(gauge).append(" A gauge.\n# TYPE ").append(gauge).append(" gauge\n");
      for (int e = 0; e < engines; e++) {
        sb.append(gauge).append(labels(e)).append(' ').append(0.01 * (e % 97)).append('\n');
      }
    }
    for (String counter : COUNTERS) {
      sb.append("# HELP ").append(counter).append(" A counter.\n# TYPE ").append(counter).append(" counter\n");
      for (int e = 0; e < engines; e++) {
        sb.append(counter).append(labels(e)).append(' ').append(12345.0 + e).append('\n');
      }
    }
    for (String[] histogram : HISTOGRAMS) {
      String name = histogram[0];
      sb.append("# HELP ").append(name).append(" Histogram of a latency in seconds.\n# TYPE ").append(name)
          .append(" histogram\n");
      for (int e = 0; e < engines; e++) {
        String[] bounds = histogram[1].split(" ");
        double cumulative = 0;
        sb.append(name).append("_sum").append(labels(e)).append(' ').append(1843.2051 + e).append('\n');
        for (String le : bounds) {
          cumulative += e % 7;
          sb.append(name).append("_bucket{engine=\"").append(e).append("\",le=\"").append(le)
              .append("\",model_name=\"deepseek-ai/DeepSeek-R1-Distill-Qwen-7B\"} ").append(cumulative).append('\n');
        }
        sb.append(name).append("_bucket{engine=\"").append(e)
            .append("\",le=\"+Inf\",model_name=\"deepseek-ai/DeepSeek-R1-Distill-Qwen-7B\"} ").append(cumulative).append('\n');
        sb.append(name).append("_count").append(labels(e)).append(' ').append(cumulative).append('\n');
      }
    }
    for (String field : DCGM) {
      sb.append("# HELP ").append(field).append(" A DCGM field.\n# TYPE ").append(field).append(" gauge\n");
    }
    for (int g = 0; g < gpus; g++) {
      for (String field : DCGM) {
        sb.append(field).append("{gpu=\"").append(g % 8).append("\", UUID=\"GPU-5c9a0b1e-7f3d-4b2a-9e61-")
            .append(String.format("%012d", g)).append("\", pci_bus_id=\"00000000:").append(g % 8)
            .append("F:00.0\", device=\"nvidia").append(g % 8).append("\", modelName=\"NVIDIA H200\", Hostname=\"node-")
            .append(g / 8).append("\", DCGM_FI_DRIVER_VERSION=\"580.95.05\"} ").append(1980 + g).append('\n');
      }
    }
    return sb.toString();
  }

  private static String labels(int engine) {
    return "{engine=\"" + engine + "\",model_name=\"deepseek-ai/DeepSeek-R1-Distill-Qwen-7B\"}";
  }
}
