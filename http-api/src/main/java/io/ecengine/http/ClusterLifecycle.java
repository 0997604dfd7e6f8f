package io.ecengine.http;

import com.typesafe.config.Config;
import io.ecengine.persistence.WriteFence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node joins the cluster, leaves it, and stops writing when it must.
 *
 * <ul>
 *   <li>Join: through the seed nodes of {@code ec.cluster.seed-nodes}, or alone when there are
 *       none.
 *   <li>Leave (SIGTERM, a pod deletion, {@link Server#close()}): before the HTTP port closes, the
 *       node drains: {@code /ready} answers 503 and every response carries {@code Connection:
 *       close} for {@code ec.cluster.shutdown.drain}, so that load balancers move away while it
 *       still serves. Pekko's coordinated shutdown then unbinds, finishes accepted requests, hands
 *       the shards over and leaves.
 *   <li>Downed by the cluster: the node closes its {@link WriteFence} at once and skips the drain;
 *       its shards are already being started elsewhere.
 *   <li>Frozen longer than {@code ec.cluster.pause-fence}: the fence closes by itself (see {@link
 *       WriteFence}) and the process stops, to be restarted fresh.
 * </ul>
 */
final class ClusterLifecycle {

  /** Exit status of a process that stopped itself after a pause (EX_TEMPFAIL: try again). */
  static final int PAUSED_EXIT_STATUS = 75;

  private static final Logger log = LoggerFactory.getLogger(ClusterLifecycle.class);

  private final ActorSystem<?> system;
  private final WriteFence fence;
  private final Duration drain;
  private final AtomicBoolean draining = new AtomicBoolean();

  private ClusterLifecycle(ActorSystem<?> system, WriteFence fence, Duration drain) {
    this.system = system;
    this.fence = fence;
    this.drain = drain;
  }

  /** Joins the cluster and installs the shutdown, downing and pause handling. */
  static ClusterLifecycle start(ActorSystem<?> system, Config config, WriteFence fence) {
    ClusterLifecycle lifecycle =
        new ClusterLifecycle(system, fence, config.getDuration("ec.cluster.shutdown.drain"));
    boolean exitJvm = config.getBoolean("pekko.coordinated-shutdown.exit-jvm");
    fence.onClose(reason -> lifecycle.onFenceClosed(exitJvm));
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "ec-drain",
        () -> lifecycle.drain(shutdown));
    system.systemActorOf(lifecycle.watcher(), "ec-cluster-lifecycle", Props.empty());
    join(system, config);
    return lifecycle;
  }

  /** True from the moment the node started to shut down; readiness then answers 503. */
  boolean draining() {
    return draining.get();
  }

  /** While draining, asks the client to close the connection after this response. */
  HttpResponse decorate(HttpResponse response) {
    return draining.get() ? response.addHeader(Connection.create("close")) : response;
  }

  private CompletionStage<Done> drain(CoordinatedShutdown shutdown) {
    draining.set(true);
    Object reason = shutdown.getShutdownReason().orElse(null);
    if (CoordinatedShutdown.clusterDowningReason().equals(reason)) {
      fence.close("the cluster downed this node; its shards run elsewhere now");
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    log.info(
        "Shutting down ({}): /ready answers 503 for {} before the HTTP port closes", reason, drain);
    CompletableFuture<Done> drained = new CompletableFuture<>();
    system
        .scheduler()
        .scheduleOnce(drain, () -> drained.complete(Done.getInstance()), system.executionContext());
    return drained;
  }

  private void onFenceClosed(boolean exitJvm) {
    if (!fence.closedByPause()) {
      return;
    }
    if (exitJvm) {
      // No coordinated shutdown: its phases would let this node's actors run on for seconds, and
      // the cluster has most likely replaced it already. Halting skips the JVM's shutdown hooks.
      System.err.println("ec-engine: stopping after a JVM pause; " + fence.reason().orElse(""));
      Runtime.getRuntime().halt(PAUSED_EXIT_STATUS);
    } else {
      system.terminate();
    }
  }

  /** Logs membership of this node and closes the fence when the cluster downs it. */
  private Behavior<Object> watcher() {
    return Behaviors.setup(
        context -> {
          Cluster cluster = Cluster.get(context.getSystem());
          ActorRef<Object> self = context.getSelf();
          cluster.subscriptions().tell(Subscribe.create(self.narrow(), SelfUp.class));
          cluster
              .subscriptions()
              .tell(Subscribe.create(self.narrow(), ClusterEvent.MemberDowned.class));
          return Behaviors.receive(Object.class)
              .onMessage(
                  SelfUp.class,
                  up -> {
                    log.info(
                        "Joined the cluster as {} ({} members up)",
                        cluster.selfMember().address(),
                        up.currentClusterState().members().size());
                    return Behaviors.same();
                  })
              .onMessage(
                  ClusterEvent.MemberDowned.class,
                  downed -> {
                    if (downed
                        .member()
                        .uniqueAddress()
                        .equals(cluster.selfMember().uniqueAddress())) {
                      fence.close("the cluster downed this node; its shards run elsewhere now");
                    } else {
                      log.warn("The cluster downed {}", downed.member().address());
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  // Limitation: seed nodes are static; Pekko Management (discovery through the Kubernetes API) does
  // not resolve with Pekko 1.7.0 here. A new cluster forms only once the first seed node runs.
  private static void join(ActorSystem<?> system, Config config) {
    Cluster cluster = Cluster.get(system);
    List<Address> seeds = seedNodes(config.getString("ec.cluster.seed-nodes"), system.name());
    if (!seeds.isEmpty()) {
      log.info("Joining the cluster through seed nodes {}", seeds);
      cluster.manager().tell(new JoinSeedNodes(seeds));
    } else if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  /**
   * Parses a comma-separated seed node list: {@code host:port} entries (the remoting address) or
   * full {@code pekko://system@host:port} addresses. IPv6 hosts go in brackets.
   */
  static List<Address> seedNodes(String list, String systemName) {
    List<Address> seeds = new ArrayList<>();
    for (String raw : list.split(",")) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      String uri = entry.contains("://") ? entry : "pekko://" + systemName + "@" + entry;
      Address address;
      try {
        address = AddressFromURIString.parse(uri);
      } catch (Exception malformed) {
        // Scala throws MalformedURLException without declaring it.
        address = null;
      }
      if (address == null
          || address.getHost().isEmpty()
          || address.getHost().get().isEmpty()
          || address.getPort().isEmpty()
          || address.getPort().get() < 1
          || address.getPort().get() > 65535) {
        throw new IllegalArgumentException(
            "Seed node '"
                + entry
                + "' is neither host:port nor pekko://"
                + systemName
                + "@host:port");
      }
      seeds.add(address);
    }
    return List.copyOf(seeds);
  }
}
