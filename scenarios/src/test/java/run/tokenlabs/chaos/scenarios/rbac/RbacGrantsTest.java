package run.tokenlabs.chaos.scenarios.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.scenarios.lab.LabTargetApiCall;

/** The RBAC check of recorded calls: scope, wildcards, subresources, and what nothing used. */
class RbacGrantsTest {
  private final Role role = new RoleBuilder().withNewMetadata().withName("r").withNamespace("token-labs").endMetadata()
      .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "delete").endRule()
      .addNewRule().withApiGroups("apps").withResources("deployments/*").withVerbs("update").endRule()
      .build();
  private final ClusterRole clusterRole = new ClusterRoleBuilder().withNewMetadata().withName("c").endMetadata()
      .addNewRule().withApiGroups("").withResources("namespaces").withVerbs("get").endRule()
      .build();
  private final RbacGrants grants = RbacGrants.of(role, clusterRole);

  private static LabTargetApiCall call(String method, String path) {
    return LabTargetApiCall.of(method, URI.create("http://h" + path)).orElseThrow();
  }

  @Test
  @DisplayName("A Role grants in its namespace only; a ClusterRole grants cluster-scoped calls")
  void scope() {
    assertThat(grants.allows(call("DELETE", "/api/v1/namespaces/token-labs/pods/p"))).isTrue();
    assertThat(grants.allows(call("DELETE", "/api/v1/namespaces/kube-system/pods/p"))).isFalse();
    assertThat(grants.allows(call("GET", "/api/v1/namespaces/kube-system"))).isTrue();
    assertThat(grants.allows(call("GET", "/api/v1/namespaces/token-labs/pods"))).as("list is not get").isFalse();
  }

  @Test
  @DisplayName("resource/* grants subresources, not the resource itself")
  void subresources() {
    assertThat(grants.allows(call("PUT", "/apis/apps/v1/namespaces/token-labs/deployments/d/scale"))).isTrue();
    assertThat(grants.allows(call("PUT", "/apis/apps/v1/namespaces/token-labs/deployments/d"))).isFalse();
    assertThat(grants.allows(call("GET", "/api/v1/namespaces/token-labs/pods/p/log"))).isFalse();
  }

  @Test
  @DisplayName("Denied calls and unused permissions are both named")
  void deniedAndUnused() {
    List<LabTargetApiCall> calls = List.of(call("GET", "/api/v1/namespaces/token-labs/pods/p"),
        call("POST", "/api/v1/namespaces/token-labs/pods"), call("GET", "/api/v1/namespaces/token-labs"));

    assertThat(grants.denied(calls)).extracting(LabTargetApiCall::toString).containsExactly("create pods in token-labs");
    assertThat(grants.unused(calls)).extracting(RbacGrants.Permission::toString)
        .containsExactly("delete pods (Role token-labs/r)", "update apps/deployments/* (Role token-labs/r)");
  }

  @Test
  @DisplayName("A rule with resourceNames cannot be checked and is refused, naming the role")
  void resourceNamesRefused() {
    Role named = new RoleBuilder(role).editFirstRule().withResourceNames("p").endRule().build();

    assertThatThrownBy(() -> RbacGrants.of(named, clusterRole)).hasMessageStartingWith("Role token-labs/r has a rule "
        + "with resourceNames [p]");
  }
}
