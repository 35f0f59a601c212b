package run.tokenlabs.chaos.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.api.Secret;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;

/** Configuration: defaults, YAML, property overrides, and one test per error message. */
class ConfigLoaderTest {
  @TempDir
  Path dir;
  final Map<String, String> props = new HashMap<>();

  final Properties system = new Properties();

  ChaosConfig load() {
    return ConfigLoader.load(k -> Optional.ofNullable(props.get(k)), system);
  }

  @Test
  @DisplayName("The default journal.dir is the build directory's chaos-journal when the build names it; a configured one wins")
  void journalDirDefaultsToTheModulesBuildDirectory() {
    assertThat(load().journalDir()).isEqualTo(Path.of("target", "chaos-journal"));

    props.put(ConfigLoader.BUILD_DIRECTORY_PROPERTY, "/builds/scenarios/target");
    assertThat(load().journalDir()).isEqualTo(Path.of("/builds/scenarios/target/chaos-journal"));

    props.put(ConfigLoader.PREFIX + "journal.dir", "/var/lib/chaos");
    assertThat(load().journalDir()).isEqualTo(Path.of("/var/lib/chaos"));
  }

  Path yaml(String text) throws IOException {
    Path file = dir.resolve("tokenlabs-chaos.yaml");
    Files.writeString(file, text);
    props.put("tokenlabs.chaos.config", file.toString());
    return file;
  }

  @Test
  @DisplayName("Without a file the defaults target the lab, in token-labs and gpu-operator, with 90 s recovery")
  void defaults() {
    ChaosConfig config = load();

    assertThat(config.target()).isEqualTo("lab");
    assertThat(config.labProfile()).isEqualTo("gb10");
    assertThat(config.allowedNamespaces()).containsExactly("token-labs", "gpu-operator");
    assertThat(config.recoveryTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.probeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.dryRun()).isFalse();
    assertThat(config.chaosProfileActive()).isFalse();
    assertThat(config.source()).isEmpty();
    assertThat(config.prometheus().maxResponseBytes()).isEqualTo(32L << 20);
    assertThat(config.kubernetes().maxResponseBytes()).isEqualTo(32L << 20);
  }

  @Test
  @DisplayName("pushgateway.url is optional; with it, results go to that URL under the configured or default job")
  void pushgateway() throws IOException {
    assertThat(load().pushgateway().url()).isEmpty();
    assertThat(load().pushgateway().job()).isEqualTo("tokenlabs-chaos-gameday");

    yaml("""
        pushgateway:
          url: http://pushgateway.monitoring:9091
          job: nightly-gameday
        """);
    assertThat(load().pushgateway().url()).contains(java.net.URI.create("http://pushgateway.monitoring:9091"));
    assertThat(load().pushgateway().job()).isEqualTo("nightly-gameday");

    props.put("tokenlabs.chaos.pushgateway.url", "pushgateway:9091");
    assertThatThrownBy(this::load).hasMessageStartingWith("pushgateway.url: ");
  }

  @Test
  @DisplayName("The webhook URL is named by file or variable, read when asked for, never both")
  void webhook() throws IOException {
    assertThat(load().webhook().readUrl()).isEmpty();

    Path file = dir.resolve("webhook-url");
    Files.writeString(file, "https://hooks.example.com/services/T0/B0/xyz\n");
    props.put("tokenlabs.chaos.webhook.urlFile", file.toString());
    assertThat(load().webhook().readUrl()).hasValueSatisfying(
        url -> assertThat(url.reveal()).isEqualTo("https://hooks.example.com/services/T0/B0/xyz"));

    props.put("tokenlabs.chaos.webhook.urlEnv", "TOKENLABS_TEST_UNSET_WEBHOOK");
    assertThatThrownBy(this::load).hasMessageStartingWith("webhook.urlEnv: both webhook.urlFile and webhook.urlEnv are set");
    props.remove("tokenlabs.chaos.webhook.urlFile");
    assertThatThrownBy(() -> load().webhook().readUrl())
        .hasMessageContaining("environment variable 'TOKENLABS_TEST_UNSET_WEBHOOK' is not set or empty");
  }

