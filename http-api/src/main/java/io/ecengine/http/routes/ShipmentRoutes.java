package io.ecengine.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecengine.engine.fulfillment.Carrier;
import io.ecengine.engine.fulfillment.FulfillmentSettings;
import io.ecengine.engine.fulfillment.JapaneseAddress;
import io.ecengine.engine.fulfillment.LabelAccount;
import io.ecengine.engine.fulfillment.MergeMode;
import io.ecengine.engine.fulfillment.MergeRule;
import io.ecengine.engine.fulfillment.PickList;
import io.ecengine.engine.fulfillment.Shipment;
import io.ecengine.engine.fulfillment.ShipmentIds;
import io.ecengine.engine.fulfillment.ShipmentStatus;
import io.ecengine.engine.fulfillment.TimeSlot;
import io.ecengine.engine.order.OrderDetails;
import io.ecengine.engine.order.OrderIds;
import io.ecengine.http.api.Access;
import io.ecengine.http.api.ApiException;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Ids;
import io.ecengine.http.api.JsonBody;
import io.ecengine.http.api.Problem;
import io.ecengine.http.api.Reply;
import io.ecengine.http.fulfillment.Fulfillment;
import io.ecengine.persistence.ShipmentStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Fulfilment over HTTP: shipments (list, read, create from orders, edit, merge, split, record a
 * tracking number), waves with their pick lists and carrier label files, carrier result imports,
 * and each tenant's fulfilment settings. Another tenant's shipment or wave is a 404, as is one that
 * does not exist.
 */
public final class ShipmentRoutes {

  /** Carrier result files can be long: one row per parcel of a day. */
  private static final long MAX_RESULT_FILE_BYTES = 4L * 1024 * 1024;

  private static final int MAX_IDS = 200;
  private static final String CSV_UTF8 = "text/csv; charset=utf-8";
  private static final String CSV_SHIFT_JIS = "text/csv; charset=Windows-31J";

  private final Fulfillment fulfillment;
  private final ShipmentStore store;
  private final ObjectMapper json;
  private final Executor blocking;

