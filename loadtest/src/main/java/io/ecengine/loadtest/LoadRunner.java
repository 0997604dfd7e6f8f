package io.ecengine.loadtest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a call at a fixed arrival rate (open model) or with a fixed number of clients that each
 * wait for their answer (closed model), and records latency in an HdrHistogram.
 *
 * <p>In the open model each call has an intended start time on a fixed schedule; its latency is
 * measured from that time, not from when it was actually sent, so a stalled server is charged for
 * the calls it delayed (no coordinated omission).
 */
public final class LoadRunner {

  private static final Logger log = LoggerFactory.getLogger(LoadRunner.class);
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(2);

  /** One call: given its sequence number, completes with an outcome label such as "201". */
  @FunctionalInterface
  public interface Call {
    CompletableFuture<String> send(long sequence);
  }

  private LoadRunner() {}

  /** Closed model: {@code clients} loops, each sending its next call when the last one ends. */
  public static LoadResult closed(String name, int clients, Duration duration, Call call)
      throws InterruptedException {
    Recorder recorder = new Recorder(MAX_MICROS, 3);
    Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    AtomicLong sequence = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    long start = System.nanoTime();
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      loop(call, sequence, end, recorder, outcomes, done);
    }
    Progress progress = Progress.start(name, duration, outcomes);
    done.await();
    progress.stop();
    double seconds = (System.nanoTime() - start) / 1e9;
    return result(name, clients, seconds, recorder.getIntervalHistogram(), outcomes);
  }

  private static void loop(
      Call call,
      AtomicLong sequence,
      long end,
      Recorder recorder,
      Map<String, LongAdder> outcomes,
      CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    long sent = System.nanoTime();
    call.send(sequence.getAndIncrement())
        .whenComplete(
            (outcome, failure) -> {
              recorder.recordValue(Math.min(MAX_MICROS, (System.nanoTime() - sent) / 1000));
              count(outcomes, failure == null ? outcome : failureLabel(failure));
              loop(call, sequence, end, recorder, outcomes, done);
            });
  }

  /**
   * Open model: calls start at {@code ratePerSecond} whatever the server does. At most {@code
   * maxOutstanding} calls are in flight; a call that would exceed it is counted as
   * "client-saturated" instead of queuing without bound in the generator.
   */
  public static LoadResult open(
      String name, double ratePerSecond, Duration duration, int maxOutstanding, Call call)
      throws InterruptedException {
    return open(name, ratePerSecond, duration, maxOutstanding, maxOutstanding, call);
  }

  /**
   * Open model over a fixed number of connections: calls are due at {@code ratePerSecond}; at most
   * {@code connections} are in flight and the others wait in line in the generator, as behind a
   * client's connection pool. Latency counts from when a call was due, so the wait in line is part
   * of it. Beyond {@code maxQueued} waiting calls a call is counted as "client-saturated".
   *
   * <p>Without the limit, every call that finds the connections busy opens one more, and at a few
   * hundred connections the JDK client spends more time on its connection pool than on the calls.
   */
  public static LoadResult open(
      String name,
      double ratePerSecond,
      Duration duration,
      int connections,
      int maxQueued,
      Call call)
      throws InterruptedException {
    Recorder recorder = new Recorder(MAX_MICROS, 3);
    Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    long total = (long) (ratePerSecond * duration.toNanos() / 1e9);
    long intervalNanos = (long) (1e9 / ratePerSecond);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    CountDownLatch finished = new CountDownLatch((int) Math.min(Integer.MAX_VALUE, total));
    long start = System.nanoTime();
    Progress progress = Progress.start(name, duration, outcomes);
    Line line = new Line(connections, call, recorder, outcomes, finished);
    for (long i = 0; i < total; i++) {
      long index = i;
      long intended = start + i * intervalNanos;
      ticker.schedule(
          () -> {
            if (line.waiting() >= maxQueued) {
              count(outcomes, "client-saturated");
              finished.countDown();
              return;
            }
            line.add(index, intended);
          },
          Math.max(0, intended - System.nanoTime()),
          TimeUnit.NANOSECONDS);
    }
    finished.await(duration.toSeconds() + 120, TimeUnit.SECONDS);
    ticker.shutdownNow();
    progress.stop();
    double seconds = (System.nanoTime() - start) / 1e9;
    return result(name, 0, seconds, recorder.getIntervalHistogram(), outcomes);
  }

  /** Calls that are due, sent as connections come free, oldest first. */
  private static final class Line {
    private record Due(long index, long intendedNanos) {}

    private final int connections;
    private final Call call;
    private final Recorder recorder;
    private final Map<String, LongAdder> outcomes;
    private final CountDownLatch finished;
    private final java.util.concurrent.ConcurrentLinkedQueue<Due> queue =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger waiting =
        new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger inFlight =
        new java.util.concurrent.atomic.AtomicInteger();

    Line(
        int connections,
        Call call,
        Recorder recorder,
        Map<String, LongAdder> outcomes,
        CountDownLatch finished) {
      this.connections = connections;
      this.call = call;
      this.recorder = recorder;
      this.outcomes = outcomes;
      this.finished = finished;
    }

    int waiting() {
      return waiting.get();
    }

    void add(long index, long intendedNanos) {
      waiting.incrementAndGet();
      queue.add(new Due(index, intendedNanos));
      drain();
    }

    private void drain() {
      while (true) {
        int busy = inFlight.get();
        if (busy >= connections) {
          return;
        }
        if (!inFlight.compareAndSet(busy, busy + 1)) {
          continue;
        }
        Due next = queue.poll();
        if (next == null) {
          inFlight.decrementAndGet();
          // A call added between the poll and the release would otherwise wait for the next one.
          if (queue.isEmpty()) {
            return;
          }
          continue;
        }
        waiting.decrementAndGet();
        call.send(next.index())
            .whenComplete(
                (outcome, failure) -> {
                  inFlight.decrementAndGet();
                  recorder.recordValue(
                      Math.min(
                          MAX_MICROS,
                          Math.max(0, System.nanoTime() - next.intendedNanos()) / 1000));
                  count(outcomes, failure == null ? outcome : failureLabel(failure));
                  finished.countDown();
                  drain();
                });
      }
    }
  }

  private static LoadResult result(
      String name,
      int clients,
      double seconds,
      Histogram histogram,
      Map<String, LongAdder> outcomes) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    outcomes.forEach((k, v) -> counts.put(k, v.sum()));
    long completed =
        counts.entrySet().stream()
            .filter(e -> !e.getKey().equals("client-saturated"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    LoadResult result = new LoadResult(name, clients, seconds, completed, counts, histogram);
    log.info(result.summary());
    return result;
  }

  private static void count(Map<String, LongAdder> outcomes, String outcome) {
    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  private static String failureLabel(Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    return "error:" + cause.getClass().getSimpleName();
  }

  /** Prints a line every few seconds so a long run shows it is alive. */
  private static final class Progress {
    private final ScheduledExecutorService timer;

    private Progress(ScheduledExecutorService timer) {
      this.timer = timer;
    }

    static Progress start(String name, Duration duration, Map<String, LongAdder> outcomes) {
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
      long start = System.nanoTime();
      timer.scheduleAtFixedRate(
          () -> {
            long sum = outcomes.values().stream().mapToLong(LongAdder::sum).sum();
            long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
            log.info("{}: {}s of {}s, {} calls", name, elapsed, duration.toSeconds(), sum);
          },
          5,
          5,
          TimeUnit.SECONDS);
      return new Progress(timer);
    }

    void stop() {
      timer.shutdownNow();
    }
  }
}
