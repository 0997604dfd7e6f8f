package io.ecengine.http.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecengine.http.api.ApiException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReportRoutesTest {

  @Test
  void csvCellsAreQuotedAndNeverRunAsFormulas() {
    assertThat(ReportRoutes.cell("TSHIRT-M")).isEqualTo("TSHIRT-M");
    assertThat(ReportRoutes.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(ReportRoutes.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(ReportRoutes.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    assertThat(ReportRoutes.cell("@SUM")).isEqualTo("'@SUM");
    assertThat(ReportRoutes.cell("-0.5")).isEqualTo("-0.5");
    assertThat(ReportRoutes.cell(null)).isEmpty();
  }

  @Test
  void periodsTakeInstantsOrUtcDates() {
    assertThat(ReportRoutes.time("from", "2026-12-24T09:00:00Z"))
        .isEqualTo(Instant.parse("2026-12-24T09:00:00Z"));
    assertThat(ReportRoutes.time("from", "2026-12-24"))
        .isEqualTo(Instant.parse("2026-12-24T00:00:00Z"));
    assertThatThrownBy(() -> ReportRoutes.time("to", "+999999999-12-31T23:59:59Z"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("'to'");
    assertThatThrownBy(() -> ReportRoutes.time("from", "24/12/2026"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("'from'");
  }
}
