package io.claw.operator.client;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;

/**
 * The operator's API client neither reads nor writes {@code metadata.managedFields}: the API
 * server's record of which manager set which field, often the largest part of an object's
 * metadata, and a tree of small JSON objects that is costly to parse. The operator never reads
 * it (its caches dropped it already, see cache.WithoutManagedFields), server-side apply must not
 * be sent it, and an update that omits it leaves the server's record as it is. Its bytes are cut
 * out of every watch event and response before they are parsed (ManagedFieldsCut), which saves
 * the event loop the tokens and the objects; the mix-in skips it where the client parses text.
 */
@Singleton
public class ManagedFieldsUnread implements KubernetesClientObjectMapperCustomizer {

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    mapper.getFactory().setInputDecorator(new ManagedFieldsCut());
  }

  /** Ignored, not left to ObjectMeta's any-setter, which would keep it among additionalProperties. */
  @JsonIgnoreProperties("managedFields")
  abstract static class WithoutManagedFields {
  }
}
