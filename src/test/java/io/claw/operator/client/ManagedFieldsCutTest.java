package io.claw.operator.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.claw.operator.testing.ClientJson;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;

/** Which bytes ManagedFieldsCut takes out of JSON, and that nothing else changes. */
class ManagedFieldsCutTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      # case                                  | JSON as sent                                                                   | as Jackson gets it
      last member                               | {"metadata":{"name":"a","managedFields":[{"manager":"m","fieldsV1":{"f:x":{}}}]}} | {"metadata":{"name":"a"}}
      first member                              | {"metadata":{"managedFields":[],"name":"a"}}                                     | {"metadata":{"name":"a"}}
      only member                               | {"metadata":{"managedFields":[{}]}}                                             | {"metadata":{}}
      in the middle                             | {"metadata":{"a":1,"managedFields":[],"b":2}}                                   | {"metadata":{"a":1,"b":2}}
      whitespace around it                      | `{ "metadata" : { "managedFields" : [ {"a": "]"} ] , "name" : "a" } }`          | `{ "metadata" : { "name" : "a" } }`
      brackets and quotes in its strings        | {"metadata":{"managedFields":[{"k:{\\"uid\\":\\"u\\"}":{"]":"\\\\"}}],"name":"a"}} | {"metadata":{"name":"a"}}
      an escaped backslash before it            | {"metadata":{"a":"\\\\","managedFields":[]}}                                      | {"metadata":{"a":"\\\\"}}
      multibyte characters before it            | {"metadata":{"name":"ä€","managedFields":[]}}                                   | {"metadata":{"name":"ä€"}}
      a watch event's object                    | {"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","managedFields":[]}}} | {"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a"}}}
      every item of a list                      | {"metadata":{"resourceVersion":"1"},"items":[{"metadata":{"managedFields":[],"name":"a"}},{"metadata":{"name":"b","managedFields":[]}}]} | {"metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}
      after metadata closed: not in it          | {"metadata":{"name":"a"},"spec":{"managedFields":[]}}                           | {"metadata":{"name":"a"},"spec":{"managedFields":[]}}
      a template's metadata                     | {"spec":{"template":{"metadata":{"managedFields":[],"labels":{}}}}}             | {"spec":{"template":{"metadata":{"labels":{}}}}}
      kept: outside metadata                    | {"spec":{"managedFields":[1]}}                                                  | {"spec":{"managedFields":[1]}}
      kept: nested deeper than metadata         | {"metadata":{"annotations":{"managedFields":"[]"}}}                             | {"metadata":{"annotations":{"managedFields":"[]"}}}
      kept: not an array                        | {"metadata":{"managedFields":"x","b":null}}                                     | {"metadata":{"managedFields":"x","b":null}}
      kept: null                                | {"metadata":{"managedFields":null}}                                             | {"metadata":{"managedFields":null}}
      kept: in a string value                   | {"metadata":{"annotations":{"a":"\\"managedFields\\":[1]"}}}                   | {"metadata":{"annotations":{"a":"\\"managedFields\\":[1]"}}}
      kept: metadata that is a string           | {"metadata":"x","other":{"managedFields":[]}}                                   | {"metadata":"x","other":{"managedFields":[]}}
      kept: metadata that is an array           | {"metadata":[{"managedFields":[]}]}                                             | {"metadata":[{"managedFields":[]}]}
      kept: a value named metadata              | {"a":"metadata","b":{"managedFields":[]}}                                       | {"a":"metadata","b":{"managedFields":[]}}
      kept: a longer name                       | {"metadata":{"managedFieldsX":[]}}                                              | {"metadata":{"managedFieldsX":[]}}
      """)
  void cuts(String name, String sent, String expected) {
    byte[] json = sent.getBytes(StandardCharsets.UTF_8);

    int length = ManagedFieldsCut.cut(json, json.length);

    assertEquals(expected, new String(json, 0, length, StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      {"metadata":{"managedFields":[{"a":
      {"metadata":{"a":"unterminated
      }]}]{{"metadata"
      `"`
      ``
      """)
  void bytesThatAreNotJsonAreLeftForJacksonToReport(String sent) {
    byte[] json = (sent == null ? "" : sent).getBytes(StandardCharsets.UTF_8);

    int length = ManagedFieldsCut.cut(json, json.length);

    assertTrue(length >= 0 && length <= json.length, "length " + length);
  }

  /** The 1.20 API server's own bytes: read with the cut, the Pod is fabric8's reading of them less managedFields. */
  @Test
  void aPodAsTheApiServerSentItReadsAsWithoutTheCut() throws IOException {
    String pod = Files.readString(Path.of("src/bench/resources/api-server-json/pod.json"));
    ObjectMapper plain = new ObjectMapper();
    ObjectNode expected = (ObjectNode) plain.readTree(pod);
    ((ObjectNode) expected.get("metadata")).remove("managedFields");

    Pod read = ClientJson.with(new ManagedFieldsUnread(), new OnePassWatchEvents()).unmarshal(pod, Pod.class);
    WatchEvent event = ClientJson.with(new ManagedFieldsUnread(), new OnePassWatchEvents())
        .unmarshal("{\"type\":\"ADDED\",\"object\":" + pod + "}", WatchEvent.class);

    assertEquals(expected, plain.readTree(plain.writeValueAsString(read))); // as text: Jackson's numbers alike
    assertEquals(expected, plain.readTree(plain.writeValueAsString(event.getObject())));
    assertTrue(pod.contains("\"managedFields\""), "the control: the bytes as sent carry it");
  }

  @Test
  void aStreamOfUnknownLengthIsReadWholeAndClosed() throws IOException {
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      labels.append(",\"label-").append(i).append("\":\"").append(i).append('"');
    }
    String sent = "{\"metadata\":{\"managedFields\":[{\"manager\":\"m\"}],\"labels\":{\"first\":\"0\"" + labels + "}}}";
    AtomicBoolean closed = new AtomicBoolean();
    InputStream trickling = new ByteArrayInputStream(sent.getBytes(StandardCharsets.UTF_8)) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 7)); // a network stream: a few bytes at a time
      }

      @Override
      public synchronized int available() {
        return 0; // and no length known
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };

    byte[] read = new ManagedFieldsCut().decorate(null, trickling).readAllBytes();

    JsonNode metadata = new ObjectMapper().readTree(read).get("metadata");
    assertEquals(1001, metadata.get("labels").size());
    assertTrue(metadata.get("managedFields") == null, metadata.toString());
    assertTrue(closed.get(), "closed, as Jackson closes what it reads to the end");
  }

  @Test
  void theCallersBytesAreLeftAsTheyWere() throws IOException {
    byte[] sent = "xx{\"metadata\":{\"managedFields\":[],\"name\":\"a\"}}yy".getBytes(StandardCharsets.UTF_8);
    byte[] before = sent.clone();

    byte[] read = new ManagedFieldsCut().decorate(null, sent, 2, sent.length - 4).readAllBytes();

    assertEquals("{\"metadata\":{\"name\":\"a\"}}", new String(read, StandardCharsets.UTF_8));
    assertArrayEquals(before, sent);
  }
}
