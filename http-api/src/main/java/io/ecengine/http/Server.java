package io.ecengine.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.channel.ChannelBackend;
import io.ecengine.engine.channel.ChannelEntity;
import io.ecengine.engine.channel.MarketplaceClient;
import io.ecengine.engine.channel.StockToChannelsAdapter;
import io.ecengine.engine.order.OrderEntity;
import io.ecengine.engine.order.StockToOrdersAdapter;
import io.ecengine.engine.order.WaitlistEntity;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.StockListener;
import io.ecengine.http.api.ApiHandler;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.fulfillment.Fulfillment;
import io.ecengine.http.intake.ListingIndex;
import io.ecengine.http.intake.MarketplaceOrderIntake;
import io.ecengine.http.routes.CapacityRoutes;
import io.ecengine.http.routes.ChannelRoutes;
import io.ecengine.http.routes.ClusterRoutes;
import io.ecengine.http.routes.ConsoleAssets;
import io.ecengine.http.routes.ConsoleFeed;
import io.ecengine.http.routes.ConsoleRoutes;
import io.ecengine.http.routes.OperationsRoutes;
import io.ecengine.http.routes.OrderRoutes;
import io.ecengine.http.routes.ReportRoutes;
import io.ecengine.http.routes.ShipmentRoutes;
import io.ecengine.http.routes.SkuHistoryRoutes;
import io.ecengine.http.routes.SkuRoutes;
import io.ecengine.http.routes.TenantRoutes;
import io.ecengine.http.routes.WebhookRoutes;
import io.ecengine.persistence.AllocationRuleStore;
import io.ecengine.persistence.ChannelFeedProjection;
import io.ecengine.persistence.ChannelSlas;
import io.ecengine.persistence.ChannelStore;
import io.ecengine.persistence.Database;
import io.ecengine.persistence.DatabaseSettings;
import io.ecengine.persistence.FulfillmentSettingsStore;
import io.ecengine.persistence.JdbcChannelBackend;
import io.ecengine.persistence.JournalHistory;
import io.ecengine.persistence.KpiProjections;
import io.ecengine.persistence.KpiStore;
import io.ecengine.persistence.ListingStore;
import io.ecengine.persistence.MarketplaceOrderStore;
import io.ecengine.persistence.OrderProjection;
import io.ecengine.persistence.OrderSummaries;
import io.ecengine.persistence.OverviewStore;
import io.ecengine.persistence.PlannerStatistics;
import io.ecengine.persistence.PushLog;
import io.ecengine.persistence.SecretBox;
import io.ecengine.persistence.ShipmentStore;
import io.ecengine.persistence.ShipmentWriteBacks;
import io.ecengine.persistence.ShippingCapacityStore;
import io.ecengine.persistence.SkuProjection;
import io.ecengine.persistence.SkuSummaries;
import io.ecengine.persistence.SnapshotPruner;
import io.ecengine.persistence.TenantStore;
import io.ecengine.persistence.Vendor;
import io.ecengine.persistence.WebhookDeliveries;
import io.ecengine.persistence.WriteFence;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine node: migrates the schema, starts the actor system as a cluster member, registers the
 * sharded entities and projections, and serves the HTTP API. {@link Main} runs one; tests start
 * several with their own configuration.
 */
