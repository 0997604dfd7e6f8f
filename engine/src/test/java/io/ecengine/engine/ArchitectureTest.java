package io.ecengine.engine;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.ecengine.engine.sku.Component;
import io.ecengine.engine.sku.Levels;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuLedger;
import io.ecengine.engine.sku.SkuOutcome;
import io.ecengine.engine.sku.SkuRequest;
import io.ecengine.engine.sku.StockListener;
import org.junit.jupiter.api.Test;

/**
 * Keeps the domain decisions plain Java: only the entities and the adapters that connect them (and
 * what they declare inside them, such as their protocol) may touch Pekko, Jackson, Typesafe Config
 * or SQL.
 */
class ArchitectureTest {

  private static final JavaClasses ENGINE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.ecengine.engine");

  private static final DescribedPredicate<JavaClass> PART_OF_AN_ENTITY =
      DescribedPredicate.describe(
          "declared in a class named *Entity or *Adapter", ArchitectureTest::isPartOfAnEntity);

  private static final String[] INFRASTRUCTURE = {
    "org.apache.pekko..",
    "org.apache.pekko.http..",
    "com.fasterxml..",
    "com.typesafe..",
    "java.sql..",
    "javax.sql.."
  };

  private static boolean isPartOfAnEntity(JavaClass javaClass) {
    JavaClass outermost = javaClass;
    while (outermost.getEnclosingClass().isPresent()) {
      outermost = outermost.getEnclosingClass().get();
    }
    String name = outermost.getSimpleName();
    return name.endsWith("Entity") || name.endsWith("Adapter");
  }

  private static ArchRule infrastructureOnlyIn(DescribedPredicate<JavaClass> allowed) {
    return noClasses()
        .that()
        .resideInAPackage("io.ecengine.engine..")
        .and(not(allowed))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(INFRASTRUCTURE)
        .because("domain decisions are tested without actors and must not grow I/O")
        .allowEmptyShould(false);
  }

  @Test
  void onlyEntitiesDependOnPekkoJacksonConfigOrSql() {
    infrastructureOnlyIn(PART_OF_AN_ENTITY).check(ENGINE);
  }

  @Test
  void ruleCoversTheDomainClassesAndExemptsOnlyEntities() {
    assertThat(ENGINE.that(not(PART_OF_AN_ENTITY)))
        .extracting(JavaClass::getName)
        .contains(
            SkuLedger.class.getName(),
            SkuLedger.Snapshot.class.getName(),
            SkuRequest.class.getName(),
            SkuRequest.Reserve.class.getName(),
            SkuOutcome.class.getName(),
            SkuEvent.ReservationsPlaced.class.getName(),
            SkuEvent.HoldsFilled.class.getName(),
            StockListener.class.getName(),
            Levels.class.getName(),
            Component.class.getName(),
            io.ecengine.engine.order.Order.class.getName(),
            io.ecengine.engine.order.Demand.class.getName(),
            io.ecengine.engine.order.ShippingSla.class.getName(),
            io.ecengine.engine.order.OrderEvent.AllocationStarted.class.getName(),
            io.ecengine.engine.fulfillment.JapaneseAddress.class.getName(),
            io.ecengine.engine.fulfillment.MergeRule.class.getName(),
            io.ecengine.engine.fulfillment.ShipmentRules.class.getName(),
            io.ecengine.engine.fulfillment.PickList.class.getName(),
            io.ecengine.engine.fulfillment.YamatoB2.class.getName(),
            io.ecengine.engine.fulfillment.SagawaEhiden.class.getName(),
            io.ecengine.engine.fulfillment.ShiftJis.class.getName())
        .doesNotContain(SkuEntity.class.getName(), SkuEntity.Submit.class.getName());
  }

  @Test
  void ruleReportsInfrastructureDependenciesWhenNothingIsExempt() {
    ArchRule withoutExemption = infrastructureOnlyIn(DescribedPredicate.alwaysFalse());

    assertThatThrownBy(() -> withoutExemption.check(ENGINE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(SkuEntity.class.getName())
        .hasMessageContaining("org.apache.pekko");
  }
}
