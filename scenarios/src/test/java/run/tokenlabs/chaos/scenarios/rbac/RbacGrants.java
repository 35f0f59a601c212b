package run.tokenlabs.chaos.scenarios.rbac;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import run.tokenlabs.chaos.scenarios.lab.LabTargetApiCall;

/**
 * What a ServiceAccount bound to one Role and one ClusterRole may do, rule by rule, applied to
 * recorded API calls as the RBAC authorizer applies it: a Role grants in its namespace only, a
 * ClusterRole (through a ClusterRoleBinding) everywhere; {@code *} matches anything and
 * {@code pods/*} every subresource of pods. Rules with resourceNames are refused: a recorded call
 * carries no object name to compare.
 */
final class RbacGrants {
  /** One verb on one resource of one group, granted in {@code namespace} ({@code ""}: cluster-wide), by {@code source}. */
  record Permission(String source, String namespace, String group, String resource, String verb) {
    boolean allows(LabTargetApiCall call) {
      boolean inScope = namespace.isEmpty() || (!call.clusterScoped() && namespace.equals(call.namespace()));
      return inScope && matches(group, call.group()) && matches(verb, call.verb()) && resourceMatches(call);
    }

    private boolean resourceMatches(LabTargetApiCall call) {
      return resource.equals("*") || resource.equals(call.ruleResource())
          || (resource.endsWith("/*") && !call.subresource().isEmpty()
              && resource.substring(0, resource.length() - 2).equals(call.resource()));
    }

    private static boolean matches(String granted, String asked) {
      return granted.equals("*") || granted.equals(asked);
    }

    @Override
    public String toString() {
      return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + " (" + source + ")";
    }
  }

  private final List<Permission> permissions;

  private RbacGrants(List<Permission> permissions) {
    this.permissions = permissions;
  }

  static RbacGrants of(Role role, ClusterRole clusterRole) {
    return of(List.of(role), clusterRole);
  }

  /** The Roles' grants, each in its own namespace, and the ClusterRole's. */
  static RbacGrants of(List<Role> roles, ClusterRole clusterRole) {
    return of(roles, List.of(clusterRole));
  }

  /** The Roles' grants, each in its own namespace, and the ClusterRoles', cluster-wide. */
  static RbacGrants of(List<Role> roles, List<ClusterRole> clusterRoles) {
    List<Permission> permissions = new ArrayList<>();
    for (Role role : roles) {
      expand("Role " + role.getMetadata().getNamespace() + "/" + role.getMetadata().getName(),
          role.getMetadata().getNamespace(), role.getRules(), permissions);
    }
    for (ClusterRole clusterRole : clusterRoles) {
      expand("ClusterRole " + clusterRole.getMetadata().getName(), "", clusterRole.getRules(), permissions);
    }
    return new RbacGrants(permissions);
  }

  private static void expand(String source, String namespace, List<PolicyRule> rules, List<Permission> out) {
    for (PolicyRule rule : rules) {
      if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
        throw new IllegalArgumentException(source + " has a rule with resourceNames " + rule.getResourceNames()
            + ", which recorded calls cannot be checked against; grant by resource or extend this check");
      }
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            out.add(new Permission(source, namespace, group, resource, verb));
          }
        }
      }
    }
  }

  boolean allows(LabTargetApiCall call) {
    return permissions.stream().anyMatch(p -> p.allows(call));
  }

  /** The calls no permission allows. */
  List<LabTargetApiCall> denied(Collection<LabTargetApiCall> calls) {
    return calls.stream().filter(c -> !allows(c)).toList();
  }

  /** The permissions no call used: granted for nothing the code does. */
  List<Permission> unused(Collection<LabTargetApiCall> calls) {
    return permissions.stream().filter(p -> calls.stream().noneMatch(p::allows)).toList();
  }
}
