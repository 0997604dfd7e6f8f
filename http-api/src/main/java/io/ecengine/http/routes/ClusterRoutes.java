package io.ecengine.http.routes;

import io.ecengine.http.api.Access;
import io.ecengine.http.api.Call;
import io.ecengine.http.api.Endpoint;
import io.ecengine.http.api.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster as this node sees it, for the administrator: members and their status, who is
 * unreachable, and which shards of each entity type run on this node (with their entity counts).
 * Asking every node shows where the shards are; after a failure it shows them moving.
 */
public final class ClusterRoutes {

  private final ActorSystem<?> system;
  private final List<EntityTypeKey<?>> types;
  private final Duration timeout;

  public ClusterRoutes(ActorSystem<?> system, List<EntityTypeKey<?>> types, Duration timeout) {
    this.system = system;
    this.types = List.copyOf(types);
    this.timeout = timeout;
  }

  public List<Endpoint> endpoints() {
    return List.of(new Endpoint("GET", "/v1/cluster", Access.ADMIN, this::get));
  }

  private CompletionStage<Reply> get(Call call) {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    List<Map<String, Object>> members = new ArrayList<>();
    for (Member member : state.getMembers()) {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("address", member.address().toString());
      view.put("status", member.status().toString());
      view.put("reachable", !unreachable.contains(member));
      members.add(view);
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("self", cluster.selfMember().address().toString());
    view.put("selfStatus", cluster.selfMember().status().toString());
    view.put("leader", state.getLeader() == null ? null : state.getLeader().toString());
    view.put("members", members);

    Map<String, Object> shards = new TreeMap<>();
    List<CompletableFuture<Void>> asks = new ArrayList<>();
    for (EntityTypeKey<?> type : types) {
      asks.add(
          AskPattern
              .<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
                  ShardRegion.CurrentShardRegionState>
                  ask(
                      ClusterSharding.get(system).shardState(),
                      replyTo -> new GetShardRegionState(type, replyTo),
                      timeout,
                      system.scheduler())
              .thenAccept(
                  region -> {
                    Map<String, Integer> counts = new TreeMap<>();
                    StreamSupport.stream(region.getShards().spliterator(), false)
                        .forEach(s -> counts.put(s.shardId(), s.getEntityIds().size()));
                    synchronized (shards) {
                      shards.put(type.name(), counts);
                    }
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              view.put("shards", shards);
              return Reply.ok(view);
            });
  }
}
