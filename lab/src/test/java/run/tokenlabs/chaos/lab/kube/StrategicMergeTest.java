package run.tokenlabs.chaos.lab.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StrategicMergeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String DEPLOYMENT = """
      {"metadata":{"name":"d","labels":{"app":"x","tier":"web"},"finalizers":["a"]},
       "spec":{"replicas":1,"template":{"spec":{
         "containers":[{"name":"main","image":"img:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                        "ports":[{"containerPort":8000,"name":"http"}]},
                       {"name":"sidecar","image":"side:1"}],
         "tolerations":[{"key":"k1"},{"key":"k2"}]}}}}
      """;

  @Test
  @DisplayName("maps merge and null deletes a key")
  void mapsMerge() throws Exception {
    JsonNode out = StrategicMerge.apply(JSON.readTree(DEPLOYMENT),
        JSON.readTree("{\"metadata\":{\"labels\":{\"tier\":null,\"team\":\"ml\"}},\"spec\":{\"replicas\":3}}"));

    assertThat(out.at("/metadata/labels")).isEqualTo(JSON.readTree("{\"app\":\"x\",\"team\":\"ml\"}"));
    assertThat(out.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(out.at("/spec/template/spec/containers")).hasSize(2);
  }

  @Test
  @DisplayName("containers merge by name, env by name, ports by containerPort; the other container stays")
  void keyedListsMerge() throws Exception {
    JsonNode out = StrategicMerge.apply(JSON.readTree(DEPLOYMENT), JSON.readTree("""
        {"spec":{"template":{"spec":{"containers":[{"name":"main","image":"img:2",
          "env":[{"name":"B","value":"20"},{"name":"C","value":"3"}],
          "ports":[{"containerPort":8000,"protocol":"TCP"}]}]}}}}
        """));

    JsonNode main = out.at("/spec/template/spec/containers/0");
    assertThat(main.path("image").asText()).isEqualTo("img:2");
    assertThat(main.path("env")).extracting(e -> e.path("name").asText() + "=" + e.path("value").asText())
        .containsExactly("A=1", "B=20", "C=3");
    assertThat(main.at("/ports/0/name").asText()).isEqualTo("http");
    assertThat(main.at("/ports/0/protocol").asText()).isEqualTo("TCP");
    assertThat(out.at("/spec/template/spec/containers/1/name").asText()).isEqualTo("sidecar");
  }

  @Test
  @DisplayName("directives: $patch delete of an element, $setElementOrder, a keyless list replaced whole")
  void directives() throws Exception {
    JsonNode out = StrategicMerge.apply(JSON.readTree(DEPLOYMENT), JSON.readTree("""
        {"spec":{"template":{"spec":{
          "$setElementOrder/containers":[{"name":"sidecar"},{"name":"main"}],
          "containers":[{"name":"main","env":[{"name":"A","$patch":"delete"}]}],
          "tolerations":[{"key":"k3"}]}}}}
        """));

    assertThat(out.at("/spec/template/spec/containers")).extracting(c -> c.path("name").asText())
        .containsExactly("sidecar", "main");
    assertThat(out.at("/spec/template/spec/containers/1/env")).extracting(e -> e.path("name").asText())
        .containsExactly("B");
    assertThat(out.at("/spec/template/spec/tolerations")).isEqualTo(JSON.readTree("[{\"key\":\"k3\"}]"));
    assertThat(out.toString()).doesNotContain("$patch", "$setElementOrder");
  }

  @Test
  @DisplayName("finalizers merge as a set; $deleteFromPrimitiveList removes one")
  void primitiveLists() throws Exception {
    JsonNode added = StrategicMerge.apply(JSON.readTree(DEPLOYMENT),
        JSON.readTree("{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}"));
    JsonNode removed = StrategicMerge.apply(added,
        JSON.readTree("{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\"]}}"));

    assertThat(added.at("/metadata/finalizers")).isEqualTo(JSON.readTree("[\"a\",\"b\"]"));
    assertThat(removed.at("/metadata/finalizers")).isEqualTo(JSON.readTree("[\"b\"]"));
  }
}
