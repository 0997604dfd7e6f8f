package io.ecengine.loadtest.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntPredicate;

/**
 * Shop traffic spread over the nodes of a cluster: clients reserving units of random SKUs and
 * placing orders of one or two lines, over real HTTP with keep-alive connections.
 *
 * <p>The clients behave like a load balancer with health checks in front of the nodes: a request
 * goes to the next node (round robin) whose {@code /ready} answered 200 at the last check (every
 * 250 ms). A request whose connection is refused is sent again at once to another node. A 503, a
 * timeout or a broken connection leaves the outcome open, so such a request is sent again with the
 * same id (every write of the API is idempotent by its id) until it gets a definitive answer:
 * acknowledged (201/200) or rejected as sold out (409). What the cluster acknowledged is kept in
 * {@link Books} for the audit.
 */
public final class Traffic implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CHANNEL = "cf-channel";

  /** How many clients, how fast, and how long one request may take before it counts as lost. */
  public record Settings(
      int reservationClients,
      int orderClients,
      double requestsPerSecondPerClient,
      Duration requestTimeout) {}

  /** What one HTTP exchange ended as. */
  public enum Result {
    ACKED,
    REJECTED,
    UNAVAILABLE,
    REFUSED,
    TIMED_OUT,
    BROKEN,
    UNEXPECTED;

    boolean definitive() {
      return this == ACKED || this == REJECTED || this == UNEXPECTED;
    }
  }

  /** Counts of exchanges that ended within one window of time. */
  public static final class Window {
    private final String name;
    private final Map<Result, LongAdder> counts = new EnumMap<>(Result.class);
    private final AtomicLong maxLatencyNanos = new AtomicLong();
    private final AtomicLong maxOrderLatencyNanos = new AtomicLong();
    private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();

    Window(String name) {
      this.name = name;
      for (Result result : Result.values()) {
        counts.put(result, new LongAdder());
      }
    }

    void record(Result result, long latencyNanos, String detail) {
      counts.get(result).increment();
      maxLatencyNanos.accumulateAndGet(latencyNanos, Math::max);
      if (detail.startsWith("POST /v1/orders")) {
        maxOrderLatencyNanos.accumulateAndGet(latencyNanos, Math::max);
      }
      if (result == Result.UNEXPECTED && unexpected.size() < 20) {
        unexpected.add(detail);
      }
    }

    public String name() {
      return name;
    }

    public long count(Result result) {
      return counts.get(result).sum();
    }

    public long total() {
      return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Duration maxLatency() {
      return Duration.ofNanos(maxLatencyNanos.get());
    }

    public List<String> unexpectedSamples() {
      return List.copyOf(unexpected);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s: %d requests: %d acknowledged, %d sold out (409), %d answered 503, %d refused"
              + " connections, %d timed out, %d broken connections, %d unexpected; slowest %d ms"
              + " (slowest order placement %d ms)",
          name,
          total(),
          count(Result.ACKED),
          count(Result.REJECTED),
          count(Result.UNAVAILABLE),
          count(Result.REFUSED),
          count(Result.TIMED_OUT),
          count(Result.BROKEN),
          count(Result.UNEXPECTED),
          maxLatency().toMillis(),
          Duration.ofNanos(maxOrderLatencyNanos.get()).toMillis());
    }
  }

  /** One answer, with the node that gave it. */
  record Answer(Result result, int status, JsonNode body, long latencyNanos) {}

  /** One line of an order. */
  public record Line(String sku, int quantity) {}

  /** What the cluster acknowledged: the audit checks every entry. */
  public static final class Books {
    final Map<String, Line> reservations = new ConcurrentHashMap<>();
    final Map<String, List<Line>> orders = new ConcurrentHashMap<>();
    final LongAdder rejected = new LongAdder();

    public int reservations() {
      return reservations.size();
    }

    public int orders() {
      return orders.size();
    }

    public long rejected() {
      return rejected.sum();
    }
  }

  /** A write that has not had a definitive answer yet. */
  private record Pending(String kind, String id, String path, String body, List<Line> lines) {}

  private final LocalCluster cluster;
  private final String tenantId;
  private final String key;
  private final List<String> skus;
  private final Settings settings;
  private final Books books = new Books();
  private final AtomicReference<Window> window =
      new AtomicReference<>(new Window("load before the fault"));
  private final Queue<Pending> unresolved = new ConcurrentLinkedQueue<>();
  private final Window whole = new Window("whole run");
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final String runId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  private final java.util.concurrent.atomic.AtomicIntegerArray ready;
  private final List<Thread> threads = new ArrayList<>();
  private final ThreadLocal<HttpClient> http =
      ThreadLocal.withInitial(
          () ->
              HttpClient.newBuilder()
                  .version(HttpClient.Version.HTTP_1_1)
                  .connectTimeout(Duration.ofSeconds(2))
                  .build());

  private Traffic(
      LocalCluster cluster, String tenantId, String key, List<String> skus, Settings settings) {
    this.cluster = cluster;
    this.tenantId = tenantId;
    this.key = key;
    this.skus = List.copyOf(skus);
    this.settings = settings;
    this.ready = new java.util.concurrent.atomic.AtomicIntegerArray(cluster.size());
    for (int i = 0; i < cluster.size(); i++) {
      ready.set(i, 1);
    }
  }

  /**
   * Creates a tenant and {@code skuCount} SKUs, and returns the traffic for them (not yet running).
   * Even SKUs get {@code stock} units on hand, odd ones a tenth of it, so that some sell out during
   * a run and the oversell checks meet SKUs at zero.
   */
  public static Traffic setUp(
      LocalCluster cluster, Settings settings, String tenantId, int skuCount, int stock) {
    Traffic traffic = new Traffic(cluster, tenantId, null, List.of(), settings);
    Answer tenant =
        traffic.sendTo(
            0,
            "POST",
            "/v1/tenants",
            "{\"tenantId\":\"" + tenantId + "\",\"name\":\"Cluster faults\"}",
            cluster.adminKey());
    if (tenant.result() != Result.ACKED) {
      throw new IllegalStateException("Could not create the tenant: " + tenant);
    }
    String key = tenant.body().path("apiKey").asText();
    List<String> skus = new ArrayList<>();
    for (int i = 1; i <= skuCount; i++) {
      skus.add(String.format(Locale.ROOT, "CF-%03d", i));
    }
    Traffic ready = new Traffic(cluster, tenantId, key, skus, settings);
    for (int i = 0; i < skus.size(); i++) {
      String sku = skus.get(i);
      int node = i % cluster.size();
      ready.require(node, "PUT", "/v1/skus/" + sku, "{\"name\":\"Cluster fault " + sku + "\"}");
      ready.require(
          node,
          "POST",
          "/v1/skus/" + sku + "/adjustments",
          "{\"adjustmentId\":\"stock-"
              + sku
              + "\",\"delta\":"
              + (i % 2 == 0 ? stock : Math.max(1, stock / 10))
              + ",\"reason\":\"receipt\"}");
    }
    return ready;
  }

  /**
   * Sends a set-up request until it is acknowledged, as a client would: a cluster that has just
   * formed may still be placing its first shards, and answers 503 (retry later) meanwhile. Every
   * set-up request is idempotent. Anything else, or no answer within a minute, fails the set-up.
   */
  private void require(int node, String method, String path, String body) {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      Answer answer = sendTo(node, method, path, body, key);
      if (answer.result() == Result.ACKED) {
        return;
      }
      boolean open =
          answer.result() == Result.UNAVAILABLE
              || answer.result() == Result.TIMED_OUT
              || answer.result() == Result.BROKEN;
      if (!open || System.nanoTime() > deadline) {
        throw new IllegalStateException(method + " " + path + " failed during set-up: " + answer);
      }
      Poll.pause(Duration.ofMillis(500));
    }
  }

  public List<String> skus() {
    return skus;
  }

  public String tenantId() {
    return tenantId;
  }

  public Books books() {
    return books;
  }

  /** Every exchange since the traffic was set up. */
  public Window whole() {
    return whole;
  }

  /** Starts counting into a new window and returns the one that ends. */
  public Window newWindow(String name) {
    return window.getAndSet(new Window(name));
  }

  /** Starts the health checks and the clients. */
  public void start() {
    running.set(true);
    Thread health = new Thread(this::checkHealth, "traffic-health");
    health.setDaemon(true);
    health.start();
    threads.add(health);
    for (int i = 0; i < settings.reservationClients(); i++) {
      threads.add(client("reserve-" + i, this::nextReservation));
    }
    for (int i = 0; i < settings.orderClients(); i++) {
      threads.add(client("order-" + i, this::nextOrder));
    }
  }

  private Thread client(String name, java.util.function.Supplier<Pending> next) {
    Thread thread =
        new Thread(
            () -> {
              long interval = (long) (1_000_000_000L / settings.requestsPerSecondPerClient());
              long due = System.nanoTime();
              while (running.get()) {
                Pending pending = next.get();
                if (!drive(pending, Long.MAX_VALUE, node -> true)) {
                  unresolved.add(pending);
                }
                due += interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                  Poll.pause(Duration.ofNanos(wait));
                } else {
                  due = System.nanoTime();
                }
              }
            },
            "traffic-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Stops the clients after their current request. */
  public void stop() {
    running.set(false);
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(60).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    threads.clear();
  }

  /** Sends every request still without a definitive answer again until it has one. */
  public int settle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int settled = 0;
    Pending pending;
    List<Pending> left = new ArrayList<>();
    while ((pending = unresolved.poll()) != null) {
      if (drive(pending, deadline, node -> true)) {
        settled++;
      } else {
        left.add(pending);
      }
    }
    unresolved.addAll(left);
    return settled;
  }

  public int unresolved() {
    return unresolved.size();
  }

  private Pending nextReservation() {
    String sku = skus.get(ThreadLocalRandom.current().nextInt(skus.size()));
    int quantity = 1 + ThreadLocalRandom.current().nextInt(3);
    return reservation(sku, quantity, "r");
  }

  private Pending reservation(String sku, int quantity, String prefix) {
    String id = prefix + "-" + runId + "-" + ids.incrementAndGet();
    return new Pending(
        "reservation",
        id,
        "/v1/skus/" + sku + "/reservations",
        "{\"reservationId\":\"" + id + "\",\"quantity\":" + quantity + "}",
        List.of(new Line(sku, quantity)));
  }

  private Pending nextOrder() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Line> lines = new ArrayList<>();
    String first = skus.get(random.nextInt(skus.size()));
    lines.add(new Line(first, 1 + random.nextInt(2)));
    if (random.nextBoolean()) {
      String second = skus.get(random.nextInt(skus.size()));
      if (!second.equals(first)) {
        lines.add(new Line(second, 1 + random.nextInt(2)));
      }
    }
    String id = "o-" + runId + "-" + ids.incrementAndGet();
    StringBuilder body = new StringBuilder();
    body.append("{\"channelId\":\"")
        .append(CHANNEL)
        .append("\",\"channelOrderId\":\"")
        .append(id)
        .append("\",\"lines\":[");
    for (int i = 0; i < lines.size(); i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"sku\":\"")
          .append(lines.get(i).sku())
          .append("\",\"quantity\":")
          .append(lines.get(i).quantity())
          .append('}');
    }
    body.append("]}");
    return new Pending("order", id, "/v1/orders", body.toString(), List.copyOf(lines));
  }

  /**
   * Sends {@code pending} until it has a definitive answer, to nodes {@code allowed} accepts; gives
   * up at {@code deadline} (nanoTime) or when the traffic stops. True when it was answered.
   */
  private boolean drive(Pending pending, long deadline, IntPredicate allowed) {
    while (System.nanoTime() < deadline && (running.get() || deadline != Long.MAX_VALUE)) {
      int node = pick(allowed);
      Answer answer = sendTo(node, "POST", pending.path(), pending.body(), key);
      switch (answer.result()) {
        case ACKED -> {
          book(pending, answer);
          return true;
        }
        case REJECTED, UNEXPECTED -> {
          books.rejected.increment();
          return true;
        }
        case REFUSED -> ready.set(node, 0);
        case UNAVAILABLE -> Poll.pause(Duration.ofMillis(500));
        case TIMED_OUT, BROKEN -> Poll.pause(Duration.ofMillis(100));
      }
      if (closed.get()) {
        return false;
      }
    }
    return false;
  }

  private void book(Pending pending, Answer answer) {
    if (pending.kind().equals("reservation")) {
      books.reservations.put(pending.id(), pending.lines().get(0));
    } else {
      books.orders.put(answer.body().path("orderId").asText(), pending.lines());
    }
  }

  /**
   * Writes to each of {@code skus} through node {@code node} (any ready node when negative) until
   * every one has had a definitive answer, and returns how long after {@code since} (nanoTime) each
   * got its first one. A probe that gets through is a reservation of one unit like any other.
   */
  public Map<String, Duration> probe(List<String> probed, int node, long since, Duration timeout) {
    Map<String, Duration> firstAnswer = new ConcurrentHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Thread> probes = new ArrayList<>();
    for (String sku : probed) {
      Thread thread =
          new Thread(
              () -> {
                while (System.nanoTime() < deadline) {
                  Pending pending = reservation(sku, 1, "p");
                  int target = node >= 0 ? node : pick(n -> true);
                  Answer answer = sendTo(target, "POST", pending.path(), pending.body(), key);
                  if (answer.result() == Result.REFUSED && node < 0) {
                    ready.set(target, 0);
                    continue;
                  }
                  if (answer.result().definitive()) {
                    if (answer.result() == Result.ACKED) {
                      book(pending, answer);
                    } else {
                      books.rejected.increment();
                    }
                    firstAnswer.put(sku, Duration.ofNanos(System.nanoTime() - since));
                    return;
                  }
                  // The outcome is open: settle it later with the same id, probe with a new one.
                  unresolved.add(pending);
                  Poll.pause(Duration.ofMillis(100));
                }
              },
              "probe-" + sku);
      thread.setDaemon(true);
      thread.start();
      probes.add(thread);
    }
    for (Thread thread : probes) {
      try {
        thread.join(timeout.toMillis() + 30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return Collections.unmodifiableMap(firstAnswer);
  }

  // Limitation: clients follow readiness like a load balancer. One that ignores it and opens new
  // connections to a stopping node can meet a reset when the port closes, for connections the
  // kernel had queued but the server never accepted.
  private int pick(IntPredicate allowed) {
    int size = ready.length();
    int start = Math.floorMod(roundRobin.getAndIncrement(), size);
    for (int i = 0; i < size; i++) {
      int node = (start + i) % size;
      if (ready.get(node) == 1 && allowed.test(node)) {
        return node;
      }
    }
    for (int i = 0; i < size; i++) {
      int node = (start + i) % size;
      if (allowed.test(node)) {
        return node;
      }
    }
    return start;
  }

  private void checkHealth() {
    while (running.get()) {
      for (int i = 0; i < ready.length(); i++) {
        ready.set(i, cluster.ready(i) ? 1 : 0);
      }
      Poll.pause(Duration.ofMillis(250));
    }
  }

  /** One exchange with node {@code node}; counted in the current window. */
  Answer sendTo(int node, String method, String path, String body, String bearer) {
    URI uri = cluster.base(node).resolve(path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + bearer);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    long start = System.nanoTime();
    Answer answer;
    try {
      HttpResponse<String> response =
          http.get().send(request.build(), HttpResponse.BodyHandlers.ofString());
      answer = classify(response, System.nanoTime() - start);
    } catch (ConnectException e) {
      answer = new Answer(Result.REFUSED, 0, null, System.nanoTime() - start);
    } catch (HttpTimeoutException e) {
      answer = new Answer(Result.TIMED_OUT, 0, null, System.nanoTime() - start);
    } catch (IOException e) {
      Result result = e.getCause() instanceof ConnectException ? Result.REFUSED : Result.BROKEN;
      answer = new Answer(result, 0, null, System.nanoTime() - start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    String detail = method + " " + path + " -> " + answer.status() + " " + answer.body();
    window.get().record(answer.result(), answer.latencyNanos(), detail);
    whole.record(answer.result(), answer.latencyNanos(), detail);
    return answer;
  }

  private static Answer classify(HttpResponse<String> response, long latency) {
    JsonNode body;
    try {
      body = response.body().isEmpty() ? null : JSON.readTree(response.body());
    } catch (IOException notJson) {
      body = null;
    }
    int status = response.statusCode();
    Result result;
    if (status == 200 || status == 201) {
      result = Result.ACKED;
    } else if (status == 409
        && body != null
        && body.path("type").asText().endsWith(":insufficient-stock")) {
      result = Result.REJECTED;
    } else if (status == 503) {
      result = Result.UNAVAILABLE;
    } else {
      result = Result.UNEXPECTED;
    }
    return new Answer(result, status, body, latency);
  }

  /** GET as the tenant from any ready node; null when it did not answer 200. */
  JsonNode get(String path) {
    for (int attempt = 0; attempt < ready.length() * 3; attempt++) {
      Answer answer = sendTo(pick(n -> true), "GET", path, null, key);
      if (answer.status() == 200) {
        return answer.body();
      }
      if (answer.status() == 404) {
        return null;
      }
      Poll.pause(Duration.ofMillis(200));
    }
    return null;
  }

  /** Sends an acknowledged reservation again and returns the status: 200 means it is stored. */
  int replayReservation(String id, Line line) {
    String body = "{\"reservationId\":\"" + id + "\",\"quantity\":" + line.quantity() + "}";
    for (int attempt = 0; attempt < 10; attempt++) {
      Answer answer =
          sendTo(pick(n -> true), "POST", "/v1/skus/" + line.sku() + "/reservations", body, key);
      if (answer.result().definitive()) {
        return answer.status();
      }
      Poll.pause(Duration.ofMillis(200));
    }
    return -1;
  }

  @Override
  public void close() {
    closed.set(true);
    stop();
  }
}
