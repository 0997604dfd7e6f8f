package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SnapshotPrunerTest {

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void keepsTheTwoNewestSnapshotsOfEachEntityOfItsKindOnly(Vendor vendor) throws SQLException {
    try (TestDatabase db = TestDatabase.migrated(vendor)) {
      DataSource ds = db.dataSource();
      for (long seq : new long[] {5, 10, 15, 20}) {
        insert(ds, "Sku|acme|MUG", seq);
      }
      insert(ds, "Sku|acme|CUP", 7);
      insert(ds, "Sku|acme|PLATE", 3);
      insert(ds, "Sku|acme|PLATE", 9);
      insert(ds, "Order|acme|o-1", 1);
      insert(ds, "Order|acme|o-1", 2);
      insert(ds, "Order|acme|o-1", 3);

      SnapshotPruner pruner = new SnapshotPruner(ds, "Sku|");

      assertThat(pruner.prune()).isEqualTo(2);
      assertThat(sequenceNrs(ds, "Sku|acme|MUG")).containsExactly(15L, 20L);
      assertThat(sequenceNrs(ds, "Sku|acme|CUP")).containsExactly(7L);
      assertThat(sequenceNrs(ds, "Sku|acme|PLATE")).containsExactly(3L, 9L);
      assertThat(sequenceNrs(ds, "Order|acme|o-1")).containsExactly(1L, 2L, 3L);
      assertThat(pruner.prune()).isZero();
    }
  }

  private static void insert(DataSource ds, String persistenceId, long sequenceNr)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO \"snapshot\" (\"persistence_id\", \"sequence_number\", \"created\","
                    + " \"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\")"
                    + " VALUES (?, ?, 0, 1, '', ?)")) {
      insert.setString(1, persistenceId);
      insert.setLong(2, sequenceNr);
      insert.setBytes(3, new byte[] {1, 2, 3});
      insert.executeUpdate();
    }
  }

  private static List<Long> sequenceNrs(DataSource ds, String persistenceId) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT \"sequence_number\" FROM \"snapshot\" WHERE \"persistence_id\" = ?"
                    + " ORDER BY \"sequence_number\"")) {
      select.setString(1, persistenceId);
      List<Long> found = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getLong(1));
        }
      }
      return found;
    }
  }
}
