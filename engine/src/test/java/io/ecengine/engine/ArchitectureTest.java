package io.ecengine.engine;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import io.ecengine.engine.channel.ChannelEntity;
import io.ecengine.engine.channel.MarketplaceClient;
import io.ecengine.engine.channel.StockToChannelsAdapter;
import io.ecengine.engine.channel.marketplace.AmazonAdapter;
import io.ecengine.engine.channel.marketplace.MarketplaceRequest;
import io.ecengine.engine.order.OrderEntity;
import io.ecengine.engine.order.StockToOrdersAdapter;
import io.ecengine.engine.order.WaitlistEntity;
import io.ecengine.engine.sku.Component;
import io.ecengine.engine.sku.Levels;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuLedger;
import io.ecengine.engine.sku.SkuOutcome;
import io.ecengine.engine.sku.SkuRequest;
import io.ecengine.engine.sku.StockListener;
import java.net.http.HttpClient;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Keeps the domain decisions plain Java. Each kind of infrastructure (actors, serialization,
 * configuration, SQL, the network) may be used only by the classes whose job needs it, and those
 * are named here one by one, so that a new class, whatever its name, starts out as domain code:
 *
 * <ul>
 *   <li>the actors (the entities with what they declare inside them, such as their protocol and
 *       settings, and the adapters that pass messages between entities) use Pekko, Jackson for
 *       their messages and Typesafe Config for their settings;
 *   <li>the marketplace package reads and writes the marketplaces' JSON with Jackson;
 *   <li>{@link MarketplaceClient} sends the calls the marketplace adapters build, with
 *       java.net.http.
 * </ul>
 */
class ArchitectureTest {

  private static final JavaClasses ENGINE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.ecengine.engine");

  private static final DescribedPredicate<JavaClass> ACTORS =
      declaredIn(
              SkuEntity.class.getName(),
              OrderEntity.class.getName(),
              WaitlistEntity.class.getName(),
              ChannelEntity.class.getName(),
              StockToChannelsAdapter.class.getName(),
              StockToOrdersAdapter.class.getName(),
              // Package-private, so named by its name.
              "io.ecengine.engine.order.SkuCallAdapter")
          .as("the actors");

  private static final DescribedPredicate<JavaClass> WIRE_FORMAT =
      resideInAPackage("io.ecengine.engine.channel.marketplace").as("the marketplace wire format");

  // The channel actor's one network edge: the adapters only build requests and read responses
  // (so that they stay testable from recorded bytes), and this class alone sends them. It uses
  // nothing else of the infrastructure.
  private static final DescribedPredicate<JavaClass> NETWORK_EDGE =
      declaredIn(MarketplaceClient.class.getName()).as("MarketplaceClient");

  private static final DescribedPredicate<JavaClass> NOWHERE =
      DescribedPredicate.describe("no class", javaClass -> false);

  /** A kind of infrastructure, its packages, and the only classes that may depend on it. */
  private record Allowance(String kind, List<String> packages, DescribedPredicate<JavaClass> in) {
    Allowance(String kind, DescribedPredicate<JavaClass> in, String... packages) {
      this(kind, List.of(packages), in);
    }
  }

  private static final List<Allowance> ALLOWANCES =
      List.of(
          new Allowance("Pekko", ACTORS, "org.apache.pekko.."),
          new Allowance("Jackson", ACTORS.or(WIRE_FORMAT), "com.fasterxml.."),
          new Allowance("Typesafe Config", ACTORS, "com.typesafe.."),
          new Allowance("SQL", NOWHERE, "java.sql..", "javax.sql.."),
          new Allowance("network I/O", NETWORK_EDGE, "java.net.http..", "javax.net.."));

  private static DescribedPredicate<JavaClass> declaredIn(String... outermostClassNames) {
    Set<String> names = Set.of(outermostClassNames);
    return DescribedPredicate.describe(
        "declared in " + Arrays.toString(outermostClassNames),
        javaClass -> names.contains(outermost(javaClass).getName()));
  }

  private static JavaClass outermost(JavaClass javaClass) {
    JavaClass outermost = javaClass;
    while (outermost.getEnclosingClass().isPresent()) {
      outermost = outermost.getEnclosingClass().get();
    }
    return outermost;
  }

