package io.claw.operator.api;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

/**
 * What the CRD generator cannot say from the Java types, applied by the build before the CRD is
 * written (quarkus.operator-sdk.crd.post-processor): the printer columns in the order
 * {@link ClawInstance} declares them (the generator sorts them by JSON path), and the conditions
 * as an atomic list: the operator's status write replaces the list whole, on every Kubernetes
 * version (see docs/development.md, "The status write").
 */
public class CrdShape implements CRDPostProcessor {

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition definition
        && definition.getSpec().getNames().getKind().equals(ClawInstance.class.getSimpleName())) {
      definition.getSpec().getVersions().forEach(CrdShape::shape);
    }
    return crd;
  }

  private static void shape(CustomResourceDefinitionVersion version) {
    List<String> declared = Arrays.stream(ClawInstance.class.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name).toList();
    version.getAdditionalPrinterColumns().sort(
        Comparator.comparingInt((CustomResourceColumnDefinition c) -> declared.indexOf(c.getName())));

    JSONSchemaProps conditions = version.getSchema().getOpenAPIV3Schema()
        .getProperties().get("status").getProperties().get("conditions");
    // 1.20 cannot build this CRD's apply schema (its int-or-string fields) and treats every list
    // as atomic; later versions follow this declaration, so that all behave alike
    conditions.setXKubernetesListType("atomic");
  }
}