  @Test
  @DisplayName("Response bounds read as bytes or with a binary unit, and reach the Prometheus endpoint")
  void responseBounds() throws IOException {
    yaml("""
        prometheus:
          url: http://127.0.0.1:9090
          maxResponseBytes: 64MiB
        """);
    props.put("tokenlabs.chaos.kubernetes.maxResponseBytes", "1048576");

    ChaosConfig config = load();

    assertThat(config.prometheusEndpoint().orElseThrow().maxResponseBytes()).isEqualTo(64L << 20);
    assertThat(config.kubernetes().maxResponseBytes()).isEqualTo(1L << 20);
  }

  @Test
  @DisplayName("A bad response bound names the key, the value and the accepted form")
  void badResponseBound() {
    props.put("tokenlabs.chaos.prometheus.maxResponseBytes", "32MB");
    assertThatThrownBy(this::load).hasMessage("prometheus.maxResponseBytes: not a size (value '32MB' from system "
        + "property tokenlabs.chaos.prometheus.maxResponseBytes); " + ByteSizeParser.ACCEPTED);

    props.put("tokenlabs.chaos.prometheus.maxResponseBytes", "0");
    assertThatThrownBy(this::load).hasMessageStartingWith("prometheus.maxResponseBytes: not positive");

    props.put("tokenlabs.chaos.prometheus.maxResponseBytes", "99999999999999999GiB");
    assertThatThrownBy(this::load).hasMessageStartingWith("prometheus.maxResponseBytes: too large");
  }

