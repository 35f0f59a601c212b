package run.tokenlabs.chaos.engine.testing;

import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The CRUD mock with what a node drain needs and the mock lacks: pods listed by {@code spec.nodeName} (it
 * filters on metadata fields only), and the Eviction subresource answered as the API server answers it:
 * 429 TooManyRequests for a pod a PodDisruptionBudget protects ({@link #refusals}, how many times to
 * refuse), else the pod is deleted and 201 returned.
 */
public final class EvictionCrudDispatcher extends KubernetesCrudDispatcher {
  /** Pods ({@code namespace/name}) to refuse, and how many more times ({@link Integer#MAX_VALUE}: always). */
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  public final Map<String, Integer> refusals = new ConcurrentHashMap<>();
  /** Every eviction received, {@code namespace/name}, in order. */
  public final List<String> evictions = new CopyOnWriteArrayList<>();

  public EvictionCrudDispatcher() {
    super(List.of());
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    if (request.getMethod().equals("POST") && path.matches("/api/v1/namespaces/[^/]+/pods/[^/]+/eviction")) {
      String[] parts = path.split("/");
      String pod = parts[4] + "/" + parts[6];
      evictions.add(pod);
      Integer left = refusals.get(pod);
      if (left != null && left > 0) {
        if (left != Integer.MAX_VALUE) {
          refusals.put(pod, left - 1);
        }
        return new MockResponse().setResponseCode(429).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
            + "\"Failure\",\"code\":429,\"reason\":\"TooManyRequests\",\"message\":\"Cannot evict pod as it would "
            + "violate the pod's disruption budget.\"}");
      }
      MockResponse deleted = super.dispatch(new RecordedRequest(request.getHttpVersion(),
          io.fabric8.mockwebserver.dsl.HttpMethod.DELETE, "/api/v1/namespaces/" + parts[4] + "/pods/" + parts[6],
          request.getHeaders(), new Buffer()));
      return deleted.setResponseCode(201).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}");
    }
    String prefix = "/api/v1/pods?fieldSelector=spec.nodeName%3D";
    if (request.getMethod().equals("GET") && path.startsWith(prefix)) {
      String node = URLDecoder.decode(path.substring(prefix.length()).split("&")[0], StandardCharsets.UTF_8);
      MockResponse all = super.dispatch(new RecordedRequest(request.getHttpVersion(),
          io.fabric8.mockwebserver.dsl.HttpMethod.GET, "/api/v1/pods", request.getHeaders(), new Buffer()));
      PodList list = JSON.unmarshal(all.getBody().readUtf8(), PodList.class);
      list.setItems(list.getItems().stream().filter(p -> p.getSpec() != null
          && node.equals(p.getSpec().getNodeName())).toList());
      return all.setBody(JSON.asJson(list));
    }
    return super.dispatch(request);
  }

  /** Refuses evictions of {@code pod} ({@code namespace/name}) {@code times} times, then allows them. */
  public void refuse(String pod, int times) {
    refusals.put(pod, times);
  }
}