  private static ArchRule rule(Allowance allowance) {
    return noClasses()
        .that()
        .resideInAPackage("io.ecengine.engine..")
        .and(not(allowance.in()))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(allowance.packages().toArray(String[]::new))
        .allowEmptyShould(false)
        .as(
            (allowance.in() == NOWHERE
                    ? "no engine class"
                    : "no engine class but " + allowance.in().getDescription())
                + " uses "
                + allowance.kind()
                + " "
                + allowance.packages())
        .because("domain decisions are tested without actors and must not grow I/O");
  }

  private static ArchRule allRules(Function<Allowance, Allowance> adjust) {
    return CompositeArchRule.of(
        ALLOWANCES.stream().map(adjust).map(ArchitectureTest::rule).toList());
  }

  @Test
  void infrastructureIsUsedOnlyWhereItsJobIs() {
    allRules(Function.identity()).check(ENGINE);
  }

  @Test
  void everyNamedEdgeExists() {
    assertThat(ENGINE.that(ACTORS))
        .extracting(javaClass -> outermost(javaClass).getName())
        .containsOnly(
            SkuEntity.class.getName(),
            OrderEntity.class.getName(),
            WaitlistEntity.class.getName(),
            ChannelEntity.class.getName(),
            StockToChannelsAdapter.class.getName(),
            StockToOrdersAdapter.class.getName(),
            "io.ecengine.engine.order.SkuCallAdapter");
    assertThat(ENGINE.that(NETWORK_EDGE))
        .extracting(JavaClass::getName)
        .containsExactly(MarketplaceClient.class.getName());
  }

  @Test
  void domainClassesAreNotExempt() {
    DescribedPredicate<JavaClass> anyExemption = ACTORS.or(WIRE_FORMAT).or(NETWORK_EDGE);

    assertThat(ENGINE.that(not(anyExemption)))
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
            io.ecengine.engine.channel.Sellable.class.getName(),
            io.ecengine.engine.channel.PushQueue.class.getName(),
            io.ecengine.engine.fulfillment.JapaneseAddress.class.getName(),
            io.ecengine.engine.fulfillment.MergeRule.class.getName(),
            io.ecengine.engine.fulfillment.ShipmentRules.class.getName(),
            io.ecengine.engine.fulfillment.PickList.class.getName(),
            io.ecengine.engine.fulfillment.YamatoB2.class.getName(),
            io.ecengine.engine.fulfillment.SagawaEhiden.class.getName(),
            io.ecengine.engine.fulfillment.ShiftJis.class.getName())
        .doesNotContain(
            SkuEntity.class.getName(),
            SkuEntity.Submit.class.getName(),
            MarketplaceClient.class.getName());
    // A marketplace adapter is named like an actor adapter but is wire format, not an actor.
    assertThat(ACTORS.test(ENGINE.get(AmazonAdapter.class))).isFalse();
    assertThat(NETWORK_EDGE.test(ENGINE.get(MarketplaceRequest.class))).isFalse();
  }

  @Test
  void rulesReportTheEdgesWhenNothingIsExempt() {
    ArchRule withoutExemptions = allRules(a -> new Allowance(a.kind(), a.packages(), NOWHERE));

    assertThatThrownBy(() -> withoutExemptions.check(ENGINE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(SkuEntity.class.getName())
        .hasMessageContaining("org.apache.pekko")
        .hasMessageContaining(AmazonAdapter.class.getName())
        .hasMessageContaining("com.fasterxml")
        .hasMessageContaining(MarketplaceClient.class.getName())
        .hasMessageContaining("java.net.http");
  }

  /** Named like an adapter and declared in the engine: neither exempts it from anything. */
  static final class PriceFeedAdapter {
    Object client() {
      return HttpClient.newHttpClient();
    }
  }

  @Test
  void rulesReportADomainClassThatSendsHttp() {
    JavaClasses sender = new ClassFileImporter().importClasses(PriceFeedAdapter.class);

    assertThatThrownBy(() -> allRules(Function.identity()).check(sender))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("network I/O")
        .hasMessageContaining(PriceFeedAdapter.class.getName())
        .hasMessageContaining(HttpClient.class.getName());
  }
}