public final class Server implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final String adminKey;
  private final ApiHandler handler;

  private Server(
      ActorSystem<Void> system, ServerBinding binding, String adminKey, ApiHandler handler) {
    this.system = system;
    this.binding = binding;
    this.adminKey = adminKey;
    this.handler = handler;
  }

  /** Starts a node with the given settings layered over the packaged configuration. */
  public static Server start(Config overrides) {
    Config base = overrides.withFallback(ConfigFactory.load()).resolve();
    DatabaseSettings dbSettings = DatabaseSettings.fromConfig(base);
    // A node alone has nobody to take its shards over while it stands still: the pause fence only
    // guards nodes that have seed nodes to share a cluster with.
    boolean alone =
        base.getString("ec.cluster.seed-nodes").isBlank()
            && base.getStringList("pekko.cluster.seed-nodes").isEmpty();
    WriteFence fence =
        WriteFence.open(
            alone ? Duration.ZERO : base.getDuration("ec.cluster.pause-fence"),
            base.getDuration("ec.cluster.idle-in-transaction-timeout"));
    Database database =
        Database.create(dbSettings, fence, base.getDuration("ec.db.connection-timeout"));
    try {
      database.migrate();
      Config config = dbSettings.pekkoOverlay(fence).withFallback(base).resolve();
      return start(config, database, fence);
    } catch (RuntimeException e) {
      database.close();
      fence.release();
      throw e;
    }
  }

  private static Server start(Config config, Database database, WriteFence fence) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ec-engine", config);
    system
        .getWhenTerminated()
        .thenRun(
            () -> {
              database.close();
              fence.release();
            });
    try {
      ClusterLifecycle lifecycle = ClusterLifecycle.start(system, config, fence);
      Config http = config.getConfig("ec.http");
      Duration askTimeout = http.getDuration("ask-timeout");
      Duration resendAfter = http.getDuration("resend-after");
      Executor blocking =
          system.dispatchers().lookup(DispatcherSelector.fromConfig("ec.blocking-dispatcher"));
      Config channelConfig = config.getConfig("ec.channels");
      ChannelStore channels = new ChannelStore(database.dataSource(), SecretBox.fromConfig(config));
      ListingStore listings = new ListingStore(database.dataSource());
      AllocationRuleStore rules = new AllocationRuleStore(database.dataSource());
      PushLog pushLog = new PushLog(database.dataSource());
      MarketplaceOrderStore marketplaceOrders = new MarketplaceOrderStore(database.dataSource());
      ChannelSlas slas = new ChannelSlas(database.dataSource());
      ListingIndex listingIndex =
          new ListingIndex(listings, channelConfig.getDuration("directory-max-age"));
      MarketplaceOrderIntake intake =
          new MarketplaceOrderIntake(
              system, askTimeout, listingIndex, marketplaceOrders, slas, blocking);
      ChannelBackend channelBackend =
          new JdbcChannelBackend(
              channels,
              listings,
              rules,
              pushLog,
              new ShipmentWriteBacks(database.dataSource()),
              marketplaceOrders);
      StockToChannelsAdapter channelFeed =
          new StockToChannelsAdapter(
              system, channelBackend, blocking, channelConfig.getDuration("directory-max-age"));

      WaitlistEntity.Client waitlists = new WaitlistEntity.Client(system, askTimeout);
      StockListener skuListener = new StockToOrdersAdapter(system, waitlists);
      if (channelConfig.getBoolean("fast-path")) {
        skuListener = skuListener.andThen(channelFeed);
      } else {
        // Exists for tests and for diagnosing: without the fast path, a change that reaches a
        // channel can only have come through the journal feed or a reconciliation.
        log.warn("The fast path from SKUs to channels is off; channels follow the journal feed");
      }
      SkuEntity.init(
          system, SkuEntity.Settings.fromConfig(config.getConfig("ec.sku")), skuListener);
      // The saga's calls to SKUs and waitlists are retried with the same ids; a short attempt lets
      // a call that was dropped while its shard moved go again well within the caller's wait.
      OrderEntity.init(
          system,
          resendAfter.isZero() ? askTimeout : resendAfter,
          config.getDuration("ec.order.idle-timeout"));
      WaitlistEntity.init(system, askTimeout);
      ChannelEntity.init(
          system,
          ChannelEntity.Settings.fromConfig(channelConfig),
          channelBackend,
          new MarketplaceClient(blocking, channelConfig.getDuration("call-timeout")),
          intake,
          blocking);
      SkuProjection.init(system, database);
      OrderProjection.init(system, database);
      KpiProjections.init(system, database);
      ChannelFeedProjection.init(system, database, channelFeed, askTimeout);
      wakeChannels(system, channelBackend, blocking);
      ObjectMapper json =
          JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(metrics);
      new JvmGcMetrics().bindTo(metrics);
      new JvmThreadMetrics().bindTo(metrics);
      new ProcessorMetrics().bindTo(metrics);

      String adminKey = adminKey(http);
      TenantStore tenants = new TenantStore(database.dataSource());
      List<Endpoint> endpoints = new ArrayList<>();
      endpoints.addAll(
          new OperationsRoutes(
                  () -> !lifecycle.draining() && ready(system, database), metrics, blocking)
              .endpoints());
      endpoints.addAll(
          new ClusterRoutes(
                  system,
                  List.of(
                      SkuEntity.TYPE_KEY,
                      OrderEntity.TYPE_KEY,
                      WaitlistEntity.TYPE_KEY,
                      ChannelEntity.TYPE_KEY),
                  askTimeout)
              .endpoints());
      endpoints.addAll(new TenantRoutes(tenants, json, blocking).endpoints());
      SkuRoutes skuRoutes =
          new SkuRoutes(
              ClusterSharding.get(system),
              askTimeout,
              resendAfter,
              json,
              new SkuSummaries(database.dataSource()),
              blocking);
      endpoints.addAll(skuRoutes.endpoints());
      endpoints.addAll(
          new ChannelRoutes(
                  ClusterSharding.get(system),
                  askTimeout,
                  json,
                  channels,
                  listings,
                  rules,
                  slas,
                  skuRoutes,
                  pushLog,
                  channelFeed,
                  listingIndex,
                  blocking)
              .endpoints());
      WebhookDeliveries webhookDeliveries = new WebhookDeliveries(database.dataSource());
      forgetOldWebhookDeliveries(system, webhookDeliveries, blocking);
      endpoints.addAll(
          new WebhookRoutes(
                  ClusterSharding.get(system),
                  askTimeout,
                  channels,
                  config.getDuration("ec.webhooks.signers-max-age"),
                  webhookDeliveries,
                  intake,
                  blocking)
              .endpoints());
      ShippingCapacityStore capacities = new ShippingCapacityStore(database.dataSource());
      ShippingCapacityGuard capacityGuard =
          new ShippingCapacityGuard(system, capacities, channels, slas, blocking);
      capacityGuard.start(system, config.getDuration("ec.shipping-capacity.check-interval"));
      pruneSnapshots(
          system, database, config.getDuration("ec.sku.snapshot-prune-interval"), blocking);
      keepPlannerStatistics(
          system, database, config.getDuration("ec.db.analyze-interval"), blocking);
      endpoints.addAll(
          new CapacityRoutes(json, capacities, channels, slas, capacityGuard, blocking)
              .endpoints());
      endpoints.addAll(
          new OrderRoutes(
                  ClusterSharding.get(system),
                  askTimeout,
                  resendAfter,
                  json,
                  new OrderSummaries(database.dataSource()),
                  slas,
                  channels,
                  blocking)
              .endpoints());
      Fulfillment fulfillment =
          new Fulfillment(
              system,
              askTimeout,
              new ShipmentStore(database.dataSource()),
              new FulfillmentSettingsStore(database.dataSource()),
              blocking,
              metrics,
              java.time.Clock.systemUTC());
      fulfillment.start(system, config.getDuration("ec.fulfillment.poll-interval"));
      endpoints.addAll(new ShipmentRoutes(fulfillment, json, blocking).endpoints());
      endpoints.addAll(new ConsoleAssets().endpoints());
      endpoints.addAll(
          new SkuHistoryRoutes(system, new JournalHistory(database.dataSource()), json, blocking)
              .endpoints());
      endpoints.addAll(new ReportRoutes(new KpiStore(database.dataSource()), blocking).endpoints());
      ConsoleFeed consoleFeed =
          new ConsoleFeed(
              ConsoleFeed.Settings.fromConfig(config.getConfig("ec.console")),
              new OverviewStore(database.dataSource()),
              channels,
              ClusterSharding.get(system),
              askTimeout,
              skuRoutes::currentView,
              json,
              blocking,
              Materializer.matFromSystem(system),
              metrics);
      consoleFeed.start(system);
      endpoints.addAll(new ConsoleRoutes(consoleFeed).endpoints());
      ApiHandler handler =
          new ApiHandler(
              endpoints,
              adminKey,
              new ApiHandler.TenantKeys() {
                @Override
                public Optional<String> tenantFor(String apiKey) {
                  return tenants.authenticate(apiKey);
                }

                @Override
                public Optional<String> knownTenantFor(String apiKey) {
                  return tenants.cachedTenant(apiKey);
                }
              },
              blocking,
              json,
              Materializer.matFromSystem(system),
              http.getBytes("max-body-bytes"),
              http.getInt("max-in-flight"),
              http.getDuration("response-deadline"),
              metrics);

      // Every response passes the lifecycle, which asks clients to reconnect elsewhere while the
      // node drains.
      org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> serve =
          request -> handler.apply(request).thenApply(lifecycle::decorate);
      ServerBinding binding =
          Http.get(system)
              .newServerAt(http.getString("interface"), http.getInt("port"))
              .bind(serve)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      // Unbinds in service-unbind, then lets accepted requests finish (service-requests-done).
      binding.addToCoordinatedShutdown(
          config.getDuration("ec.cluster.shutdown.requests-deadline"), system);
      log.info("ec-engine listening on {}", binding.localAddress());
      return new Server(system, binding, adminKey, handler);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("The engine failed to start", e);
    }
  }

  /**
   * Starts the actor of every channel (remembered ones come back by themselves, but a channel
   * created while no node ran, or restored from a backup, would otherwise wait for its first stock
   * change). Every node does it; a channel already running just reconciles.
   */
  private static void wakeChannels(
      ActorSystem<Void> system, ChannelBackend backend, Executor blocking) {
    ClusterSharding sharding = ClusterSharding.get(system);
    CompletableFuture.supplyAsync(backend::allChannels, blocking)
        .whenComplete(
            (keys, error) -> {
              if (error != null) {
                log.warn("Could not list the channels to start; they start on demand", error);
                return;
              }
              keys.forEach(
                  k ->
                      sharding
                          .entityRefFor(ChannelEntity.TYPE_KEY, k.entityId())
                          .tell(ChannelEntity.Reload.INSTANCE));
            });
  }

  private static String adminKey(Config http) {
    String configured = http.getString("admin-key");
    if (!configured.isBlank()) {
      return configured;
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String generated = "ec_admin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    // Shown once so that a local run is usable without setup; set EC_ADMIN_KEY in production.
    log.warn("EC_ADMIN_KEY is not set; this run's administrator key is {}", generated);
    return generated;
  }

  // Limitation: with the database down every node is unready, so a Kubernetes Service has no
  // endpoints and clients get refused connections rather than 503 problems.
  private static boolean ready(ActorSystem<Void> system, Database database) {
    if (Cluster.get(system).selfMember().status() != MemberStatus.up()) {
      return false;
    }
    try (Connection connection = database.dataSource().getConnection()) {
      return connection.isValid(2);
    } catch (Exception e) {
      return false;
    }
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public String adminKey() {
    return adminKey;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public List<Endpoint> endpoints() {
    return handler.endpoints();
  }

  /** Stops taking requests, shuts the node down and waits until it has. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("The engine did not stop in time", e);
    }
  }

  /**
   * Forgets webhook delivery ids after two days, hourly: far beyond the longest redelivery window
   * of any marketplace (Shopify retries for 4 hours), so a redelivery is still recognised, and the
   * table does not grow for ever. Every node runs it; the delete is idempotent.
   */
  private static void forgetOldWebhookDeliveries(
      ActorSystem<?> system, WebhookDeliveries deliveries, Executor blocking) {
    Duration every = Duration.ofHours(1);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            every,
            every,
            () ->
                blocking.execute(
                    () -> {
                      try {
                        deliveries.forgetBefore(Instant.now().minus(Duration.ofDays(2)));
                      } catch (RuntimeException e) {
                        log.warn(
                            "Forgetting old webhook deliveries failed; it runs again later", e);
                      }
                    }),
            system.executionContext());
  }

  /**
   * On a PostgreSQL server with autovacuum off, analyzes the engine's tables every {@code interval}
   * (see PlannerStatistics); with autovacuum on, or on H2, does nothing.
   */
  private static void keepPlannerStatistics(
      ActorSystem<?> system, Database database, Duration interval, Executor blocking) {
    if (database.vendor() != Vendor.POSTGRESQL || interval.isZero()) {
      return;
    }
    PlannerStatistics statistics = new PlannerStatistics(database.dataSource());
    blocking.execute(
        () -> {
          try {
            if (statistics.serverKeepsThemFresh()) {
              return;
            }
          } catch (RuntimeException e) {
            log.warn("Could not tell whether PostgreSQL analyzes tables itself", e);
            return;
          }
          log.warn(
              "PostgreSQL runs without autovacuum: the engine analyzes its own tables every {}."
                  + " Turn autovacuum on in production.",
              interval);
          system
              .scheduler()
              .scheduleWithFixedDelay(
                  // Out of the way of the start itself, which has enough to do.
                  Duration.ofSeconds(10),
                  interval,
                  () ->
                      blocking.execute(
                          () -> {
                            try {
                              statistics.analyze();
                            } catch (RuntimeException e) {
                              log.warn("Analyzing the tables failed; it runs again later", e);
                            }
                          }),
                  system.executionContext());
        });
  }

  /** Deletes the SKU snapshots that newer ones replaced, on the blocking threads. */
  private static void pruneSnapshots(
      ActorSystem<?> system, Database database, Duration interval, Executor blocking) {
    SnapshotPruner pruner =
        new SnapshotPruner(database.dataSource(), SkuEntity.TYPE_KEY.name() + "|");
    system
        .scheduler()
        .scheduleWithFixedDelay(
            interval,
            interval,
            () ->
                blocking.execute(
                    () -> {
                      try {
                        int deleted = pruner.prune();
                        if (deleted > 0) {
                          log.debug("Deleted {} replaced SKU snapshots", deleted);
                        }
                      } catch (RuntimeException e) {
                        log.warn("Pruning SKU snapshots failed; it runs again later", e);
                      }
                    }),
            system.executionContext());
  }
}
