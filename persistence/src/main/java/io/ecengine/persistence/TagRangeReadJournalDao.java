package io.ecengine.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.collection.immutable.Set$;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Try;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * The read journal's data access with a query for the events of one tag that the database can
 * answer from the tag index alone.
 *
 * <p>The plugin's own query puts the offset range on the journal side of the join ({@code
 * journal.ordering > ?}) and filters the tag table by tag only; PostgreSQL does not carry a range
 * across a join, so every poll of every projection read all of a tag's rows, and the cost of a poll
 * grew with the journal until, after a burst, polls alone saturated the database. Here the range is
 * on {@code event_tag.event_id}, so the {@code (tag, event_id)} index gives exactly the page asked
 * for and each row is joined to the journal by its unique ordering: a poll costs the size of its
 * page, however long the journal. Everything else is the plugin's.
 *
 * <p>Names are those of the V1 migration, quoted as the plugin quotes them on H2 (PostgreSQL reads
 * them alike).
 */
public final class TagRangeReadJournalDao extends DefaultReadJournalDao {

  private static final String EVENTS_BY_TAG =
      "SELECT j.\"ordering\", j.\"deleted\", j.\"persistence_id\", j.\"sequence_number\","
          + " j.\"writer\", j.\"write_timestamp\", j.\"adapter_manifest\", j.\"event_payload\","
          + " j.\"event_ser_id\", j.\"event_ser_manifest\", j.\"meta_payload\", j.\"meta_ser_id\","
          + " j.\"meta_ser_manifest\""
          + " FROM \"event_tag\" t JOIN \"event_journal\" j ON j.\"ordering\" = t.\"event_id\""
          + " WHERE t.\"tag\" = ? AND t.\"event_id\" > ? AND t.\"event_id\" <= ?"
          + " AND j.\"deleted\" = FALSE"
          + " ORDER BY t.\"event_id\" LIMIT ?";

  private final Serialization serialization;

  /** The constructor the plugin calls, with the arguments it gives every read journal DAO. */
  public TagRangeReadJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      ReadJournalConfig readJournalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, readJournalConfig, serialization, ec, mat);
    this.serialization = serialization;
  }

  @Override
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(
      String tag, long offset, long maxOffset, long max) {
    long limit = correctMaxForH2Driver(max);
    // Runs on the database's own executor, like every query of the plugin.
    SimpleJdbcAction<List<JournalPekkoSerializationRow>> read =
        SimpleJdbcAction.apply(
            context -> readPage(context.connection(), tag, offset, maxOffset, limit));
    return org.apache.pekko.stream.javadsl.Source.completionStage(
            FutureConverters.asJava(run(read)))
        .mapConcat(rows -> rows)
        .map(this::deserialize)
        .asScala();
  }

  // Scala declares the effect type covariant, which Java cannot see: an action with every effect is
  // what run takes.
  @SuppressWarnings({"unchecked", "rawtypes"})
  private <R> scala.concurrent.Future<R> run(SimpleJdbcAction<R> action) {
    return db().run((DBIOAction) action);
  }

  private Try<Tuple3<PersistentRepr, Set<String>, Object>> deserialize(
      JournalPekkoSerializationRow row) {
    // Like the plugin, the envelope carries no tags: projections do not read them.
    return PekkoSerialization.fromRow(serialization, row)
        .map(read -> new Tuple3<>(read._1(), Set$.MODULE$.empty(), read._2()));
  }

  private static List<JournalPekkoSerializationRow> readPage(
      Connection connection, String tag, long offset, long maxOffset, long limit) {
    try (PreparedStatement select = connection.prepareStatement(EVENTS_BY_TAG)) {
      select.setString(1, tag);
      select.setLong(2, offset);
      select.setLong(3, maxOffset);
      select.setLong(4, limit);
      List<JournalPekkoSerializationRow> rows = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          rows.add(toRow(row));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the events tagged " + tag, e);
    }
  }

  private static JournalPekkoSerializationRow toRow(ResultSet row) throws SQLException {
    int metaSerId = row.getInt(12);
    Option<Object> metaSerIdOrNone = row.wasNull() ? Option.empty() : Option.apply(metaSerId);
    return new JournalPekkoSerializationRow(
        row.getLong(1),
        row.getBoolean(2),
        row.getString(3),
        row.getLong(4),
        row.getString(5),
        row.getLong(6),
        row.getString(7),
        row.getBytes(8),
        row.getInt(9),
        row.getString(10),
        Option.apply(row.getBytes(11)),
        metaSerIdOrNone,
        Option.apply(row.getString(13)));
  }
}
