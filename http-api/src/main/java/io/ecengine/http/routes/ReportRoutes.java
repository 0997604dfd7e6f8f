package io.ecengine.http.routes;

import io.ecengine.engine.report.KpiMath.LeadTimes;
import io.ecengine.http.api.Access;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.JsonBody;
import io.ecengine.http.api.Reply;
import io.ecengine.persistence.KpiStore;
import io.ecengine.persistence.KpiStore.Report;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The operations report over HTTP: {@code GET /v1/reports/kpis?from=&to=} as JSON, or as CSV (one
 * figure per row) with {@code Accept: text/csv} or {@code format=csv}. The figures are defined on
 * {@link KpiStore}'s records and in the README.
 */
public final class ReportRoutes {

  /** A report reads every row of its period; a longer one belongs in a data warehouse. */
  static final Duration MAX_PERIOD = Duration.ofDays(400);

  static final Duration DEFAULT_PERIOD = Duration.ofDays(7);

  private final KpiStore kpis;
  private final Executor blocking;

  public ReportRoutes(KpiStore kpis, Executor blocking) {
    this.kpis = kpis;
    this.blocking = blocking;
  }

  public List<Endpoint> endpoints() {
    return List.of(new Endpoint("GET", "/v1/reports/kpis", Access.TENANT, this::kpis));
  }

  private CompletionStage<Reply> kpis(Call call) {
    Instant to =
        call.queryParam("to").filter(t -> !t.isEmpty()).map(t -> time("to", t)).orElse(null);
    Instant from =
        call.queryParam("from").filter(t -> !t.isEmpty()).map(t -> time("from", t)).orElse(null);
    if (to == null) {
      to = from == null ? Instant.now() : from.plus(DEFAULT_PERIOD);
    }
    if (from == null) {
      from = to.minus(DEFAULT_PERIOD);
    }
    if (!to.isAfter(from)) {
      throw JsonBody.invalid("'to' must be after 'from'.");
    }
    if (Duration.between(from, to).compareTo(MAX_PERIOD) > 0) {
      throw JsonBody.invalid("A report covers at most " + MAX_PERIOD.toDays() + " days.");
    }
    boolean csv = wantsCsv(call);
    String tenantId = call.tenantId();
    Instant start = from;
    Instant end = to;
    return CompletableFuture.supplyAsync(() -> kpis.report(tenantId, start, end), blocking)
        .thenApply(
            report ->
                csv
                    ? new Reply(
                        200,
                        csv(report),
                        "text/csv; charset=utf-8",
                        Map.of(
                            "Content-Disposition",
                            "attachment; filename=\"kpis-" + tenantId + ".csv\""))
                    : Reply.ok(view(report)));
  }

  private static boolean wantsCsv(Call call) {
    String format = call.queryParam("format").orElse("").toLowerCase(Locale.ROOT);
    if (format.equals("csv")) {
      return true;
    }
    if (format.equals("json")) {
      return false;
    }
    if (!format.isEmpty()) {
      throw JsonBody.invalid("'format' must be json or csv.");
    }
    return call.header("Accept")
        .map(a -> a.toLowerCase(Locale.ROOT).contains("text/csv"))
        .orElse(false);
  }

  /** Both databases store these years, and a default period can be added to either end. */
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

  private static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");

  /** An instant, or a date taken as the start of that day in UTC, from 1970 to 9998. */
  static Instant time(String field, String text) {
    Instant at;
    try {
      at = Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      try {
        at = LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException | ArithmeticException e) {
        throw JsonBody.invalid(
            "'"
                + field
                + "' must be an instant like 2026-12-24T09:00:00Z or a date like 2026-12-24.");
      }
    }
    if (at.isBefore(EARLIEST) || !at.isBefore(LATEST)) {
      throw JsonBody.invalid("'" + field + "' must lie between the years 1970 and 9998.");
    }
    return at;
  }

  static Map<String, Object> view(Report r) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("from", r.from().toString());
    v.put("to", r.to().toString());

    LeadTimes lt = r.shippingLeadTime().stats();
    Map<String, Object> lead = new LinkedHashMap<>();
    lead.put("orders", lt.orders());
    lead.put("withinTarget", lt.withinTarget());
    lead.put("shareWithinTarget", lt.shareWithinTarget());
    lead.put("targetHours", hours(lt.target()));
    lead.put("meanHours", hours(lt.mean()));
    lead.put("medianHours", hours(lt.median()));
    lead.put("p90Hours", hours(lt.p90()));
    lead.put("maxHours", hours(lt.max()));
    v.put("shippingLeadTime", lead);

    KpiStore.ReturnRate rr = r.returnRate();
    Map<String, Object> returns = new LinkedHashMap<>();
    returns.put("unitsShipped", rr.unitsShipped());
    returns.put("unitsReturned", rr.unitsReturned());
    returns.put("rate", rr.rate());
    returns.put("target", rr.target());
    returns.put("meetsTarget", rr.meetsTarget());
    v.put("returnRate", returns);

