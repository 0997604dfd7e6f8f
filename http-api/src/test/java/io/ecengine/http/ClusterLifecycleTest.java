package io.ecengine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

class ClusterLifecycleTest {

  @Test
  void readsSeedNodesAsHostAndPortOrAsFullAddresses() {
    List<Address> seeds =
        ClusterLifecycle.seedNodes(
            " 10.0.0.1:25520 , ec-engine-1.ec-engine-remoting.shop.svc.cluster.local:25520,"
                + "pekko://ec-engine@10.0.0.3:25521,[::1]:25522,",
            "ec-engine");

    assertThat(seeds)
        .extracting(Address::toString)
        .containsExactly(
            "pekko://ec-engine@10.0.0.1:25520",
            "pekko://ec-engine@ec-engine-1.ec-engine-remoting.shop.svc.cluster.local:25520",
            "pekko://ec-engine@10.0.0.3:25521",
            "pekko://ec-engine@[::1]:25522");
  }

  @Test
  void anEmptyListMeansTheNodeFormsAClusterOfItsOwn() {
    assertThat(ClusterLifecycle.seedNodes("", "ec-engine")).isEmpty();
    assertThat(ClusterLifecycle.seedNodes(" , ", "ec-engine")).isEmpty();
  }

  @Test
  void refusesSeedNodesWithoutAPort() {
    assertThatThrownBy(() -> ClusterLifecycle.seedNodes("10.0.0.1", "ec-engine"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10.0.0.1");
    assertThatThrownBy(() -> ClusterLifecycle.seedNodes("host:99999", "ec-engine"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterLifecycle.seedNodes(":25520", "ec-engine"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
