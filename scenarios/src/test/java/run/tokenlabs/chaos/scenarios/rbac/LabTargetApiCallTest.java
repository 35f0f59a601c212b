package run.tokenlabs.chaos.scenarios.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import run.tokenlabs.chaos.scenarios.lab.LabTargetApiCall;

/** Request lines read as the API server's authorizer reads them: verb, group, resource, subresource, namespace. */
class LabTargetApiCallTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @DisplayName("Each request maps to the RBAC verb and resource it needs")
  @CsvSource(delimiter = '|', textBlock = """
      GET    | /api/v1/namespaces/token-labs/pods?labelSelector=app%3Dx       | list pods in token-labs
      GET    | /api/v1/namespaces/token-labs/pods?watch=true&resourceVersion=1 | watch pods in token-labs
      GET    | /api/v1/namespaces/token-labs/pods/deepseek-0                   | get pods in token-labs
      DELETE | /api/v1/namespaces/token-labs/pods/deepseek-0                   | delete pods in token-labs
      DELETE | /api/v1/namespaces/token-labs/pods?labelSelector=app%3Dx       | deletecollection pods in token-labs
      POST   | /api/v1/namespaces/token-labs/pods                              | create pods in token-labs
      PATCH  | /api/v1/namespaces/token-labs/pods/deepseek-0/status            | patch pods/status in token-labs
      POST   | /api/v1/namespaces/token-labs/pods/deepseek-0/eviction          | create pods/eviction in token-labs
      PUT    | /apis/apps/v1/namespaces/token-labs/deployments/llama/scale     | update apps/deployments/scale in token-labs
      GET    | /api/v1/namespaces/token-labs                                   | get namespaces (cluster-scoped)
      PUT    | /api/v1/namespaces/token-labs/finalize                          | update namespaces/finalize (cluster-scoped)
      GET    | /api/v1/namespaces                                              | list namespaces (cluster-scoped)
      GET    | /api/v1/namespaces/token-labs/endpoints/deepseek-r1-7b          | get endpoints in token-labs
      GET    | /apis/events.k8s.io/v1/namespaces/token-labs/events             | list events.k8s.io/events in token-labs
      """)
  void parses(String method, String path, String expected) {
    assertThat(LabTargetApiCall.of(method, URI.create("http://127.0.0.1:1" + path))).map(LabTargetApiCall::toString)
        .contains(expected);
  }

  @Test
  @DisplayName("A websocket exec needs get and, on API servers from 1.35 on, create of pods/exec")
  void execNeedsGetAndCreate() {
    assertThat(LabTargetApiCall.all("GET", URI.create("http://127.0.0.1:1/api/v1/namespaces/gpu-operator/pods/"
        + "dcgm-0/exec?command=dcgmi&container=c&stdout=true"))).map(LabTargetApiCall::toString)
        .containsExactly("get pods/exec in gpu-operator", "create pods/exec in gpu-operator");
    assertThat(LabTargetApiCall.all("GET", URI.create("http://127.0.0.1:1/api/v1/namespaces/token-labs/pods/p")))
        .map(LabTargetApiCall::toString).containsExactly("get pods in token-labs");
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("Discovery and version requests are not resource requests")
  @CsvSource({"/api", "/api/v1", "/apis", "/apis/apps/v1", "/version", "/openapi/v2"})
  void nonResource(String path) {
    assertThat(LabTargetApiCall.of("GET", URI.create("http://127.0.0.1:1" + path))).isEqualTo(Optional.empty());
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("A call survives the log line format")
  @CsvSource({"/api/v1/namespaces/token-labs/pods/p", "/api/v1/namespaces/token-labs", "/apis/apps/v1/namespaces/n/deployments"})
  void lineRoundTrip(String path) {
    LabTargetApiCall call = LabTargetApiCall.of("GET", URI.create("http://h" + path)).orElseThrow();

    assertThat(LabTargetApiCall.fromLine(call.toLine())).isEqualTo(call);
  }
}
