package run.tokenlabs.chaos.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the blast radius reads a request: its namespace, whether it changes something, whether it removes a pod. */
class ApiRequestTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      // method | path                                                        | namespace  | mutating | one pod | pod collection
      "GET      | /api/v1/namespaces/token-labs/pods?labelSelector=app%3Dx    | token-labs | false    | false   | false",
      "DELETE   | /api/v1/namespaces/token-labs/pods/llama-0                  | token-labs | true     | true    | false",
      "POST     | /api/v1/namespaces/token-labs/pods/llama-0/eviction         | token-labs | true     | true    | false",
      "DELETE   | /api/v1/namespaces/token-labs/pods?labelSelector=app%3Dx    | token-labs | true     | false   | true",
      "GET      | /api/v1/namespaces/token-labs/pods/llama-0/exec?command=sh  | token-labs | true     | false   | false",
      "PATCH    | /apis/apps/v1/namespaces/token-labs/deployments/llama/scale | token-labs | true     | false   | false",
      "PATCH    | /api/v1/namespaces/token-labs                               | ''         | true     | false   | false",
      "PUT      | /api/v1/namespaces/token-labs/finalize                      | ''         | true     | false   | false",
      "PATCH    | /api/v1/nodes/gpu-0                                         | ''         | true     | false   | false",
      "POST     | /apis/rbac.authorization.k8s.io/v1/clusterroles             | ''         | true     | false   | false",
      "GET      | /version                                                    | ''         | false    | false   | false",
      "POST     | /api                                                        | ''         | true     | false   | false",
  })
  void reads(String method, String path, String namespace, boolean mutating, boolean onePod, boolean collection) {
    ApiRequest request = ApiRequest.of(method, URI.create("https://k:6443" + path));

    assertThat(request.namespace()).isEqualTo(namespace);
    assertThat(request.clusterScoped()).isEqualTo(namespace.isEmpty());
    assertThat(request.mutating()).isEqualTo(mutating);
    assertThat(request.disruptsOnePod()).isEqualTo(onePod);
    assertThat(request.deletesPodCollection()).isEqualTo(collection);
  }
}
