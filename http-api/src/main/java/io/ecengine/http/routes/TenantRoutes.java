package io.ecengine.http.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecengine.http.api.Access;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Ids;
import io.ecengine.http.api.JsonBody;
import io.ecengine.http.api.Problem;
import io.ecengine.http.api.Reply;
import io.ecengine.persistence.TenantStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Tenant administration, for the administrator key only. API keys are shown once, when issued; the
 * store keeps only their hashes.
 */
public final class TenantRoutes {

  private final TenantStore tenants;
  private final ObjectMapper json;
  private final Executor blocking;

  public TenantRoutes(TenantStore tenants, ObjectMapper json, Executor blocking) {
    this.tenants = tenants;
    this.json = json;
    this.blocking = blocking;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("POST", "/v1/tenants", Access.ADMIN, this::create),
        new Endpoint("GET", "/v1/tenants/{tenantId}/api-keys", Access.ADMIN, this::listKeys),
        new Endpoint("POST", "/v1/tenants/{tenantId}/api-keys", Access.ADMIN, this::issueKey),
        new Endpoint(
            "DELETE", "/v1/tenants/{tenantId}/api-keys/{keyId}", Access.ADMIN, this::revokeKey));
  }

  private CompletionStage<Reply> create(Call call) {
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("tenantId", "name"));
    String tenantId = Ids.checkTenant(body.requiredText("tenantId"));
    String name = Ids.checkName("name", body.requiredText("name"));
    return blocking(
        () -> {
          if (tenants.createTenant(tenantId, name).isEmpty()) {
            throw new ApiException(
                Problem.conflict("tenant-exists", "Tenant exists", "The tenant id is taken."));
          }
          TenantStore.IssuedKey key = tenants.issueKey(tenantId);
          Map<String, Object> view = new LinkedHashMap<>();
          view.put("tenantId", tenantId);
          view.put("name", name);
          view.put("keyId", key.keyId());
          view.put("apiKey", key.apiKey());
          return Reply.created(view, "/v1/tenants/" + tenantId);
        });
  }

  private CompletionStage<Reply> issueKey(Call call) {
    String tenantId = existingTenant(call);
    return blocking(
        () -> {
          requireTenant(tenantId);
          TenantStore.IssuedKey key = tenants.issueKey(tenantId);
          Map<String, Object> view = new LinkedHashMap<>();
          view.put("tenantId", tenantId);
          view.put("keyId", key.keyId());
          view.put("apiKey", key.apiKey());
          return Reply.created(view, "/v1/tenants/" + tenantId + "/api-keys/" + key.keyId());
        });
  }

  private CompletionStage<Reply> listKeys(Call call) {
    String tenantId = existingTenant(call);
    return blocking(
        () -> {
          requireTenant(tenantId);
          List<Map<String, Object>> keys =
              tenants.listKeys(tenantId).stream()
                  .map(
                      k -> {
                        Map<String, Object> view = new LinkedHashMap<>();
                        view.put("keyId", k.keyId());
                        view.put("createdAt", k.createdAt().toString());
                        view.put(
                            "revokedAt", k.revokedAt() == null ? null : k.revokedAt().toString());
                        return view;
                      })
                  .toList();
          return Reply.ok(Map.of("items", keys));
        });
  }

  private CompletionStage<Reply> revokeKey(Call call) {
    String tenantId = existingTenant(call);
    String keyId = Ids.check("keyId", call.param("keyId"));
    return blocking(
        () -> {
          if (!tenants.revokeKey(tenantId, keyId)) {
            throw new ApiException(Problem.notFound("api-key-not-found", "No such key."));
          }
          return Reply.noContent();
        });
  }

  private static String existingTenant(Call call) {
    String tenantId = call.param("tenantId");
    try {
      return Ids.checkTenant(tenantId);
    } catch (ApiException e) {
      throw new ApiException(Problem.notFound("tenant-not-found", "No such tenant."));
    }
  }

  private void requireTenant(String tenantId) {
    if (!tenants.tenantExists(tenantId)) {
      throw new ApiException(Problem.notFound("tenant-not-found", "No such tenant."));
    }
  }

  private CompletionStage<Reply> blocking(Supplier<Reply> work) {
    return CompletableFuture.supplyAsync(work, blocking);
  }
}
