package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class JdbcSessionsTest {

  @Test
  void projectionTransactionsAloneSkipTheWaitForTheDiskOnPostgres() throws Exception {
    try (TestDatabase db = TestDatabase.migrated(Vendor.POSTGRESQL)) {
      String serverDefault;
      try (PlainJdbcSession plain = JdbcSessions.open(db.dataSource())) {
        serverDefault = synchronousCommit(plain);
      }
      try (PlainJdbcSession projection = JdbcSessions.projectionFactory(db.database()).get()) {
        assertThat(synchronousCommit(projection)).isEqualTo("off");
        projection.commit();
        // The setting lived as long as the transaction: the pooled connection is back to normal.
        assertThat(synchronousCommit(projection)).isEqualTo(serverDefault);
      }
      try (PlainJdbcSession other = JdbcSessions.open(db.dataSource())) {
        assertThat(synchronousCommit(other)).isEqualTo(serverDefault);
      }
    }
  }

  private static String synchronousCommit(PlainJdbcSession session) throws Exception {
    return session.withConnection(
        connection -> {
          try (var statement = connection.createStatement();
              ResultSet row = statement.executeQuery("SHOW synchronous_commit")) {
            row.next();
            return row.getString(1);
          }
        });
  }
}
