package io.ecengine.persistence;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node that may have lost its place in the cluster from touching the database. Once the
 * cluster has downed a node, other nodes start its SKUs, orders and projections; if the old node
 * still wrote, two writers would race for the same journal sequence numbers and projection offsets.
 *
 * <p>The fence closes for good when the node learns it was downed, and when the JVM stood still
 * (SIGSTOP, a very long GC pause, a frozen VM) for longer than {@code pauseLimit}: such a node
 * cannot know whether the cluster moved on without it. The pause is noticed by a watch thread and,
 * independently, by every database statement: a statement compares the clock with the watch's last
 * tick, so even a thread that resumes before the watch does finds the fence closed. Every
 * connection of both pools goes through {@link FencedDriver}, which asks {@link #check()} before it
 * connects, before every statement and before every commit.
 *
 * <p>On PostgreSQL each connection also gets {@code idle_in_transaction_session_timeout}: a node
 * frozen in the middle of a transaction has its uncommitted rows (and their locks) dropped by the
 * server, so the node that takes over is not blocked by them and they can never be committed late.
 */
public final class WriteFence {

  private static final Logger log = LoggerFactory.getLogger(WriteFence.class);
  private static final ConcurrentMap<String, WriteFence> FENCES = new ConcurrentHashMap<>();
  private static final AtomicLong IDS = new AtomicLong();

  private final String id;
  private final long pauseLimitNanos;
  private final Duration idleInTransactionTimeout;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong refused = new AtomicLong();
  private volatile String closedBecause;
  private volatile boolean closedByPause;

  private WriteFence(String id, Duration pauseLimit, Duration idleInTransactionTimeout) {
    this.id = id;
    this.pauseLimitNanos = pauseLimit.toNanos();
    this.idleInTransactionTimeout = idleInTransactionTimeout;
  }

  /**
   * An open fence, registered for {@link FencedDriver} until {@link #release()}.
   *
   * @param pauseLimit a JVM pause longer than this closes the fence; zero turns the check off
   * @param idleInTransactionTimeout PostgreSQL aborts a transaction idle this long; zero leaves the
   *     server's setting alone
   */
  public static WriteFence open(Duration pauseLimit, Duration idleInTransactionTimeout) {
    if (pauseLimit.isNegative() || idleInTransactionTimeout.isNegative()) {
      throw new IllegalArgumentException("Fence durations must not be negative");
    }
    WriteFence fence =
        new WriteFence(Long.toString(IDS.incrementAndGet()), pauseLimit, idleInTransactionTimeout);
    FENCES.put(fence.id, fence);
    if (fence.pauseLimitNanos > 0) {
      PauseWatch.watch(fence);
    }
    return fence;
  }

  static WriteFence forId(String id) {
    return FENCES.get(id);
  }

  /** The JDBC URL that reaches {@code url} through this fence. */
  public String wrap(String url) {
    return FencedDriver.PREFIX + id + ":" + url;
  }

  public Duration idleInTransactionTimeout() {
    return idleInTransactionTimeout;
  }

  /** Closes the fence for good; the first reason is kept. Listeners hear it once. */
  public void close(String reason) {
    close(reason, false);
  }

  private void close(String reason, boolean pause) {
    boolean first;
    synchronized (this) {
      first = closedBecause == null;
      if (first) {
        closedByPause = pause;
        closedBecause = reason;
      }
    }
    if (first) {
      log.error("This node stops using the database: {}", reason);
      listeners.forEach(listener -> listener.accept(reason));
    }
  }

  /** Runs {@code listener} when the fence closes (at once if it already has). */
  public void onClose(Consumer<String> listener) {
    listeners.add(listener);
    String reason = closedBecause;
    if (reason != null && listeners.remove(listener)) {
      listener.accept(reason);
    }
  }

  public boolean isClosed() {
    return reason().isPresent();
  }

  public Optional<String> reason() {
    return Optional.ofNullable(closedBecause);
  }

  /** True when the fence closed because the JVM stood still longer than the pause limit. */
  public boolean closedByPause() {
    return closedByPause;
  }

  /** Statements and connections refused since the fence closed. */
  public long refused() {
    return refused.get();
  }

  /** Throws when the fence is closed, closing it first if the JVM was paused too long. */
  public void check() throws SQLException {
    check(System.nanoTime());
  }

  /** {@link #check()} as if the clock read {@code nowNanos}; tests simulate a pause with it. */
  void check(long nowNanos) throws SQLException {
    String reason = closedBecause;
    if (reason == null && pauseLimitNanos > 0) {
      long stalled = nowNanos - PauseWatch.lastTick;
      if (stalled > pauseLimitNanos) {
        close(pauseReason(stalled), true);
        reason = closedBecause;
      }
    }
    if (reason != null) {
      refused.incrementAndGet();
      // Class 08 (connection exception): pools drop the connection instead of reusing it.
      throw new SQLNonTransientConnectionException(
          "This node no longer uses the database: " + reason, "08003");
    }
  }

  /** Unregisters the fence; connections opened through it afterwards are refused. */
  public void release() {
    FENCES.remove(id);
    PauseWatch.unwatch(this);
  }

  private String pauseReason(long stalledNanos) {
    return "the JVM stood still for "
        + TimeUnit.NANOSECONDS.toMillis(stalledNanos)
        + " ms, longer than the pause limit of "
        + TimeUnit.NANOSECONDS.toMillis(pauseLimitNanos)
        + " ms; the cluster may have moved this node's work elsewhere";
  }

  /**
   * One daemon thread per JVM that ticks every 100 ms. A tick that comes much later than planned
   * means the whole JVM stood still; the thread then closes every fence whose limit was exceeded
   * before it records the new tick, so no statement can see a fresh tick without a closed fence.
   */
  private static final class PauseWatch {

    private static final long TICK_MILLIS = 100;
    private static final List<WriteFence> WATCHED = new CopyOnWriteArrayList<>();
    static volatile long lastTick = System.nanoTime();
    private static Thread thread;

    static synchronized void watch(WriteFence fence) {
      WATCHED.add(fence);
      if (thread == null) {
        lastTick = System.nanoTime();
        thread = new Thread(PauseWatch::run, "ec-pause-watch");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
      }
    }

    static void unwatch(WriteFence fence) {
      WATCHED.remove(fence);
    }

    private static void run() {
      while (true) {
        try {
          Thread.sleep(TICK_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long now = System.nanoTime();
        long stalled = now - lastTick;
        for (WriteFence fence : WATCHED) {
          if (stalled > fence.pauseLimitNanos) {
            fence.close(fence.pauseReason(stalled), true);
          }
        }
        lastTick = now;
      }
    }
  }
}
