package io.ecengine.http.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One request as a handler sees it: already authenticated, routed and size-checked. */
public record Call(
    Principal principal,
    String path,
    Map<String, String> pathParams,
    Map<String, String> query,
    byte[] body,
    Map<String, List<String>> headers) {

  /** A call without headers: only webhook endpoints are given them. */
  public Call(
      Principal principal,
      String path,
      Map<String, String> pathParams,
      Map<String, String> query,
      byte[] body) {
    this(principal, path, pathParams, query, body, Map.of());
  }

  public String param(String name) {
    return pathParams.get(name);
  }

  public Optional<String> queryParam(String name) {
    return Optional.ofNullable(query.get(name));
  }

  /** The tenant of the caller; routes with {@link Access#TENANT} are only reached by tenants. */
  public String tenantId() {
    if (principal instanceof Principal.Tenant tenant) {
      return tenant.tenantId();
    }
    throw new IllegalStateException("Not a tenant call");
  }
}
