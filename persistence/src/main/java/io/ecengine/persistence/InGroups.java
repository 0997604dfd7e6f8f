package io.ecengine.persistence;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Runs a handler written for one envelope over a group of them, in the group's one transaction
 * (which also stores the offset of its last envelope, so the projection stays exactly-once).
 *
 * <p>A hot SKU writes hundreds of events a second; one transaction and one offset update per event
 * cost the database more than the events themselves, and competed with the journal writes the sales
 * wait for. A group that fails rolls back whole and is processed again after a restart.
 */
final class InGroups<E> extends JdbcHandler<List<E>, PlainJdbcSession> {

  /** Envelopes in one transaction at most; a burst fills them, a quiet shop sends them sooner. */
  static final int SIZE = 500;

  /** How long a group waits to fill: how much later the read side may be than the journal. */
  static final Duration WITHIN = Duration.ofMillis(100);

  private final JdbcHandler<E, PlainJdbcSession> each;

  private InGroups(JdbcHandler<E, PlainJdbcSession> each) {
    this.each = each;
  }

  static <E> Supplier<JdbcHandler<List<E>, PlainJdbcSession>> of(
      Supplier<? extends JdbcHandler<E, PlainJdbcSession>> each) {
    return () -> new InGroups<>(each.get());
  }

  @Override
  public void start() {
    each.start();
  }

  @Override
  public void stop() {
    each.stop();
  }

  @Override
  public void process(PlainJdbcSession session, List<E> envelopes) throws Exception {
    for (E envelope : envelopes) {
      each.process(session, envelope);
    }
  }
}
