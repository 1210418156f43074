package io.claw.operator.client;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserSequence;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.ResolvableDeserializer;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;

/**
 * Reads the object of each watch event in one pass. fabric8 reads it into a JSON tree first, to
 * learn its kind, and then reads the tree into the object: every watch event is parsed twice, on
 * the event loop. The API server writes {@code apiVersion} and {@code kind} first, so this reads
 * those two fields, asks fabric8's own registry which class they name, and reads the rest of the
 * stream straight into that class, as Jackson does for a type id that comes first. When they do
 * not come first, or name no registered class, fabric8's deserializer gets the whole object as it
 * would have.
 */
@Singleton
public class OnePassWatchEvents implements KubernetesClientObjectMapperCustomizer {

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.addMixIn(WatchEvent.class, ObjectInOnePass.class);
  }

  /** On WatchEvent's {@code object}, where fabric8 names its KubernetesDeserializer (field and setter). */
  abstract static class ObjectInOnePass {
    @JsonDeserialize(using = KindFirst.class)
    Object object;

    @JsonDeserialize(using = KindFirst.class)
    abstract void setObject(Object object);
  }

  /** The object of a watch event, read in one pass when its apiVersion and kind come first. */
  static final class KindFirst extends JsonDeserializer<KubernetesResource> implements ResolvableDeserializer {

    private static final String API_VERSION = "apiVersion";
    private static final String KIND = "kind";

    /** The serialization's own deserializer, with every kind it registered (its handler instantiator's). */
    private KubernetesDeserializer fabric8;
    /**
     * Each class's deserializer, found once: Jackson's readValue(parser, class) looks the root
     * deserializer and its type handling up again on every call.
     */
    private final Map<Class<?>, JsonDeserializer<Object>> byClass = new ConcurrentHashMap<>();

    @Override
    public void resolve(DeserializationContext ctxt) throws JsonMappingException {
      fabric8 = (KubernetesDeserializer) (JsonDeserializer<?>) ctxt.deserializerInstance(null, KubernetesDeserializer.class);
    }

    @Override
    public KubernetesResource deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.isExpectedStartObjectToken()) {
        return fabric8.deserialize(p, ctxt);
      }
      TokenBuffer head = ctxt.bufferForInputBuffering(p);
      head.writeStartObject();
      String apiVersion = null;
      String kind = null;
      while ((apiVersion == null || kind == null) && p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        head.writeFieldName(field);
        head.copyCurrentStructure(p);
        if (value == JsonToken.VALUE_STRING && API_VERSION.equals(field)) {
          apiVersion = p.getText();
        } else if (value == JsonToken.VALUE_STRING && KIND.equals(field)) {
          kind = p.getText();
        }
      }
      JsonParser whole;
      Class<? extends KubernetesResource> type = null;
      if (apiVersion == null || kind == null) {
        head.writeEndObject(); // p is at the object's end: all of it is in head
        whole = head.asParser(p);
      } else {
        type = fabric8.getRegisteredKind(apiVersion, kind);
        whole = JsonParserSequence.createFlattened(false, head.asParser(p), p); // the rest is still in p
      }
      whole.nextToken(); // the object's start, where a deserializer begins
      return type == null ? fabric8.deserialize(whole, ctxt)
          : (KubernetesResource) deserializerOf(type, ctxt).deserialize(whole, ctxt);
    }

    private JsonDeserializer<Object> deserializerOf(Class<?> type, DeserializationContext ctxt)
        throws JsonMappingException {
      JsonDeserializer<Object> known = byClass.get(type);
      if (known == null) {
        known = ctxt.findRootValueDeserializer(ctxt.constructType(type));
        byClass.put(type, known);
      }
      return known;
    }
  }
}
