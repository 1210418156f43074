package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.InstanceService;
import io.claw.operator.api.InstanceService.AppPort;
import io.claw.operator.testing.TestInstance;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** What to do about the instance's Service: pure, from the cached Service alone. */
class OwnedServiceTest {

  private static ClawInstance instance(Integer port, AppPort... more) {
    ClawInstance instance = TestInstance.named("desk").in("ns").uid("uid-1").image("app:1").build();
    instance.getSpec().setPort(port);
    InstanceService service = new InstanceService();
    service.setPorts(List.of(more));
    instance.getSpec().setService(service);
    return instance;
  }

  /** As the API server returns it: a cluster IP assigned, and a nodePort for NodePort. */
  private static Service live(ClawInstance instance) {
    return new ServiceBuilder(OwnedService.desired(instance)).editSpec().withClusterIP("10.0.0.7")
        .editFirstPort().withNodePort(30001).endPort().endSpec().build();
  }

  @Test
  void theServiceServesSpecPortFirstThenTheListedOnesByNameAndSelectsOnlyThisInstancesPod() {
    Service desired = OwnedService.desired(instance(3001, new AppPort("metrics", 9100, null)));
    assertEquals("desk", desired.getMetadata().getName());
    assertEquals("ClusterIP", desired.getSpec().getType());
    assertEquals(Map.of("app.kubernetes.io/managed-by", "claw-operator", "app.kubernetes.io/name", "claw",
        "app.kubernetes.io/instance", "desk"), desired.getSpec().getSelector());
    assertEquals(List.of("app", "metrics"), desired.getSpec().getPorts().stream().map(p -> p.getName()).toList());
    assertEquals(3001, desired.getSpec().getPorts().get(0).getPort());
    assertEquals(new IntOrString("app"), desired.getSpec().getPorts().get(0).getTargetPort());
    assertEquals("TCP", desired.getSpec().getPorts().get(1).getProtocol());
    assertEquals("uid-1", desired.getMetadata().getOwnerReferences().get(0).getUid());
  }

  @Test
  void missingIsCreatedSameIsKeptWhatTheServerAssignsIsNotAChange() {
    ClawInstance instance = instance(3001);
    assertInstanceOf(OwnedService.Create.class, OwnedService.decide(instance, Optional.empty()));
    assertInstanceOf(OwnedService.Keep.class, OwnedService.decide(instance, Optional.of(live(instance))));
  }

  @Test
  void anotherPortOrTypeUpdatesTheService() {
    ClawInstance before = instance(3001);
    ClawInstance after = instance(3002);
    assertInstanceOf(OwnedService.Update.class, OwnedService.decide(after, Optional.of(live(before))));
    ClawInstance nodePort = instance(3001);
    nodePort.getSpec().getService().setType(InstanceService.ServiceType.NodePort);
    assertInstanceOf(OwnedService.Update.class, OwnedService.decide(nodePort, Optional.of(live(before))));
  }

  @Test
  void aServiceOfTheNameThatIsNotOursIsLeftAloneAndOursGoesWhenSpecServiceIsRemoved() {
    ClawInstance instance = instance(3001);
    Service foreign = new ServiceBuilder(live(instance)).editMetadata().withOwnerReferences(List.of()).endMetadata()
        .build();
    assertInstanceOf(OwnedService.NameConflict.class, OwnedService.decide(instance, Optional.of(foreign)));
    ClawInstance without = TestInstance.named("desk").in("ns").uid("uid-1").image("app:1").build();
    assertInstanceOf(OwnedService.Delete.class, OwnedService.decide(without, Optional.of(live(instance))));
    assertInstanceOf(OwnedService.None.class, OwnedService.decide(without, Optional.of(foreign)));
    assertInstanceOf(OwnedService.None.class, OwnedService.decide(without, Optional.empty()));
  }
}
