package io.ecengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecengine.engine.channel.ShippingCapacity;
import io.ecengine.http.ShippingCapacityGuard;
import io.ecengine.http.api.Access;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Ids;
import io.ecengine.http.api.JsonBody;
import io.ecengine.http.api.Problem;
import io.ecengine.http.api.Reply;
import io.ecengine.persistence.ChannelSlas;
import io.ecengine.persistence.ChannelStore;
import io.ecengine.persistence.ShippingCapacityStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** The tenant's shipping capacity and the channels the capacity guard pauses. */
public final class CapacityRoutes {

  private static final int MAX_CHANNELS = 100;

  private final ObjectMapper json;
  private final ShippingCapacityStore capacities;
  private final ChannelStore channels;
  private final ChannelSlas slas;
  private final ShippingCapacityGuard guard;
  private final Executor blocking;

  public CapacityRoutes(
      ObjectMapper json,
      ShippingCapacityStore capacities,
      ChannelStore channels,
      ChannelSlas slas,
      ShippingCapacityGuard guard,
      Executor blocking) {
    this.json = json;
    this.capacities = capacities;
    this.channels = channels;
    this.slas = slas;
    this.guard = guard;
    this.blocking = blocking;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("PUT", "/v1/shipping-capacity", Access.TENANT, this::put),
        new Endpoint("GET", "/v1/shipping-capacity", Access.TENANT, this::get),
        new Endpoint("DELETE", "/v1/shipping-capacity", Access.TENANT, this::delete));
  }

  private CompletionStage<Reply> put(Call call) {
    JsonBody body =
        JsonBody.parse(
            json, call.body(), Set.of("ordersPerDay", "pauseChannels", "resumeBelowPercent"));
    int perDay = (int) body.requiredLong("ordersPerDay", 1, 1_000_000);
    int resumeBelow = body.optionalLong("resumeBelowPercent", 1, 100).orElse(90L).intValue();
    JsonNode list = body.raw("pauseChannels");
    if (list == null || !list.isArray() || list.size() > MAX_CHANNELS) {
      throw JsonBody.invalid(
          "'pauseChannels' must be an array of at most " + MAX_CHANNELS + " channel ids.");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode id : list) {
      if (!id.isTextual()) {
        throw JsonBody.invalid("'pauseChannels' must hold channel ids.");
      }
      ids.add(Ids.check("pauseChannels", id.textValue()));
    }
    String tenantId = call.tenantId();
    ShippingCapacityStore.Setting setting =
        new ShippingCapacityStore.Setting(new ShippingCapacity(perDay, resumeBelow), ids);
    return CompletableFuture.supplyAsync(
        () -> {
          for (String id : setting.channelIds()) {
            if (channels.get(tenantId, id).isEmpty()) {
              throw JsonBody.invalid("'pauseChannels' names an unknown channel: " + id + ".");
            }
          }
          capacities.put(tenantId, setting);
          guard.check(tenantId);
          return Reply.ok(view(tenantId, setting));
        },
        blocking);
  }

  private CompletionStage<Reply> get(Call call) {
    String tenantId = call.tenantId();
    return CompletableFuture.supplyAsync(
        () ->
            Reply.ok(
                view(
                    tenantId,
                    capacities
                        .get(tenantId)
                        .orElseThrow(
                            () ->
                                new ApiException(
                                    Problem.notFound(
                                        "capacity-not-set", "No shipping capacity is set."))))),
        blocking);
  }

  private CompletionStage<Reply> delete(Call call) {
    String tenantId = call.tenantId();
    return CompletableFuture.supplyAsync(
        () -> {
          ShippingCapacityStore.Setting setting =
              capacities
                  .get(tenantId)
                  .orElseThrow(
                      () ->
                          new ApiException(
                              Problem.notFound(
                                  "capacity-not-set", "No shipping capacity is set.")));
          capacities.delete(tenantId);
          // Without a capacity the guard no longer watches these channels: lift its pauses.
          setting.channelIds().forEach(id -> channels.autoResume(tenantId, id));
          return Reply.noContent();
        },
        blocking);
  }

  private Map<String, Object> view(String tenantId, ShippingCapacityStore.Setting setting) {
    long open = capacities.openOrders(tenantId);
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("ordersPerDay", setting.capacity().ordersPerDay());
    v.put("resumeBelowPercent", setting.capacity().resumeBelowPercent());
    v.put("openOrders", open);
    List<Map<String, Object>> list = new ArrayList<>();
    for (String id : setting.channelIds()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("channelId", id);
      c.put("limit", setting.capacity().limitFor(slas.get(tenantId, id).orElse(null)));
      channels
          .get(tenantId, id)
          .ifPresent(
              record -> {
                c.put("paused", record.paused());
                c.put("pauseReason", record.pauseReason());
              });
      list.add(c);
    }
    v.put("pauseChannels", list);
    return v;
  }
}
