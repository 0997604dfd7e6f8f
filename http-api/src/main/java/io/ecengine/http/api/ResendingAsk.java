package io.ecengine.http.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Asks a sharded entity and sends the same command again every {@code resendAfter} until one of the
 * sends is answered or {@code timeout} has passed. Sharding delivers at most once: while a shard
 * moves (a rolling restart, a rebalance after a node joined) a region drops the messages it had
 * buffered for it, and an entity that stops for the hand-over drops what was still in its mailbox.
 * Without a resend such a request would wait for the whole ask timeout and end as a 503.
 *
 * <p>Only for commands that are idempotent by an id the caller chose (every write of the API is),
 * or reads: the entity may get the command twice and must answer the second as a replay. Every send
 * waits until the common deadline, so an answer to an earlier send still counts.
 */
public final class ResendingAsk {

  // Limitation: only the HTTP routes and the order saga send again; fire-and-forget messages
  // (stock notifications to channels and waitlists) rely on reconciliation and retry timers.

  private ResendingAsk() {}

  /**
   * The first answer of any send; fails with the first send's failure (a TimeoutException at the
   * deadline) when none was answered. {@code resendAfter} of zero sends once.
   */
  public static <M, R> CompletionStage<R> ask(
      EntityRef<M> entity,
      Function<ActorRef<R>, M> message,
      Duration timeout,
      Duration resendAfter) {
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<R> answer = new CompletableFuture<>();
    entity
        .ask(message::apply, timeout)
        .whenComplete(
            (reply, failure) -> {
              if (failure == null) {
                answer.complete(reply);
              } else {
                answer.completeExceptionally(failure);
              }
            });
    if (!resendAfter.isZero() && !resendAfter.isNegative()) {
      scheduleResend(entity, message, deadline, resendAfter, answer);
    }
    return answer;
  }

  private static <M, R> void scheduleResend(
      EntityRef<M> entity,
      Function<ActorRef<R>, M> message,
      long deadline,
      Duration resendAfter,
      CompletableFuture<R> answer) {
    CompletableFuture.delayedExecutor(resendAfter.toNanos(), TimeUnit.NANOSECONDS)
        .execute(
            () -> {
              long left = deadline - System.nanoTime();
              if (answer.isDone() || left <= 0) {
                return;
              }
              entity.ask(message::apply, Duration.ofNanos(left)).thenAccept(answer::complete);
              scheduleResend(entity, message, deadline, resendAfter, answer);
            });
  }
}