  @Test
  @DisplayName("A full cluster file is read, and a system property overrides one key")
  void fullFileWithOverride() throws IOException {
    yaml("""
        target: cluster
        prometheus:
          url: https://prometheus.monitoring:9090
          bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
          caFile: /etc/ssl/prom-ca.pem
        kubernetes:
          context: spark-prod
          allowedContexts: [spark-prod, spark-staging]
        namespaces:
          allowed: [token-labs]
        dryRun: true
        recoveryTimeout: 2m
        probeTimeout: 500ms
        journal:
          dir: /var/lib/chaos
        endpoints:
          gateway: http://envoy.token-labs:8080
          models:
            deepseek-r1-7b: http://deepseek.token-labs:8000
          dcgmExporters:
            - http://spark-01:9400/metrics
        """);
    props.put("tokenlabs.chaos.recoveryTimeout", "PT45S");
    props.put("tokenlabs.chaos.profile", "chaos");

    ChaosConfig config = load();

    assertThat(config.target()).isEqualTo("cluster");
    assertThat(config.prometheus().url()).contains(URI.create("https://prometheus.monitoring:9090"));
    assertThat(config.prometheus().bearerTokenFile()).contains(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"));
    assertThat(config.kubernetes().context()).contains("spark-prod");
    assertThat(config.kubernetes().allowedContexts()).containsExactly("spark-prod", "spark-staging");
    assertThat(config.dryRun()).isTrue();
    assertThat(config.recoveryTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.probeTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.journalDir()).isEqualTo(Path.of("/var/lib/chaos"));
    assertThat(config.endpoints().models()).containsEntry("deepseek-r1-7b", URI.create("http://deepseek.token-labs:8000"));
    assertThat(config.endpoints().dcgmExporters()).containsExactly(URI.create("http://spark-01:9400/metrics"));
    assertThat(config.chaosProfileActive()).isTrue();
  }

  @Test
  @DisplayName("A misspelt key is refused with its line and the known keys of its section")
  void unknownKey() throws IOException {
    yaml("""
        target: lab
        prometheus:
          urll: http://localhost:9090
        """);

    assertThatThrownBy(this::load).isInstanceOf(ChaosConfigException.class)
        .hasMessage("unknown key 'prometheus.urll' at tokenlabs-chaos.yaml:3; known keys under 'prometheus': "
            + "basicAuth, bearerTokenEnv, bearerTokenFile, caFile, maxResponseBytes, url");
  }

  @Test
  @DisplayName("A bad duration names key, file:line, value and the accepted form")
  void badDuration() throws IOException {
    yaml("""
        target: lab

        recoveryTimeout: 90 sec
        """);

    assertThatThrownBy(this::load).hasMessage("recoveryTimeout: not a duration (value '90 sec' from "
        + "tokenlabs-chaos.yaml:3); use a positive duration like 90s, 2m, 500ms, 1h or ISO-8601 PT90S");
  }

  @Test
  @DisplayName("A bad value from a system property names the property")
  void badPropertyValue() {
    props.put("tokenlabs.chaos.dryRun", "yes");

    assertThatThrownBy(this::load).hasMessage("dryRun: not a boolean (value 'yes' from system property "
        + "tokenlabs.chaos.dryRun); use true or false");
  }

  @Test
  @DisplayName("A relative or non-http Prometheus URL is refused")
  void badUrl() throws IOException {
    yaml("prometheus:\n  url: prometheus:9090\n");

    assertThatThrownBy(this::load).hasMessage("prometheus.url: 'prometheus:9090' from tokenlabs-chaos.yaml:2 is "
        + "not an absolute http(s) URL; write e.g. http://prometheus.monitoring:9090");
  }

  @Test
  @DisplayName("kube-system in namespaces.allowed is refused")
  void kubeSystemNotAllowed() throws IOException {
    yaml("namespaces:\n  allowed: [token-labs, kube-system]\n");

    assertThatThrownBy(this::load).hasMessage("namespaces.allowed: kube-system may never be a chaos target "
        + "(value 'token-labs,kube-system' from tokenlabs-chaos.yaml:2); remove it from namespaces.allowed");
  }

  @Test
  @DisplayName("A namespace that is not a DNS label is refused")
  void badNamespace() {
    props.put("tokenlabs.chaos.namespaces.allowed", "Token_Labs");

    assertThatThrownBy(this::load).hasMessageStartingWith("namespaces.allowed: 'Token_Labs' is not a Kubernetes namespace name");
  }

  @Test
  @DisplayName("A cluster target without namespaces.allowed is refused")
  void clusterNeedsNamespaces() {
    props.put("tokenlabs.chaos.target", "cluster");

    assertThatThrownBy(this::load).hasMessageStartingWith("namespaces.allowed: not set, and a 'cluster' target needs it");
  }

  @Test
  @DisplayName("kubernetes.allowedNodes: none on a cluster unless listed; the lab's own nodes on the lab; a bad name is refused")
  void allowedNodes() {
    props.put("tokenlabs.chaos.target", "cluster");
    props.put("tokenlabs.chaos.namespaces.allowed", "token-labs");
    assertThat(load().kubernetes().allowedNodes()).isEmpty();
    props.put("tokenlabs.chaos.kubernetes.allowedNodes", "gpu-node-7.example,gpu-node-8");
    assertThat(load().kubernetes().allowedNodes()).containsExactly("gpu-node-7.example", "gpu-node-8");

    props.clear();
    assertThat(load().kubernetes().allowedNodes()).containsExactly("spark-01", "spark-02");
    props.put("tokenlabs.chaos.lab.profile", "h200");
    assertThat(load().kubernetes().allowedNodes()).containsExactly("h200-node-01", "h200-node-02");
    props.put("tokenlabs.chaos.kubernetes.allowedNodes", "Spark_01");
    assertThatThrownBy(this::load).hasMessageStartingWith("kubernetes.allowedNodes: 'Spark_01' is not a Kubernetes node name");
  }

  @Test
  @DisplayName("Both token sources at once are refused")
  void twoTokenSources() throws IOException {
    yaml("prometheus:\n  url: http://p:9090\n  bearerTokenFile: /t\n  bearerTokenEnv: PROM_TOKEN\n");

    assertThatThrownBy(this::load).hasMessage("prometheus.bearerTokenEnv: both prometheus.bearerTokenFile and "
        + "prometheus.bearerTokenEnv are set (value 'PROM_TOKEN' from tokenlabs-chaos.yaml:4); set only one of them");
  }

  @Test
  @DisplayName("Basic auth without its password variable is refused")
  void basicAuthIncomplete() throws IOException {
    yaml("prometheus:\n  basicAuth:\n    username: sre\n");

    assertThatThrownBy(this::load).hasMessageStartingWith("prometheus.basicAuth.username: basic auth needs both "
        + "username and passwordEnv (value 'sre' from tokenlabs-chaos.yaml:3)");
  }

  @Test
  @DisplayName("Broken YAML is reported with its line")
  void brokenYaml() throws IOException {
    yaml("target: lab\nprometheus:\n  url: [unclosed\n");

    assertThatThrownBy(this::load).hasMessageStartingWith("tokenlabs-chaos.yaml:").hasMessageContaining("not valid YAML");
  }

  @Test
  @DisplayName("A relative config path is read from the directory the build was started in")
  void relativeConfigAgainstBasedir() throws IOException {
    Files.writeString(dir.resolve("cluster.yaml"), "dryRun: true\n");
    props.put("tokenlabs.chaos.basedir", dir.toString());
    props.put("tokenlabs.chaos.config", "cluster.yaml");

    ChaosConfig config = load();

    assertThat(config.dryRun()).isTrue();
    assertThat(config.source()).contains(dir.resolve("cluster.yaml"));
  }

  @Test
  @DisplayName("A missing config file is refused, saying how to fix it")
  void missingFile() {
    props.put("tokenlabs.chaos.config", dir.resolve("nope.yaml").toString());

    assertThatThrownBy(this::load).hasMessageContaining("does not exist or is not a file")
        .hasMessageContaining("leave the property unset to use the defaults");
  }

  @Test
  @DisplayName("A file that is a list, not a mapping, is refused")
  void notAMapping() throws IOException {
    yaml("- target\n- lab\n");

    assertThatThrownBy(this::load).hasMessageContaining("the configuration must be a YAML mapping of keys");
  }

  @Test
  @DisplayName("Models from a property are name=url pairs; a bad pair is refused")
  void modelsProperty() {
    props.put("tokenlabs.chaos.endpoints.models", "a=http://h:1, b=http://h:2");
    assertThat(load().endpoints().models()).containsOnlyKeys("a", "b");

    props.put("tokenlabs.chaos.endpoints.models", "a http://h:1");
    assertThatThrownBy(this::load).hasMessageContaining("'a http://h:1' is not name=url");
  }

  @Test
  @DisplayName("A token variable that is not set fails when the client is built, naming the variable; the value never prints")
  void tokenEnvMissing() {
    props.put("tokenlabs.chaos.prometheus.url", "https://p:9090");
    props.put("tokenlabs.chaos.prometheus.bearerTokenEnv", "TOKENLABS_TEST_UNSET_VARIABLE");

    assertThatThrownBy(() -> load().prometheusEndpoint()).hasMessage("prometheus.bearerTokenEnv: environment variable "
        + "'TOKENLABS_TEST_UNSET_VARIABLE' is not set or empty; export it before the run or remove the key");
  }

  @Test
  @DisplayName("A token read from a file is a Secret that prints as ****")
  void tokenFromFileIsSecret() throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "s3cr3t-token\n");
    props.put("tokenlabs.chaos.prometheus.url", "https://p:9090");
    props.put("tokenlabs.chaos.prometheus.bearerTokenFile", token.toString());