  public ShipmentRoutes(Fulfillment fulfillment, ObjectMapper json, Executor blocking) {
    this.fulfillment = fulfillment;
    this.store = fulfillment.store();
    this.json = json;
    this.blocking = blocking;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("GET", "/v1/shipments", Access.TENANT, this::list),
        new Endpoint("POST", "/v1/shipments", Access.TENANT, this::create),
        new Endpoint("GET", "/v1/shipments/waves", Access.TENANT, this::waves),
        new Endpoint("POST", "/v1/shipments/waves", Access.TENANT, this::createWave),
        new Endpoint("GET", "/v1/shipments/waves/{waveId}", Access.TENANT, this::wave),
        new Endpoint(
            "GET", "/v1/shipments/waves/{waveId}/pick-list", Access.TENANT, this::pickList),
        new Endpoint(
            "POST", "/v1/shipments/waves/{waveId}/label-file", Access.TENANT, this::labelFile),
        Endpoint.upload(
            "POST",
            "/v1/shipments/label-results/{carrier}",
            "text/csv",
            MAX_RESULT_FILE_BYTES,
            this::importResults),
        new Endpoint("GET", "/v1/shipments/{shipmentId}", Access.TENANT, this::get),
        new Endpoint("PATCH", "/v1/shipments/{shipmentId}", Access.TENANT, this::update),
        new Endpoint("POST", "/v1/shipments/{shipmentId}/merge", Access.TENANT, this::merge),
        new Endpoint("POST", "/v1/shipments/{shipmentId}/split", Access.TENANT, this::split),
        new Endpoint("POST", "/v1/shipments/{shipmentId}/tracking", Access.TENANT, this::tracking),
        new Endpoint("GET", "/v1/fulfillment/settings", Access.TENANT, this::getSettings),
        new Endpoint("PUT", "/v1/fulfillment/settings", Access.TENANT, this::putSettings));
  }

  // Shipments -----------------------------------------------------------------------------------

  private CompletionStage<Reply> list(Call call) {
    ShipmentStatus status =
        call.queryParam("status")
            .filter(s -> !s.isEmpty())
            .map(ShipmentRoutes::status)
            .orElse(null);
    String waveId =
        call.queryParam("waveId")
            .filter(s -> !s.isEmpty())
            .map(w -> Ids.check("waveId", w))
            .orElse(null);
    String channelId =
        call.queryParam("channelId")
            .filter(s -> !s.isEmpty())
            .map(c -> Ids.check("channelId", c))
            .orElse(null);
    int limit = call.queryParam("limit").map(ShipmentRoutes::limit).orElse(100);
    String cursor =
        call.queryParam("cursor")
            .filter(c -> !c.isEmpty())
            .map(ShipmentRoutes::decode)
            .orElse(null);
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          ShipmentStore.Page page;
          try {
            page =
                store.list(
                    tenantId, new ShipmentStore.Filter(status, waveId, channelId), cursor, limit);
          } catch (IllegalArgumentException e) {
            throw JsonBody.invalid("'cursor' is not a cursor this API returned.");
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("items", page.items().stream().map(ShipmentRoutes::view).toList());
          body.put("nextCursor", page.nextCursor() == null ? null : encode(page.nextCursor()));
          return Reply.ok(body);
        });
  }

  private CompletionStage<Reply> create(Call call) {
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("orderIds"));
    List<String> orderIds = new ArrayList<>();
    for (String id : strings(body.raw("orderIds"), "orderIds")) {
      if (!OrderIds.looksValid(id)) {
        throw JsonBody.invalid("'orderIds' must hold order ids like ord_0123456789abcdef01234567.");
      }
      orderIds.add(id);
    }
    return guarded(
        fulfillment
            .createFor(call.tenantId(), List.copyOf(new LinkedHashSet<>(orderIds)))
            .thenApply(
                created -> {
                  Map<String, Shipment> shipments = new LinkedHashMap<>();
                  created.forEach(c -> shipments.put(c.shipment().shipmentId(), c.shipment()));
                  boolean any = created.stream().anyMatch(ShipmentStore.Created::created);
                  Map<String, Object> reply = new LinkedHashMap<>();
                  reply.put(
                      "shipments", shipments.values().stream().map(ShipmentRoutes::view).toList());
                  return Reply.json(any ? 201 : 200, reply);
                }));
  }

  private CompletionStage<Reply> get(Call call) {
    String shipmentId = shipmentId(call);
    String tenantId = call.tenantId();
    return blocking(
        () ->
            Reply.ok(
                view(store.get(tenantId, shipmentId).orElseThrow(() -> notFound(shipmentId)))));
  }

  private CompletionStage<Reply> update(Call call) {
    String shipmentId = shipmentId(call);
    JsonBody body =
        JsonBody.parse(
            json,
            call.body(),
            Set.of("parcelCount", "deliveryDate", "timeSlot", "giftWrap", "note", "shipTo"));
    Integer parcels = body.optionalLong("parcelCount", 1, 99).map(Long::intValue).orElse(null);
    JsonNode rawDate = body.raw("deliveryDate");
    boolean clearDate = rawDate != null && rawDate.isNull();
    LocalDate date = body.optionalText("deliveryDate").map(ShipmentRoutes::date).orElse(null);
    JsonNode rawSlot = body.raw("timeSlot");
    boolean clearSlot = rawSlot != null && rawSlot.isNull();
    TimeSlot slot = body.optionalText("timeSlot").map(ShipmentRoutes::timeSlot).orElse(null);
    Boolean giftWrap = optionalBoolean(body.raw("giftWrap"), "giftWrap");
    String note = body.optionalText("note").map(n -> text("note", n, 1000)).orElse(null);
    OrderDetails.ShipTo shipTo = shipTo(body.raw("shipTo"));
    String tenantId = call.tenantId();
    ShipmentStore.Changes changes =
        new ShipmentStore.Changes(
            parcels, date, clearDate, slot, clearSlot, giftWrap, note, shipTo);
    return blocking(() -> Reply.ok(view(guard(() -> store.update(tenantId, shipmentId, changes)))));
  }

  private CompletionStage<Reply> merge(Call call) {
    String shipmentId = shipmentId(call);
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("shipmentIds", "force"));
    List<String> sources = shipmentIds(body.raw("shipmentIds"));
    boolean force = Boolean.TRUE.equals(optionalBoolean(body.raw("force"), "force"));
    String tenantId = call.tenantId();
    return blocking(
        () -> Reply.ok(view(guard(() -> store.merge(tenantId, shipmentId, sources, force)))));
  }

  private CompletionStage<Reply> split(Call call) {
    String shipmentId = shipmentId(call);
    Set<String> orderIds = null;
    if (call.body().length > 0) {
      JsonBody body = JsonBody.parse(json, call.body(), Set.of("orderIds"));
      JsonNode raw = body.raw("orderIds");
      if (raw != null && !raw.isNull()) {
        orderIds = new LinkedHashSet<>(strings(raw, "orderIds"));
      }
    }
    Set<String> leaving = orderIds;
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          List<Shipment> result = guard(() -> store.split(tenantId, shipmentId, leaving));
          Map<String, Object> reply = new LinkedHashMap<>();
          reply.put("shipment", view(result.get(0)));
          reply.put(
              "splitOff",
              result.subList(1, result.size()).stream().map(ShipmentRoutes::view).toList());
          return Reply.ok(reply);
        });
  }

  private CompletionStage<Reply> tracking(Call call) {
    String shipmentId = shipmentId(call);
    JsonBody body = JsonBody.parse(json, call.body(), Set.of("carrier", "trackingNumber"));
    Carrier carrier = carrier(body.requiredText("carrier"), false);
    String written = body.requiredText("trackingNumber");
    String tracking =
        carrier
            .trackingNumber(written)
            .orElseThrow(
                () ->
                    JsonBody.invalid(
                        "'trackingNumber' is not a valid "
                            + carrier.id()
                            + " tracking number (12 digits, the last one a check digit)."));
    String tenantId = call.tenantId();
    return CompletableFuture.supplyAsync(
            () ->
                guard(
                    () -> store.get(tenantId, shipmentId).orElseThrow(() -> notFound(shipmentId))),
            blocking)
        .thenCompose(found -> fulfillment.recordTracking(tenantId, shipmentId, carrier, tracking))
        .exceptionally(
            failure -> {
              throw translate(failure);
            })
        .thenApply(shipment -> Reply.ok(view(shipment)));
  }

  // Waves ---------------------------------------------------------------------------------------

  private CompletionStage<Reply> createWave(Call call) {
    JsonBody body =
        JsonBody.parse(
            json, call.body(), Set.of("waveId", "carrier", "shipmentIds", "channelId", "limit"));
    String waveId = Ids.check("waveId", body.requiredText("waveId"));
    Carrier carrier = carrier(body.requiredText("carrier"), true);
    JsonNode rawIds = body.raw("shipmentIds");
    List<String> shipmentIds = rawIds == null || rawIds.isNull() ? null : shipmentIds(rawIds);
    String channelId =
        body.optionalText("channelId").map(c -> Ids.check("channelId", c)).orElse(null);
    Long limit = body.optionalLong("limit", 1, ShipmentStore.MAX_LIMIT).orElse(null);
    if (shipmentIds != null && (channelId != null || limit != null)) {
      throw JsonBody.invalid("Give either 'shipmentIds' or 'channelId'/'limit', not both.");
    }
    int take = limit == null ? 100 : limit.intValue();
    String hash =
        sha256(
            carrier.id()
                + "|"
                + (shipmentIds == null ? "" : String.join(",", shipmentIds))
                + "|"
                + (channelId == null ? "" : channelId)
                + "|"
                + (shipmentIds == null ? take : ""));
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          boolean existed = store.wave(tenantId, waveId).isPresent();
          ShipmentStore.Wave wave =
              guard(
                  () ->
                      store.createWave(
                          tenantId, waveId, carrier, shipmentIds, channelId, take, hash));
          Map<String, Object> view = waveView(wave, store.waveShipments(tenantId, waveId));
          return existed ? Reply.ok(view) : Reply.created(view, "/v1/shipments/waves/" + waveId);
        });
  }

  private CompletionStage<Reply> waves(Call call) {
    int limit = call.queryParam("limit").map(ShipmentRoutes::limit).orElse(50);
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          List<Map<String, Object>> items = new ArrayList<>();
          for (ShipmentStore.Wave wave : store.waves(tenantId, limit)) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("waveId", wave.waveId());
            v.put("carrier", wave.carrier().id());
            v.put("createdAt", wave.createdAt().toString());
            v.put("labeledAt", wave.labeledAt() == null ? null : wave.labeledAt().toString());
            v.put("shipmentIds", wave.shipmentIds());
            items.add(v);
          }
          return Reply.ok(Map.of("items", items));
        });
  }

  private CompletionStage<Reply> wave(Call call) {
    String waveId = waveId(call);
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          ShipmentStore.Wave wave =
              store.wave(tenantId, waveId).orElseThrow(() -> waveNotFound(waveId));
          return Reply.ok(waveView(wave, store.waveShipments(tenantId, waveId)));
        });
  }

  private CompletionStage<Reply> pickList(Call call) {
    String waveId = waveId(call);
    String by = call.queryParam("by").filter(s -> !s.isEmpty()).orElse("sku");
    if (!by.equals("sku") && !by.equals("shipment")) {
      throw JsonBody.invalid("'by' must be sku or shipment.");
    }
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          store.wave(tenantId, waveId).orElseThrow(() -> waveNotFound(waveId));
          PickList list = pickListOf(waveId, store.waveShipments(tenantId, waveId));
          byte[] csv = by.equals("sku") ? list.totalsCsv() : list.linesCsv();
          return Reply.bytes(
              200,
              csv,
              CSV_UTF8,
              Map.of(
                  "Content-Disposition",
                  "attachment; filename=\"pick-" + by + "-" + waveId + ".csv\""));
        });
  }

  private CompletionStage<Reply> labelFile(Call call) {
    String waveId = waveId(call);
    if (call.body().length > 0) {
      JsonBody.parse(json, call.body(), Set.of());
    }
    return guarded(
        fulfillment
            .labelFile(call.tenantId(), waveId)
            .thenApply(
                file ->
                    Reply.bytes(
                        200,
                        file.bytes(),
                        CSV_SHIFT_JIS,
                        Map.of(
                            "Content-Disposition",
                            "attachment; filename=\"" + file.fileName() + "\"",
                            "X-Shipment-Count",
                            Integer.toString(file.shipments())))));
  }

  private CompletionStage<Reply> importResults(Call call) {
    Carrier carrier = carrier(call.param("carrier"), true);
    if (call.body().length == 0) {
      throw JsonBody.invalid("Send the carrier's result file (CSV) as the body.");
    }
    return guarded(
        fulfillment
            .importResults(call.tenantId(), carrier, call.body())
            .thenApply(
                report -> {
                  Map<String, Object> body = new LinkedHashMap<>();
                  body.put("accepted", report.accepted());
                  body.put("unchanged", report.unchanged());
                  body.put("rejected", report.rejected());
                  body.put(
                      "rows",
                      report.rows().stream()
                          .map(
                              r -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("row", r.row());
                                m.put("shipmentId", r.shipmentId());
                                m.put("trackingNumber", r.trackingNumber());
                                m.put("outcome", r.outcome());
                                m.put("reason", r.reason());
                                m.put("shipmentStatus", r.shipmentStatus());
                                return m;
                              })
                          .toList());
                  return Reply.ok(body);
                }));
  }

  static PickList pickListOf(String waveId, List<Shipment> shipments) {
    List<PickList.Shipment> picks = new ArrayList<>();
    for (Shipment shipment : shipments) {
      if (shipment.status() == ShipmentStatus.CANCELLED) {
        continue;
      }
      List<PickList.Item> items = new ArrayList<>();
      for (Shipment.ShipmentOrder order : shipment.orders()) {
        for (Shipment.Line line : order.lines()) {
          items.add(
              new PickList.Item(
                  order.orderId(),
                  order.channelOrderId(),
                  line.sku(),
                  line.quantity(),
                  line.components()));
        }
      }
      picks.add(
          new PickList.Shipment(
              shipment.shipmentId(), shipment.giftWrap(), shipment.note(), items));
    }
    return PickList.of(waveId, picks);
  }

  private static Map<String, Object> waveView(ShipmentStore.Wave wave, List<Shipment> shipments) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("waveId", wave.waveId());
    v.put("carrier", wave.carrier().id());
    v.put("createdAt", wave.createdAt().toString());
    v.put("labeledAt", wave.labeledAt() == null ? null : wave.labeledAt().toString());
    v.put("shipments", shipments.stream().map(ShipmentRoutes::view).toList());
    v.put(
        "pickTotals",
        pickListOf(wave.waveId(), shipments).totals().stream()
            .map(
                t -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("sku", t.sku());
                  m.put("quantity", t.quantity());
                  m.put("shipments", t.shipments());
                  return m;
                })
            .toList());
    return v;
  }

  // Settings ------------------------------------------------------------------------------------

  private CompletionStage<Reply> getSettings(Call call) {
    String tenantId = call.tenantId();
    return blocking(() -> Reply.ok(settingsView(fulfillment.settings().get(tenantId))));
  }

  private CompletionStage<Reply> putSettings(Call call) {
    JsonBody body =
        JsonBody.parse(
            json,
            call.body(),
            Set.of("autoCreate", "merge", "shipper", "yamato", "sagawa", "itemName"));
    Boolean autoCreate = optionalBoolean(body.raw("autoCreate"), "autoCreate");
    MergeRule rule = MergeRule.DEFAULT;
    JsonNode rawMerge = body.raw("merge");
    if (rawMerge != null && !rawMerge.isNull()) {
      JsonBody merge = JsonBody.of(rawMerge, "merge", Set.of("mode", "windowMinutes"));
      MergeMode mode;
      try {
        mode = MergeMode.fromId(merge.requiredText("mode"));
      } catch (IllegalArgumentException e) {
        throw JsonBody.invalid("'merge.mode' must be off, same_channel or across_channels.");
      }
      long minutes =
          merge
              .optionalLong("windowMinutes", 0, MergeRule.MAX_WINDOW.toMinutes())
              .orElse(MergeRule.DEFAULT.window().toMinutes());
      rule = new MergeRule(mode, Duration.ofMinutes(minutes));
    }
    LabelAccount.Shipper shipper = null;
    JsonNode rawShipper = body.raw("shipper");
    if (rawShipper != null && !rawShipper.isNull()) {
      JsonBody s =
          JsonBody.of(
              rawShipper, "shipper", Set.of("name", "phone", "postalCode", "address1", "address2"));
      String postal = s.requiredText("postalCode");
      if (JapaneseAddress.postalCode(postal) == null) {
        throw JsonBody.invalid("'shipper.postalCode' must be a seven-digit postal code.");
      }
      String phone = text("shipper.phone", s.requiredText("phone"), 40);
      if (phone.replaceAll("[^0-9０-９]", "").length() < 10) {
        throw JsonBody.invalid("'shipper.phone' must be a phone number of at least 10 digits.");
      }
      shipper =
          new LabelAccount.Shipper(
              text("shipper.name", s.requiredText("name"), 100),
              phone,
              JapaneseAddress.postalCode(postal),
              text("shipper.address1", s.requiredText("address1"), 200),
              s.optionalText("address2").map(v -> text("shipper.address2", v, 200)).orElse(null));
    }
    String billing = null;
    String billingClass = null;
    String freight = null;
    JsonNode rawYamato = body.raw("yamato");
    if (rawYamato != null && !rawYamato.isNull()) {
      JsonBody y =
          JsonBody.of(
              rawYamato,
              "yamato",
              Set.of("billingCustomerCode", "billingClassCode", "freightNumber"));
      billing = digits(y, "billingCustomerCode", 10, 12, "yamato.");
      billingClass = digits(y, "billingClassCode", 3, 3, "yamato.");
      freight = digits(y, "freightNumber", 2, 2, "yamato.");
    }
    String sagawaCode = null;
    JsonNode rawSagawa = body.raw("sagawa");
    if (rawSagawa != null && !rawSagawa.isNull()) {
      JsonBody s = JsonBody.of(rawSagawa, "sagawa", Set.of("customerCode"));
      sagawaCode = digits(s, "customerCode", 1, 12, "sagawa.");
    }
    String itemName = body.optionalText("itemName").map(v -> text("itemName", v, 50)).orElse(null);
    FulfillmentSettings settings =
        new FulfillmentSettings(
            autoCreate == null || autoCreate,
            rule,
            new LabelAccount(shipper, billing, billingClass, freight, sagawaCode, itemName));
    String tenantId = call.tenantId();
    return blocking(
        () -> {
          fulfillment.settings().put(tenantId, settings);
          return Reply.ok(settingsView(settings));
        });
  }

  private static String digits(JsonBody body, String field, int min, int max, String prefix) {
    return body.optionalText(field)
        .map(
            v -> {
              if (!v.matches("[0-9]{" + min + "," + max + "}")) {
                throw JsonBody.invalid(
                    "'"
                        + prefix
                        + field
                        + "' must be "
                        + min
                        + (min == max ? "" : " to " + max)
                        + " digits.");
              }
              return v;
            })
        .orElse(null);
  }

  private static Map<String, Object> settingsView(FulfillmentSettings settings) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("autoCreate", settings.autoCreate());
    v.put(
        "merge",
        Map.of(
            "mode", settings.mergeRule().mode().id(),
            "windowMinutes", settings.mergeRule().window().toMinutes()));
    LabelAccount account = settings.account();
    LabelAccount.Shipper shipper = account.shipper();
    if (shipper == null) {
      v.put("shipper", null);
    } else {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", shipper.name());
      s.put("phone", shipper.phone());
      s.put("postalCode", shipper.postalCode());
      s.put("address1", shipper.address1());
      s.put("address2", shipper.address2());
      v.put("shipper", s);
    }
    Map<String, Object> yamato = new LinkedHashMap<>();
    yamato.put("billingCustomerCode", account.yamatoBillingCustomerCode());
    yamato.put("billingClassCode", account.yamatoBillingClassCode());
    yamato.put("freightNumber", account.yamatoFreightNumber());
    v.put("yamato", yamato);
    Map<String, Object> sagawa = new LinkedHashMap<>();
    sagawa.put("customerCode", account.sagawaCustomerCode());
    v.put("sagawa", sagawa);
    v.put("itemName", account.itemName());
    return v;
  }

  // Views ---------------------------------------------------------------------------------------

  static Map<String, Object> view(Shipment s) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("shipmentId", s.shipmentId());
    v.put("status", s.status().name());
    v.put("waveId", s.waveId());
    v.put("carrier", s.carrier() == null ? null : s.carrier().id());
    v.put("trackingNumber", s.trackingNumber());
    v.put("shipTo", s.shipTo());
    v.put("parcelCount", s.parcelCount());
    v.put("deliveryDate", s.deliveryDate() == null ? null : s.deliveryDate().toString());
    v.put("timeSlot", s.timeSlot() == null ? null : s.timeSlot().id());
    v.put("giftWrap", s.giftWrap());
    v.put("note", s.note());
    v.put("attention", s.attention());
    v.put("mergedInto", s.mergedInto());
    v.put(
        "orders",
        s.orders().stream()
            .map(
                o -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("orderId", o.orderId());
                  m.put("channelId", o.channelId());
                  m.put("channelOrderId", o.channelOrderId());
                  m.put("placedAt", o.placedAt().toString());
                  m.put(
                      "lines",
                      o.lines().stream()
                          .map(
                              l ->
                                  Map.of(
                                      "sku", l.sku(),
                                      "quantity", l.quantity(),
                                      "components", l.components()))
                          .toList());
                  m.put("shipState", o.shipState().name());
                  m.put("shipError", o.shipError());
                  return m;
                })
            .toList());
    v.put("version", s.version());
    v.put("createdAt", s.createdAt().toString());
    v.put("updatedAt", s.updatedAt().toString());
    v.put("labeledAt", s.labeledAt() == null ? null : s.labeledAt().toString());
    v.put("shippedAt", s.shippedAt() == null ? null : s.shippedAt().toString());
    return v;
  }

  // Plumbing ------------------------------------------------------------------------------------

  private static String shipmentId(Call call) {
    String id = call.param("shipmentId").toUpperCase(Locale.ROOT);
    if (!ShipmentIds.looksValid(id)) {
      throw notFound(call.param("shipmentId"));
    }
    return id;
  }

  private static String waveId(Call call) {
    String id = call.param("waveId");
    try {
      return Ids.check("waveId", id);
    } catch (ApiException e) {
      throw waveNotFound(id);
    }
  }

  private static ApiException notFound(String shipmentId) {
    return new ApiException(
        Problem.notFound("shipment-not-found", "No shipment " + shipmentId + "."));
  }

  private static ApiException waveNotFound(String waveId) {
    return new ApiException(Problem.notFound("wave-not-found", "No wave " + waveId + "."));
  }

  private static Carrier carrier(String id, boolean labelFiles) {
    Carrier carrier =
        Carrier.fromId(id)
            .orElseThrow(() -> JsonBody.invalid("'carrier' must be yamato, sagawa or japan_post."));
    if (labelFiles && !carrier.hasLabelFiles()) {
      throw JsonBody.invalid("Label files are written for yamato and sagawa only.");
    }
    return carrier;
  }

  private static List<String> shipmentIds(JsonNode node) {
    List<String> ids = new ArrayList<>();
    for (String id : strings(node, "shipmentIds")) {
      String upper = id.toUpperCase(Locale.ROOT);
      if (!ShipmentIds.looksValid(upper)) {
        throw JsonBody.invalid("'shipmentIds' must hold shipment ids like S0123456789ABCDE.");
      }
      ids.add(upper);
    }
    return ids;
  }

  private static List<String> strings(JsonNode node, String field) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw JsonBody.invalid("'" + field + "' must be a non-empty array of strings.");
    }
    if (node.size() > MAX_IDS) {
      throw JsonBody.invalid("'" + field + "' holds at most " + MAX_IDS + " ids.");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw JsonBody.invalid("'" + field + "' must be a non-empty array of strings.");
      }
      out.add(item.textValue());
    }
    return out;
  }

  private static Boolean optionalBoolean(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isBoolean()) {
      throw JsonBody.invalid("'" + field + "' must be true or false.");
    }
    return node.booleanValue();
  }

  private static OrderDetails.ShipTo shipTo(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    JsonBody a =
        JsonBody.of(
            node,
            "shipTo",
            Set.of("name", "postalCode", "prefecture", "city", "address1", "address2", "phone"));
    java.util.function.Function<String, String> field =
        name -> a.optionalText(name).map(v -> text("shipTo." + name, v, 200)).orElse(null);
    return new OrderDetails.ShipTo(
        field.apply("name"),
        field.apply("postalCode"),
        field.apply("prefecture"),
        field.apply("city"),
        field.apply("address1"),
        field.apply("address2"),
        field.apply("phone"));
  }

  private static String text(String field, String value, int max) {
    if (value.codePointCount(0, value.length()) > max) {
      throw JsonBody.invalid("'" + field + "' is longer than " + max + " characters.");
    }
    if (value.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
      throw JsonBody.invalid("'" + field + "' must not contain control characters.");
    }
    return value;
  }

  private static LocalDate date(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw JsonBody.invalid("'deliveryDate' must be a date like 2026-12-24.");
    }
  }

  private static TimeSlot timeSlot(String text) {
    return TimeSlot.fromId(text)
        .orElseThrow(
            () ->
                JsonBody.invalid(
                    "'timeSlot' must be one of morning, 12-14, 14-16, 16-18, 18-20, 19-21, 18-21."));
  }

  private static ShipmentStatus status(String text) {
    try {
      return ShipmentStatus.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw JsonBody.invalid("'status' must be PENDING, LABELED, SHIPPED, MERGED or CANCELLED.");
    }
  }

  private static int limit(String text) {
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= ShipmentStore.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw JsonBody.invalid(
        "'limit' must be a whole number from 1 to " + ShipmentStore.MAX_LIMIT + ".");
  }

  private static String encode(String cursor) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw JsonBody.invalid("'cursor' is not a cursor this API returned.");
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** Runs a store call, turning its refusals into problems. */
  private static <T> T guard(Supplier<T> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  private static RuntimeException translate(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ShipmentStore.NotFound notFound) {
      return new ApiException(Problem.notFound("shipment-not-found", notFound.getMessage()));
    }
    if (cause instanceof ShipmentStore.Refused refused) {
      return new ApiException(
          Problem.conflict(
              "shipment-state-conflict",
              "Not possible in the shipment's state",
              refused.getMessage()));
    }
    if (cause instanceof ShipmentStore.Contended) {
      return new ApiException(
          Problem.unavailable("contended", "The shipments kept changing; retry the request."));
    }
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    return new CompletionException(cause);
  }

  private CompletionStage<Reply> blocking(Supplier<Reply> work) {
    return CompletableFuture.supplyAsync(() -> guard(work), blocking);
  }

  /** Store refusals raised inside the fulfilment service become problems too. */
  private static CompletionStage<Reply> guarded(CompletionStage<Reply> reply) {
    return reply.exceptionally(
        failure -> {
          throw translate(failure);
        });
  }
}