    KpiStore.Turnover t = r.inventoryTurnover();
    Map<String, Object> turnover = new LinkedHashMap<>();
    turnover.put("unitsShipped", t.unitsShipped());
    turnover.put("averageOnHand", round(t.averageOnHand()));
    turnover.put("turnover", round(t.turnover()));
    turnover.put(
        "skus",
        t.skus().stream()
            .map(
                s -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("sku", s.sku());
                  m.put("unitsShipped", s.unitsShipped());
                  m.put("averageOnHand", round(s.averageOnHand()));
                  m.put("turnover", round(s.turnover()));
                  return m;
                })
            .toList());
    v.put("inventoryTurnover", turnover);

    v.put(
        "unitsSold",
        r.unitsSold().stream()
            .map(u -> Map.of("sku", u.sku(), "channelId", u.channelId(), "units", u.units()))
            .toList());

    KpiStore.Oversold o = r.oversold();
    Map<String, Object> oversold = new LinkedHashMap<>();
    oversold.put("units", o.units());
    oversold.put("orders", o.orders());
    oversold.put(
        "lines",
        o.lines().stream()
            .map(
                l -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("sku", l.sku());
                  m.put("channelId", l.channelId());
                  m.put("reason", l.reason());
                  m.put("units", l.units());
                  m.put("orders", l.orders());
                  return m;
                })
            .toList());
    v.put("oversold", oversold);

    KpiStore.Waited w = r.waitedForStock();
    Map<String, Object> waited = new LinkedHashMap<>();
    waited.put("orders", w.orders());
    waited.put("allocatedLater", w.allocatedLater());
    waited.put("cancelled", w.cancelled());
    waited.put("stillWaiting", w.stillWaiting());
    waited.put(
        "meanWaitMinutes", w.meanWait() == null ? null : round(w.meanWait().toMillis() / 60_000.0));
    v.put("waitedForStock", waited);
    return v;
  }

  /**
   * One figure per row: {@code metric,sku,channel_id,value}, blank where a column does not apply.
   */
  static String csv(Report r) {
    StringBuilder out = new StringBuilder("metric,sku,channel_id,value\r\n");
    row(out, "period_from", null, null, r.from().toString());
    row(out, "period_to", null, null, r.to().toString());
    LeadTimes lt = r.shippingLeadTime().stats();
    row(out, "lead_time_orders", null, null, lt.orders());
    row(out, "lead_time_within_24h", null, null, lt.withinTarget());
    row(out, "lead_time_share_within_24h", null, null, round(lt.shareWithinTarget()));
    row(out, "lead_time_mean_hours", null, null, hours(lt.mean()));
    row(out, "lead_time_median_hours", null, null, hours(lt.median()));
    row(out, "lead_time_p90_hours", null, null, hours(lt.p90()));
    row(out, "lead_time_max_hours", null, null, hours(lt.max()));
    KpiStore.ReturnRate rr = r.returnRate();
    row(out, "units_shipped", null, null, rr.unitsShipped());
    row(out, "units_returned", null, null, rr.unitsReturned());
    row(out, "return_rate", null, null, round(rr.rate()));
    KpiStore.Turnover t = r.inventoryTurnover();
    row(out, "inventory_units_shipped", null, null, t.unitsShipped());
    row(out, "inventory_average_on_hand", null, null, round(t.averageOnHand()));
    row(out, "inventory_turnover", null, null, round(t.turnover()));
    for (KpiStore.SkuTurnover s : t.skus()) {
      row(out, "sku_units_shipped", s.sku(), null, s.unitsShipped());
      row(out, "sku_average_on_hand", s.sku(), null, round(s.averageOnHand()));
      row(out, "sku_turnover", s.sku(), null, round(s.turnover()));
    }
    for (KpiStore.UnitsSold u : r.unitsSold()) {
      row(out, "units_sold", u.sku(), u.channelId(), u.units());
    }
    row(out, "oversold_units", null, null, r.oversold().units());
    row(out, "oversold_orders", null, null, r.oversold().orders());
    for (KpiStore.OversoldLine l : r.oversold().lines()) {
      row(out, "oversold_units_" + l.reason(), l.sku(), l.channelId(), l.units());
    }
    KpiStore.Waited w = r.waitedForStock();
    row(out, "orders_waited_for_stock", null, null, w.orders());
    row(out, "orders_waited_then_allocated", null, null, w.allocatedLater());
    row(out, "orders_waited_then_cancelled", null, null, w.cancelled());
    row(out, "orders_still_waiting", null, null, w.stillWaiting());
    row(
        out,
        "wait_mean_minutes",
        null,
        null,
        w.meanWait() == null ? null : round(w.meanWait().toMillis() / 60_000.0));
    return out.toString();
  }

  private static void row(
      StringBuilder out, String metric, String sku, String channel, Object value) {
    out.append(metric)
        .append(',')
        .append(cell(sku))
        .append(',')
        .append(cell(channel))
        .append(',')
        .append(value == null ? "" : cell(value.toString()))
        .append("\r\n");
  }

  /**
   * RFC 4180 quoting, and a leading quote mark for cells a spreadsheet would run as a formula (a
   * SKU code is chosen by whoever created it).
   */
  static String cell(String value) {
    if (value == null) {
      return "";
    }
    String text = value;
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 && !isNumber(text)) {
      text = "'" + text;
    }
    if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
      return "\"" + text.replace("\"", "\"\"") + "\"";
    }
    return text;
  }

  private static boolean isNumber(String text) {
    try {
      Double.parseDouble(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Double hours(Duration duration) {
    return duration == null ? null : round(duration.toMillis() / 3_600_000.0);
  }

  private static Double round(Double value) {
    return value == null ? null : Math.round(value * 10_000) / 10_000.0;
  }
}
