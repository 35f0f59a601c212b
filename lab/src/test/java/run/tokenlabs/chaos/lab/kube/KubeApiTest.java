package run.tokenlabs.chaos.lab.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab's API server as a client outside the JVM sees it, through the kubeconfig's URL. */
class KubeApiTest {
  private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  static Path dir;
  static KubeApi api;
  static KubernetesClient client;

  @BeforeAll
  static void start() throws IOException {
    api = new KubeApi(dir);
    client = api.client();
    client.pods().inNamespace("ns").resource(new PodBuilder().withNewMetadata().withName("web-1").endMetadata()
        .withNewSpec().withNodeName("node-a").addNewContainer().withName("c").withImage("img").endContainer()
        .endSpec().withNewStatus().withPhase("Running").withPodIP("10.1.2.3").addNewContainerStatus().withName("c")
        .withReady(true).withRestartCount(2).endContainerStatus().endStatus().build()).create();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  @DisplayName("the kubeconfig names the front, which serves /version and JSON with its Content-Type")
  void versionAndContentType() throws Exception {
    assertThat(java.nio.file.Files.readString(api.kubeconfig())).contains("server: " + api.url());

    HttpResponse<String> version = get("/version", "application/json");
    HttpResponse<String> pods = get("/api/v1/namespaces/ns/pods",
        "application/vnd.kubernetes.protobuf,application/json");

    assertThat(JSON.readTree(version.body()).path("gitVersion").asText()).startsWith("v1.32.");
    assertThat(version.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(pods.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(JSON.readTree(pods.body()).path("kind").asText()).isEqualTo("PodList");
  }

  @Test
  @DisplayName("a pod list and a single pod come as Tables with the -o wide columns filled")
  void podTables() throws Exception {
    JsonNode list = JSON.readTree(get("/api/v1/namespaces/ns/pods", TABLE).body());
    JsonNode one = JSON.readTree(get("/api/v1/namespaces/ns/pods/web-1", TABLE).body());

    assertThat(list.path("kind").asText()).isEqualTo("Table");
    assertThat(list.path("columnDefinitions")).extracting(c -> c.path("name").asText())
        .containsExactly("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node",
            "Readiness Gates");
    assertThat(cells(list.path("rows").get(0))).containsSubsequence("web-1", "1/1", "Running", "2")
        .contains("10.1.2.3", "node-a");
    assertThat(cells(one.path("rows").get(0))).hasSize(9).containsSubsequence("web-1", "1/1", "Running", "2")
        .contains("10.1.2.3", "node-a");
    assertThat(one.path("rows").get(0).path("object").path("metadata").path("name").asText()).isEqualTo("web-1");
  }

  @Test
  @DisplayName("an unknown object is a NotFound Status that names it")
  void notFound() throws Exception {
    HttpResponse<String> r = get("/api/v1/namespaces/ns/pods/nope", "application/json");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).path("message").asText()).isEqualTo("pods \"nope\" not found");
    assertThat(JSON.readTree(r.body()).path("reason").asText()).isEqualTo("NotFound");
  }

  @Test
  @DisplayName("field selectors filter events by their involved object, as kubectl describe asks")
  void fieldSelectors() throws Exception {
    for (String name : List.of("a", "b")) {
      client.v1().events().inNamespace("ev").resource(new EventBuilder().withNewMetadata().withName(name + ".1")
          .endMetadata().withNewInvolvedObject().withKind("Pod").withName(name).withNamespace("ev")
          .endInvolvedObject().withReason("Started").withType("Normal").withMessage("started " + name).build())
          .create();
    }
    String selector = URLEncoder.encode("involvedObject.name=b,involvedObject.namespace=ev", StandardCharsets.UTF_8);

    JsonNode events = JSON.readTree(get("/api/v1/namespaces/ev/events?fieldSelector=" + selector,
        "application/json").body());
    JsonNode notB = JSON.readTree(get("/api/v1/namespaces/ev/events?fieldSelector="
        + URLEncoder.encode("involvedObject.name!=b", StandardCharsets.UTF_8), TABLE).body());

    assertThat(events.path("kind").asText()).isEqualTo("EventList");
    assertThat(events.path("items")).extracting(e -> e.path("message").asText()).containsExactly("started b");
    assertThat(notB.path("rows")).extracting(r -> r.path("cells").get(3).asText()).containsExactly("pod/a");
  }

  @Test
  @DisplayName("with fieldValidation=Strict an unknown field is refused as the API server words it; else stored")
  void strictFieldValidation() throws Exception {
    String bad = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},\"dta\":{\"a\":\"1\"}}";
    String good = bad.replace("\"dta\"", "\"data\"");

    HttpResponse<String> refused = post("/api/v1/namespaces/strict/configmaps?fieldValidation=Strict", bad);
    HttpResponse<String> created = post("/api/v1/namespaces/strict/configmaps?fieldValidation=Strict", good);

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(refused.body()).path("message").asText())
        .isEqualTo("strict decoding error: unknown field \"dta\"");
    assertThat(created.statusCode()).as(created.body()).isBetween(200, 201);
    assertThat(client.configMaps().inNamespace("strict").withName("cm").get().getData()).containsEntry("a", "1");
  }

  @Test
  @DisplayName("kubectl apply's patches: a strategic merge patch updates in place, a server-side apply creates")
  void applyPatches() throws Exception {
    client.configMaps().inNamespace("apply").resource(new ConfigMapBuilder().withNewMetadata().withName("cm")
        .addToLabels("keep", "yes").endMetadata().addToData("a", "1").addToData("b", "2").build()).create();

    HttpResponse<String> patched = patch("/api/v1/namespaces/apply/configmaps/cm?fieldValidation=Strict",
        "application/strategic-merge-patch+json", "{\"data\":{\"a\":\"10\",\"b\":null}}");
    HttpResponse<String> created = patch("/api/v1/namespaces/apply/configmaps/new?fieldManager=kubectl",
        "application/apply-patch+yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n  namespace: apply\ndata:\n  x: \"1\"\n");
    HttpResponse<String> typo = patch("/api/v1/namespaces/apply/configmaps/cm?fieldValidation=Strict",
        "application/strategic-merge-patch+json", "{\"dta\":{\"a\":\"11\"}}");

    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    var cm = client.configMaps().inNamespace("apply").withName("cm").get();
    assertThat(cm.getData()).containsExactly(java.util.Map.entry("a", "10"));
    assertThat(cm.getMetadata().getLabels()).containsEntry("keep", "yes");
    assertThat(created.statusCode()).as(created.body()).isBetween(200, 201);
    assertThat(client.configMaps().inNamespace("apply").withName("new").get().getData()).containsEntry("x", "1");
    assertThat(typo.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(typo.body()).path("message").asText()).contains("unknown field \"dta\"");
  }

  @Test
  @DisplayName("OpenAPI v3 tells kubectl that PATCH of a Pod takes fieldValidation")
  void openApiV3() throws Exception {
    JsonNode root = JSON.readTree(get("/openapi/v3", "application/json").body());
    String url = root.path("paths").path("api/v1").path("serverRelativeURL").asText();

    JsonNode doc = JSON.readTree(get(url, "application/json").body());
    JsonNode patch = doc.path("paths").path("/api/v1/namespaces/{namespace}/pods/{name}").path("patch");

    assertThat(url).startsWith("/openapi/v3/api/v1?hash=");
    assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asText()).isEqualTo("Pod");
    assertThat(patch.path("parameters")).extracting(p -> p.path("name").asText()).contains("fieldValidation");
  }

  @Test
  @DisplayName("a watch over plain HTTP from a resource version sends what changed after it, not the replay")
  void httpWatch() throws Exception {
    String rv = client.configMaps().inNamespace("w").list().getMetadata().getResourceVersion();
    client.configMaps().inNamespace("w").resource(new ConfigMapBuilder().withNewMetadata().withName("before")
        .endMetadata().build()).create();
    String fromHere = client.configMaps().inNamespace("w").list().getMetadata().getResourceVersion();
    HttpRequest watch = HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/namespaces/w/configmaps?watch=true"
        + "&timeoutSeconds=5&resourceVersion=" + fromHere)).header("Accept", "application/json").build();

    HttpResponse<InputStream> stream = HTTP.send(watch, HttpResponse.BodyHandlers.ofInputStream());
    client.configMaps().inNamespace("w").resource(new ConfigMapBuilder().withNewMetadata().withName("after")
        .endMetadata().build()).create();
    List<JsonNode> events = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null && events.isEmpty(); line = lines.readLine()) {
        if (!line.isBlank()) {
          events.add(JSON.readTree(line));
        }
      }
    }

    assertThat(rv).isNotEqualTo(fromHere);
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(events).as("first event of a watch from resourceVersion %s", fromHere).hasSize(1);
    assertThat(events.get(0).path("type").asText()).isEqualTo("ADDED");
    assertThat(events.get(0).path("object").path("metadata").path("name").asText()).isEqualTo("after");
  }

  private static List<String> cells(JsonNode row) {
    List<String> out = new ArrayList<>();
    row.path("cells").forEach(c -> out.add(c.asText()));
    return out;
  }

  private static HttpResponse<String> get(String path, String accept) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(api.url() + path)).header("Accept", accept).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> patch(String path, String type, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(api.url() + path)).header("Content-Type", type)
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(api.url() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
