package io.ecengine.http;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.jdbc.journal.JdbcAsyncWriteJournal;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * The JDBC journal with a hold that a test can put on the next write of one persistence id: the
 * write is stored as usual, but the entity hears that it succeeded only when the test releases it.
 * To the entity that is a slow database, for as long as the test needs and not a moment longer.
 * Enabled with {@code jdbc-journal.class}.
 */
final class HeldJournal extends JdbcAsyncWriteJournal {

  private static final Map<String, Hold> HOLDS = new ConcurrentHashMap<>();

  /** A hold on one write. */
  static final class Hold {
    private final CompletableFuture<Void> reached = new CompletableFuture<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    /** Completes when the held write has reached the journal. */
    CompletableFuture<Void> reached() {
      return reached;
    }

    /** Lets the entity hear that its write succeeded. */
    void release() {
      released.complete(null);
    }
  }

  /** Holds the next write of {@code persistenceId} on the journal of any node in this JVM. */
  static Hold holdNextWrite(String persistenceId) {
    Hold hold = new Hold();
    HOLDS.put(persistenceId, hold);
    return hold;
  }

  public HeldJournal(Config config) {
    super(config);
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    // Written at once, on the journal's own thread as the plugin expects; only the answer waits.
    Future<Seq<Try<BoxedUnit>>> written = super.asyncWriteMessages(messages);
    for (AtomicWrite write : CollectionConverters.asJava(messages)) {
      Hold hold = HOLDS.remove(write.persistenceId());
      if (hold != null) {
        hold.reached.complete(null);
        return FutureConverters.asScala(
            FutureConverters.asJava(written).thenCombine(hold.released, (result, go) -> result));
      }
    }
    return written;
  }
}
