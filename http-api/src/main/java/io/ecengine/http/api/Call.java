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

  /** A call without headers, as tests and internal callers make them. */
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

  /** The first value of a request header (names are case-insensitive), if sent. */
  public Optional<String> header(String name) {
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
        return Optional.of(header.getValue().get(0));
      }
    }
    return Optional.empty();
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
