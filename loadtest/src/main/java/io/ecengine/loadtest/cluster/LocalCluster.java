package io.ecengine.loadtest.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster of engine nodes on 127.0.0.1, each a separate JVM with its own HTTP and remoting port,
 * all on one database, joined through static seed nodes exactly as {@code deploy/local-cluster.sh}
 * does it. A restarted node keeps its ports, as a pod of a StatefulSet keeps its name.
 */
public final class LocalCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN_KEY = "cluster-faults-admin";

  /** What to start. {@code env} is added to every node's environment (after the defaults). */
  public record Settings(
      int nodes,
      String dbUrl,
      String dbUser,
      String dbPassword,
      int poolSize,
      Path workDir,
      Map<String, String> env) {}

  private final Settings settings;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final int[] httpPorts;
  private final int[] remotePorts;
  private final int[] starts;
  private final String secretsKey;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private LocalCluster(Settings settings) {
    this.settings = settings;
    this.httpPorts = freePorts(settings.nodes());
    this.remotePorts = freePorts(settings.nodes());
    this.starts = new int[settings.nodes()];
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.secretsKey = Base64.getEncoder().encodeToString(key);
  }

  /** Starts every node at once and waits until each is ready and sees all of them up. */
  public static LocalCluster start(Settings settings) {
    LocalCluster cluster = new LocalCluster(settings);
    try {
      Files.createDirectories(settings.workDir());
      for (int i = 0; i < settings.nodes(); i++) {
        cluster.nodes.add(cluster.launch(i));
      }
      for (int i = 0; i < settings.nodes(); i++) {
        cluster.awaitReady(i, Duration.ofSeconds(180));
      }
      cluster.awaitMembersUp(settings.nodes(), Duration.ofSeconds(60));
      log.info("Cluster of {} nodes up: {}", settings.nodes(), cluster.nodes);
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  private NodeProcess launch(int index) {
    Map<String, String> env = new HashMap<>();
    env.put("EC_HTTP_PORT", Integer.toString(httpPorts[index]));
    env.put("EC_HTTP_INTERFACE", "127.0.0.1");
    env.put("EC_REMOTE_HOST", "127.0.0.1");
    env.put("EC_REMOTE_PORT", Integer.toString(remotePorts[index]));
    env.put("EC_SEED_NODES", seedNodes());
    env.put("EC_DB_URL", settings.dbUrl());
    env.put("EC_DB_USER", settings.dbUser());
    env.put("EC_DB_PASSWORD", settings.dbPassword());
    env.put("EC_DB_POOL_SIZE", Integer.toString(settings.poolSize()));
    env.put("EC_ADMIN_KEY", ADMIN_KEY);
    env.put("EC_SECRETS_KEY", secretsKey);
    env.put("EC_SHUTDOWN_DRAIN", "3s");
    env.putAll(settings.env());
    starts[index]++;
    String name = "node" + (index + 1);
    Path log = settings.workDir().resolve(name + "-" + starts[index] + ".log");
    return NodeProcess.start(
        name,
        httpPorts[index],
        remotePorts[index],
        System.getProperty("java.class.path"),
        List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        env,
        log);
  }

  private String seedNodes() {
    List<String> seeds = new ArrayList<>();
    for (int port : remotePorts) {
      seeds.add("127.0.0.1:" + port);
    }
    return String.join(",", seeds);
  }

  public int size() {
    return nodes.size();
  }

  public NodeProcess node(int index) {
    return nodes.get(index);
  }

  public List<NodeProcess> nodes() {
    return List.copyOf(nodes);
  }

  public URI base(int index) {
    return URI.create("http://127.0.0.1:" + httpPorts[index]);
  }

  public String adminKey() {
    return ADMIN_KEY;
  }

  /** Starts node {@code index} again on its ports (the old process must have ended). */
  public NodeProcess restart(int index) {
    if (nodes.get(index).isAlive()) {
      throw new IllegalStateException(nodes.get(index) + " still runs");
    }
    NodeProcess node = launch(index);
    nodes.set(index, node);
    return node;
  }

  /** True when node {@code index} answers 200 on /ready. */
  public boolean ready(int index) {
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(base(index).resolve("/ready"))
                  .timeout(Duration.ofSeconds(1))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Duration awaitReady(int index, Duration timeout) {
    return Poll.until(
        nodes.get(index) + " to be ready",
        timeout,
        () -> {
          if (!nodes.get(index).isAlive()) {
            throw new IllegalStateException(
                nodes.get(index) + " exited; see " + nodes.get(index).log());
          }
          return ready(index);
        });
  }

  /** GET /v1/cluster on node {@code index}, as the administrator. */
  public JsonNode clusterView(int index) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(base(index).resolve("/v1/cluster"))
                  .timeout(Duration.ofSeconds(5))
                  .header("Authorization", "Bearer " + ADMIN_KEY)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET /v1/cluster: " + response.statusCode());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Addresses of the members node {@code index} sees with status Up. */
  public List<String> upMembers(int index) {
    List<String> up = new ArrayList<>();
    for (JsonNode member : clusterView(index).path("members")) {
      if (member.path("status").asText().equals("Up")) {
        up.add(member.path("address").asText());
      }
    }
    return up;
  }

  /** The SKU shard ids that run on node {@code index}. */
  public List<String> skuShards(int index) {
    List<String> shards = new ArrayList<>();
    clusterView(index).path("shards").path("Sku").fieldNames().forEachRemaining(shards::add);
    return shards;
  }

  /** Waits until every live node sees exactly {@code count} members, all up and reachable. */
  public void awaitMembersUp(int count, Duration timeout) {
    Poll.until(
        count + " members up",
        timeout,
        () -> {
          for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).isAlive()) {
              continue;
            }
            JsonNode view = clusterView(i);
            long upAndReachable = 0;
            for (JsonNode member : view.path("members")) {
              if (member.path("status").asText().equals("Up")
                  && member.path("reachable").asBoolean()) {
                upAndReachable++;
              }
            }
            if (view.path("members").size() != count || upAndReachable != count) {
              return false;
            }
          }
          return true;
        });
  }

  /** Log lines of every start of every node that contain one of {@code needles}. */
  public List<String> logLinesContaining(List<String> needles) throws IOException {
    List<String> found = new ArrayList<>();
    try (var files = Files.list(settings.workDir())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          for (String needle : needles) {
            if (line.contains(needle)) {
              found.add(file.getFileName() + ": " + line);
              break;
            }
          }
        }
      }
    }
    return found;
  }

  /**
   * Ends every node with kill -9: the scenario has checked what it needed, and a graceful stop of
   * all nodes at once would only cost time (the last one has nobody to hand its shards to).
   */
  @Override
  public void close() {
    for (NodeProcess node : nodes) {
      node.kill();
    }
    for (NodeProcess node : nodes) {
      if (!node.awaitExit(Duration.ofSeconds(30))) {
        log.warn("{} did not end within 30 s of kill -9", node);
      }
    }
    log.info(
        "Cluster ended; logs in {}: {}",
        settings.workDir(),
        nodes.stream().map(NodeProcess::name).collect(Collectors.joining(", ")));
  }

  private static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // The port is free either way.
        }
      }
    }
  }
}
