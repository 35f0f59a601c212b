package run.tokenlabs.chaos.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import run.tokenlabs.chaos.load.api.Endpoint;

/**
 * One call to the server's {@code POST /tokenize} (vLLM's and the lab's): its {@code count}, or the
 * length of its {@code tokens}; -1 whenever the server cannot say, so callers fall back to estimates.
 */
final class TokenizeCall {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final MediaType JSON = MediaType.get("application/json");

  private TokenizeCall() {
  }

  /** The token count the server gives for {@code body}, within {@code timeout}; -1 if it gives none. */
  static int count(OkHttpClient client, Endpoint endpoint, ObjectNode body, Duration timeout) {
    var request = new Request.Builder().url(endpoint.baseUrl() + "/tokenize")
        .post(RequestBody.create(body.toString(), JSON));
    endpoint.bearerToken().ifPresent(t -> request.header("Authorization", "Bearer " + t.reveal()));
    Call call = client.newCall(request.build());
    call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    try (Response response = call.execute()) {
      if (response.code() != 200) {
        return -1;
      }
      JsonNode json = MAPPER.readTree(response.body().byteStream());
      if (json.path("count").isInt()) {
        return json.get("count").intValue();
      }
      return json.path("tokens").isArray() ? json.get("tokens").size() : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
