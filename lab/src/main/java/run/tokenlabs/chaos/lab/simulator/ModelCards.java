package run.tokenlabs.chaos.lab.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.UUID;
import run.tokenlabs.chaos.lab.http.HttpServers;
import run.tokenlabs.chaos.lab.http.OpenAiErrors;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}} of one pod: the served model's card as the
 * engine writes it. vLLM says {@code owned_by: "vllm"} and adds {@code parent} and a
 * {@code permission} list; SGLang says {@code owned_by: "sglang"}. Both stamp {@code created} with
 * the time of the request (their cards are built per request). An unknown id is a 404 with vLLM's
 * nested error body.
 */
final class ModelCards {
  private static final String PREFIX = "/v1/models";

  private final SimulatorConfig config;

  ModelCards(SimulatorConfig config) {
    this.config = config;
  }

  void answer(HttpExchange ex) throws IOException {
    if (!"GET".equals(ex.getRequestMethod())) {
      HttpServers.json(ex, 405, OpenAiErrors.framework(405));
      return;
    }
    String path = ex.getRequestURI().getPath();
    if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
      HttpServers.json(ex, 200, "{\"object\":\"list\",\"data\":[" + card() + "]}");
      return;
    }
    String id = path.substring(PREFIX.length() + 1);
    if (id.equals(config.modelName())) {
      HttpServers.json(ex, 200, card());
    } else {
      HttpServers.json(ex, 404, OpenAiErrors.unknownModel(id));
    }
  }

  private String card() {
    String m = OpenAiErrors.escape(config.modelName());
    long created = System.currentTimeMillis() / 1000;
    int maxLen = config.scheduler().maxModelLen();
    if (config.flavor() == MetricsExposition.Flavor.SGLANG) {
      return "{\"id\":\"" + m + "\",\"object\":\"model\",\"created\":" + created + ",\"owned_by\":\"sglang\","
          + "\"root\":\"" + m + "\",\"max_model_len\":" + maxLen + "}";
    }
    return "{\"id\":\"" + m + "\",\"object\":\"model\",\"created\":" + created + ",\"owned_by\":\"vllm\",\"root\":\""
        + m + "\",\"parent\":null,\"max_model_len\":" + maxLen + ",\"permission\":[{\"id\":\"modelperm-"
        + UUID.randomUUID().toString().replace("-", "") + "\",\"object\":\"model_permission\",\"created\":" + created
        + ",\"allow_create_engine\":false,\"allow_sampling\":true,\"allow_logprobs\":true,"
        + "\"allow_search_indices\":false,\"allow_view\":true,\"allow_fine_tuning\":false,\"organization\":\"*\","
        + "\"group\":null,\"is_blocking\":false}]}";
  }
}