    var endpoint = load().prometheusEndpoint().orElseThrow();

    assertThat(endpoint.bearerToken().orElseThrow().reveal()).isEqualTo("s3cr3t-token");
    assertThat(endpoint.toString()).doesNotContain("s3cr3t").contains("****");
  }

  @Test
  @DisplayName("The blast-radius and server-pinning keys: defaults, normal forms, and refusals naming the key")
  void blastRadiusAndPins() {
    assertThat(load().kubernetes().maxPodsPerRun()).isEqualTo(7);
    assertThat(load().kubernetes().allowedServers()).isEmpty();

    props.put("tokenlabs.chaos.kubernetes.maxPodsPerRun", "2");
    props.put("tokenlabs.chaos.kubernetes.allowedServers", "https://API.example/, https://10.96.0.1:443");
    props.put("tokenlabs.chaos.kubernetes.allowedCaSha256",
        "71:B2:4E:25:83:78:9F:25:A9:54:C3:30:EA:86:D5:9E:66:9F:A8:07:A5:D1:0E:F4:58:B9:2E:1E:BC:C0:B6:77");
    ChaosConfig config = load();
    assertThat(config.kubernetes().maxPodsPerRun()).isEqualTo(2);
    assertThat(config.kubernetes().allowedServers()).containsExactly("https://api.example:443", "https://10.96.0.1:443");
    assertThat(config.kubernetes().allowedCaSha256())
        .containsExactly("71b24e2583789f25a954c330ea86d59e669fa807a5d10ef458b92e1ebcc0b677");

    props.put("tokenlabs.chaos.kubernetes.maxPodsPerRun", "many");
    assertThatThrownBy(this::load).hasMessageContaining("kubernetes.maxPodsPerRun").hasMessageContaining("not a count");
    props.put("tokenlabs.chaos.kubernetes.maxPodsPerRun", "1");
    props.put("tokenlabs.chaos.kubernetes.allowedCaSha256", "abc");
    assertThatThrownBy(this::load).hasMessageContaining("'abc' is not a SHA-256 fingerprint");
  }

  @Test
  @DisplayName("Every documented key is known to the loader")
  void keysAreDocumented() {
    assertThat(ConfigKeys.all()).containsAll(List.of("target", "prometheus.url", "kubernetes.allowedContexts",
        "namespaces.allowed", "dryRun", "recoveryTimeout", "journal.dir", "journal.keyFile", "prometheus.maxResponseBytes",
        "kubernetes.maxResponseBytes"));
  }

  @Test
  @DisplayName("A key given twice is refused with both lines, instead of silently keeping the last value")
  void duplicateKey() throws IOException {
    yaml("""
        dryRun: true
        target: lab
        dryRun: false
        """);

    assertThatThrownBy(this::load).isInstanceOf(ChaosConfigException.class).hasMessage("duplicate key 'dryRun' at "
        + "tokenlabs-chaos.yaml:3 (first at line 1); a YAML reader would silently keep only the last value, so the "
        + "file is refused: keep one of them");
  }

  @Test
  @DisplayName("A key given twice inside a section is refused with its dotted name")
  void duplicateNestedKey() throws IOException {
    yaml("prometheus:\n  url: https://a:9090\n  caFile: /ca.pem\n  url: https://b:9090\n");

    assertThatThrownBy(this::load).hasMessageStartingWith("duplicate key 'prometheus.url' at tokenlabs-chaos.yaml:4 "
        + "(first at line 2)");
  }

  @Test
  @DisplayName("A duration whose digits overflow a long is refused with the accepted range, not a NumberFormatException")
  void durationDigitsOverflow() throws IOException {
    yaml("recoveryTimeout: 99999999999999999999s\n");

    assertThatThrownBy(this::load).isInstanceOf(ChaosConfigException.class).hasMessage("recoveryTimeout: too long, "
        + "above the longest accepted 24h (value '99999999999999999999s' from tokenlabs-chaos.yaml:1); use a duration "
        + "from 1ms to 24h, like 90s, 2m, 500ms, 1h or ISO-8601 PT90S");
  }

  @Test
  @DisplayName("A duration that fits a long but overflows milliseconds later is refused when read")
  void durationTooLong() {
    props.put("tokenlabs.chaos.probeTimeout", "100000000h");

    assertThatThrownBy(this::load).hasMessage("probeTimeout: too long, above the longest accepted 24h (value "
        + "'100000000h' from system property tokenlabs.chaos.probeTimeout); use a duration from 1ms to 24h, like 90s, "
        + "2m, 500ms, 1h or ISO-8601 PT90S");
  }

  @Test
  @DisplayName("An ISO duration too large for java.time is refused with the range; 24h is still accepted")
  void isoDurationOverflow() {
    props.put("tokenlabs.chaos.recoveryTimeout", "PT99999999999999999999S");
    assertThatThrownBy(this::load).hasMessageStartingWith("recoveryTimeout: too long, above the longest accepted 24h");

    props.put("tokenlabs.chaos.recoveryTimeout", "P1000000000000000D");
    assertThatThrownBy(this::load).hasMessageStartingWith("recoveryTimeout: too long, above the longest accepted 24h");

    props.put("tokenlabs.chaos.recoveryTimeout", "24h");
    assertThat(load().recoveryTimeout()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  @DisplayName("A duration below a millisecond is refused; zero is not positive")
  void durationTooShort() {
    props.put("tokenlabs.chaos.probeTimeout", "PT0.0001S");
    assertThatThrownBy(this::load).hasMessageStartingWith("probeTimeout: too short, below the shortest accepted 1ms");

    props.put("tokenlabs.chaos.probeTimeout", "0s");
    assertThatThrownBy(this::load).hasMessageStartingWith("probeTimeout: not positive");
  }

  @Test
  @DisplayName("A nested list where a list of values is expected is refused, not silently dropped")
  void nestedList() throws IOException {
    yaml("""
        namespaces:
          allowed:
            - token-labs
            - [kube-system]
        """);

    assertThatThrownBy(this::load).hasMessage("namespaces.allowed: item 2 is a list, not a single value (value "
        + "'token-labs,[\"kube-system\"]' from tokenlabs-chaos.yaml:2); write a flat list of values, e.g. [a, b]");
  }

  @Test
  @DisplayName("A mapping inside a list of values is refused too")
  void mappingInList() throws IOException {
    yaml("endpoints:\n  dcgmExporters:\n    - url: http://spark-01:9400/metrics\n");

    assertThatThrownBy(this::load).hasMessageStartingWith("endpoints.dcgmExporters: item 1 is a mapping, not a single value");
  }

  @Test
  @DisplayName("A model mapped to a list instead of a URL is refused naming the model")
  void modelNotAUrl() throws IOException {
    yaml("endpoints:\n  models:\n    deepseek-r1-7b: [http://a:8000, http://b:8000]\n");

    assertThatThrownBy(this::load).hasMessageStartingWith("endpoints.models: model 'deepseek-r1-7b' maps to a list, "
        + "not a URL");
  }

  @Test
  @DisplayName("Bearer token and basic auth together are refused instead of the bearer token silently winning")
  void bearerAndBasicAuth() throws IOException {
    yaml("""
        prometheus:
          url: https://prometheus.monitoring:9090
          bearerTokenFile: /var/run/secrets/token
          basicAuth:
            username: sre
            passwordEnv: PROM_PASSWORD
        """);

    assertThatThrownBy(this::load).hasMessage("prometheus.basicAuth.username: both a bearer token "
        + "(prometheus.bearerTokenFile) and basic auth are set, and only one Authorization header can be sent (value "
        + "'sre' from tokenlabs-chaos.yaml:5); keep either the bearer token or prometheus.basicAuth, not both");
  }

  @Test
  @DisplayName("A bearer token over plain http is refused, naming https as the fix")
  void bearerOverHttp() throws IOException {
    yaml("prometheus:\n  url: http://prometheus.monitoring:9090\n  bearerTokenEnv: PROM_TOKEN\n");

    assertThatThrownBy(this::load).hasMessage("prometheus.url: prometheus.bearerTokenEnv is set, and the URL is plain "
        + "http, so the credential would cross the network unencrypted (value 'http://prometheus.monitoring:9090' from "
        + "tokenlabs-chaos.yaml:2); use https:// (plain http with a credential is allowed only to a loopback address, "
        + "with allowPlainHttpOnLoopback: true)");
  }

  @Test
  @DisplayName("A basic-auth password over plain http is refused like a bearer token")
  void passwordOverHttp() {
    props.put("tokenlabs.chaos.prometheus.url", "http://prometheus.monitoring:9090");
    props.put("tokenlabs.chaos.prometheus.basicAuth.username", "sre");
    props.put("tokenlabs.chaos.prometheus.basicAuth.passwordEnv", "PROM_PASSWORD");

    assertThatThrownBy(this::load).hasMessageStartingWith("prometheus.url: prometheus.basicAuth.passwordEnv is set, "
        + "and the URL is plain http");
  }

  @Test
  @DisplayName("Over a loopback port-forward, plain http with a token needs the documented opt-out, and only there")
  void bearerOverLoopbackNeedsOptOut() {
    props.put("tokenlabs.chaos.prometheus.url", "http://127.0.0.1:9090");
    props.put("tokenlabs.chaos.prometheus.bearerTokenEnv", "PROM_TOKEN");
    assertThatThrownBy(this::load).hasMessageEndingWith("use https://, or, for a port-forward to this machine, set "
        + "allowPlainHttpOnLoopback: true");

    props.put("tokenlabs.chaos.allowPlainHttpOnLoopback", "true");
    assertThat(load().prometheus().url()).contains(URI.create("http://127.0.0.1:9090"));

    props.put("tokenlabs.chaos.prometheus.url", "http://[::1]:9090");
    assertThat(load().prometheus().url()).contains(URI.create("http://[::1]:9090"));

    props.put("tokenlabs.chaos.prometheus.url", "http://localhost.attacker.example:9090");
    assertThatThrownBy(this::load).as("a name is not resolved, so only 'localhost' itself counts")
        .hasMessageContaining("plain http with a credential is allowed only to a loopback address");
  }

  @Test
  @DisplayName("A URL with credentials is refused, and its password never appears in the error")
  void userinfoRedactedInErrors() throws IOException {
    yaml("prometheus:\n  url: https://sre:hunter2@prometheus.monitoring:9090\n");

    assertThatThrownBy(this::load).hasMessage("prometheus.url: 'https://sre:****@prometheus.monitoring:9090' from "
        + "tokenlabs-chaos.yaml:2 carries credentials in the URL, which would be printed wherever the URL is; remove "
        + "them and use prometheus.bearerTokenFile, prometheus.bearerTokenEnv or prometheus.basicAuth.username with "
        + "passwordEnv").hasMessageNotContaining("hunter2");
  }

  @Test
  @DisplayName("Every config error that echoes a URL hides its password, whatever else is wrong with the value")
  void userinfoRedactedInOtherErrors() {
    props.put("tokenlabs.chaos.kubernetes.context", "ftp://sre:hunter2@host/x");
    props.put("tokenlabs.chaos.dryRun", "https://deploy-token@host maybe");

    assertThatThrownBy(this::load).hasMessage("dryRun: not a boolean (value 'https://****@host maybe' from system "
        + "property tokenlabs.chaos.dryRun); use true or false");
    props.remove("tokenlabs.chaos.dryRun");
    props.put("tokenlabs.chaos.endpoints.dcgmExporters", "http://a:9400/metrics,ftp://sre:p@ss@b/metrics");
    assertThatThrownBy(this::load).hasMessageContaining("ftp://sre:****@b/metrics").hasMessageNotContaining("p@ss");
  }

  @Test
  @DisplayName("A token given as a system property is refused naming the file and env forms, and removed from the properties")
  void secretSystemPropertyRefusedAndRemoved() {
    system.setProperty("tokenlabs.chaos.prometheus.bearerToken", "s3cr3t-value");
    system.setProperty("tokenlabs.chaos.prometheus.bearerTokenFile", "/var/run/secrets/token");
    system.setProperty("tokenlabs.failure1.maxTokens", "700");
    system.setProperty("sun.java.command", "Launcher -Pchaos verify -Dtokenlabs.chaos.prometheus.bearerToken=s3cr3t-value");

    assertThatThrownBy(this::load).isInstanceOf(ChaosConfigException.class)
        .hasMessageStartingWith("tokenlabs.chaos.prometheus.bearerToken: a secret may not be given as a system property")
        .hasMessageContaining("prometheus.bearerTokenFile or prometheus.bearerTokenEnv for a bearer token")
        .hasMessageNotContaining("s3cr3t-value");
    assertThat(system).as("what the test reports copy when a test class completes")
        .doesNotContainKey("tokenlabs.chaos.prometheus.bearerToken")
        .containsKeys("tokenlabs.chaos.prometheus.bearerTokenFile", "tokenlabs.failure1.maxTokens");
    assertThat(system.getProperty("sun.java.command")).as("Maven's command line, when experiments run in its JVM")
        .isEqualTo("Launcher -Pchaos verify -Dtokenlabs.chaos.prometheus.bearerToken=****");
  }

  @Test
  @DisplayName("A password in a system property's URL is refused and removed, whichever key carries it")
  void urlWithPasswordInSystemPropertyRemoved() {
    system.setProperty("tokenlabs.chaos.prometheus.url", "https://sre:hunter2@prometheus:9090");

    assertThatThrownBy(this::load).hasMessageStartingWith("tokenlabs.chaos.prometheus.url: a secret may not be given "
        + "as a system property").hasMessageContaining("Remove the credentials from the URL").hasMessageNotContaining("hunter2");
    assertThat(system).isEmpty();
  }

  @Test
  @DisplayName("URL redaction keeps the user, hides the password, and leaves URLs without userinfo alone")
  void redaction() {
    assertThat(UrlRedaction.redact("see https://user:pw@host:1/p?q=a@b and http://tok@h, mail a@b.c"))
        .isEqualTo("see https://user:****@host:1/p?q=a@b and http://****@h, mail a@b.c");
    assertThat(UrlRedaction.redact("http://host:9090/api")).isEqualTo("http://host:9090/api");
  }

  @Test
  @DisplayName("traces.kind and traces.url give the trace backend with its token file; none configured is none")
  void traceBackend() throws IOException {
    assertThat(load().traceBackendEndpoint()).isEmpty();
    Path token = Files.writeString(dir.resolve("tempo-token"), "t0ken\n");
    yaml("""
        traces:
          kind: tempo
          url: https://tempo.monitoring:3200
          bearerTokenFile: %s
          maxResponseBytes: 2MiB
        """.formatted(token));

    TraceBackendEndpoint endpoint = load().traceBackendEndpoint().orElseThrow();

    assertThat(endpoint.kind()).isEqualTo(TraceBackendEndpoint.Kind.TEMPO);
    assertThat(endpoint.url()).hasToString("https://tempo.monitoring:3200");
    assertThat(endpoint.bearerToken()).map(Secret::reveal).hasValue("t0ken");
    assertThat(endpoint.maxResponseBytes()).isEqualTo(2L << 20);
  }

  @Test
  @DisplayName("A trace backend needs both kind and URL, a known kind, and one way to give its token")
  void badTraceBackend() {
    props.put("tokenlabs.chaos.traces.url", "http://tempo:3200");
    assertThatThrownBy(this::load).hasMessageContaining("traces.url is set without traces.kind")
        .hasMessageContaining("set both: traces.kind (tempo, jaeger or zipkin)");

    props.put("tokenlabs.chaos.traces.kind", "honeycomb");
    assertThatThrownBy(this::load).hasMessageContaining("unknown trace backend 'honeycomb'")
        .hasMessageContaining("use tempo, jaeger or zipkin");

    props.put("tokenlabs.chaos.traces.kind", "jaeger");
    props.put("tokenlabs.chaos.traces.bearerTokenFile", "/var/run/token");
    props.put("tokenlabs.chaos.traces.bearerTokenEnv", "JAEGER_TOKEN");
    assertThatThrownBy(this::load).hasMessageContaining("both traces.bearerTokenFile and traces.bearerTokenEnv are set");
  }
}
