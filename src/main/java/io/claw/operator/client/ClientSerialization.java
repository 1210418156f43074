package io.claw.operator.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import io.claw.operator.api.ClawInstance;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapper;
import io.quarkus.kubernetes.client.KubernetesResources;

/**
 * The client's serialization as Quarkus builds it (the customized mapper, the model classes found
 * at build time), with two changes:
 * <ul>
 * <li>ClawInstance is registered. Quarkus does not register an application's custom resources,
 * and fabric8 reads an unregistered kind in a watch event as a generic resource, which the watch
 * then converts to the informer's class: every instance event was read three times on the event
 * loop (tree, generic resource, ClawInstance) instead of once.</li>
 * <li>Copies go through Jackson's token buffer instead of JSON text. JOSDK copies each instance
 * before each reconcile with this serialization's {@code clone}, which writes the object as text
 * and parses the text back; the token buffer holds the same values without printing or parsing
 * them.</li>
 * <li>JSON in a byte array is read from the array's own stream. fabric8 wraps every stream it reads
 * (each watch event, each response) in a BufferedInputStream to look at its first character,
 * which allocates an 8 KiB buffer per object read (its share of the operator's allocation is in
 * docs/benchmark.md). A ByteArrayInputStream can look and go back by itself. YAML, and any other
 * stream, still take fabric8's own path.</li>
 * </ul>
 */
@Singleton
public class ClientSerialization {

  @Produces
  @Singleton
  @SuppressWarnings({"rawtypes", "unchecked"}) // the bean Quarkus produces is a raw Class[]
  KubernetesSerialization kubernetesSerialization(@KubernetesClientObjectMapper ObjectMapper mapper,
      @KubernetesResources Class[] foundAtBuildTime) {
    KubernetesSerialization serialization = new Lean(mapper);
    for (Class found : foundAtBuildTime) {
      serialization.registerKubernetesResource(found);
    }
    serialization.registerKubernetesResource(ClawInstance.class);
    return serialization;
  }

  /** fabric8's serialization, whose copies skip the JSON text and whose reads skip a second buffer. */
  static final class Lean extends KubernetesSerialization {

    private final ObjectMapper mapper;

    Lean(ObjectMapper mapper) {
      super(mapper, false);
      this.mapper = mapper;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T clone(T resource) {
      TokenBuffer tokens = new TokenBuffer(mapper, false);
      try (tokens) {
        mapper.writeValue(tokens, resource);
        try (JsonParser copy = tokens.asParserOnFirstToken()) {
          return (T) mapper.readValue(copy, resource.getClass());
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public <T> T unmarshal(InputStream in, TypeReference<T> type) {
      if (!(in instanceof ByteArrayInputStream bytes) || !startsJson(bytes)) {
        return super.unmarshal(in, type);
      }
      try (bytes) {
        return mapper.readerFor(type).readValue(bytes);
      } catch (IOException e) {
        throw KubernetesClientException.launderThrowable(e);
      }
    }

    /** Whether the first character that is not white space opens an object or array; the stream is left where it was. */
    private static boolean startsJson(ByteArrayInputStream bytes) {
      bytes.mark(0); // a ByteArrayInputStream goes back to its mark from any distance
      int first;
      do {
        first = bytes.read();
      } while (first > -1 && Character.isWhitespace(first));
      bytes.reset();
      return first == '{' || first == '[';
    }
  }
}
