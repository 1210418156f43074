package io.claw.operator.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * spec.service: a Service of the instance's name that selects its Pod alone, for the app's ports:
 * spec.port first (named app), then spec.service.ports.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class InstanceService {

  @JsonPropertyDescription("ClusterIP (the default), NodePort or LoadBalancer.")
  private ServiceType type;

  @JsonPropertyDescription("Ports of the app besides spec.port, each exposed as a container port and a Service port "
      + "of the same number and name.")
  private List<AppPort> ports = new ArrayList<>();

  public enum ServiceType {
    ClusterIP, NodePort, LoadBalancer
  }

  public enum Protocol {
    TCP, UDP, SCTP
  }

  /** One port of the app. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AppPort {

    @JsonPropertyDescription("Name of the port (an IANA service name: lower case, up to 15 characters); unique "
        + "among the instance's ports, and not app when spec.port is set.")
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 15)
    private String name;

    @JsonPropertyDescription("Port number the app listens on and the Service serves.")
    @Required
    @Min(1)
    @Max(65535)
    private Integer port;

    @JsonPropertyDescription("TCP (the default), UDP or SCTP.")
    private Protocol protocol;

    public AppPort() {
    }

    public AppPort(String name, Integer port, Protocol protocol) {
      this.name = name;
      this.port = port;
      this.protocol = protocol;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }

    public Protocol getProtocol() {
      return protocol;
    }

    public void setProtocol(Protocol protocol) {
      this.protocol = protocol;
    }

    /** The protocol as Kubernetes writes it. */
    public String protocolOrDefault() {
      return protocol == null ? Protocol.TCP.name() : protocol.name();
    }
  }

  public ServiceType getType() {
    return type;
  }

  public void setType(ServiceType type) {
    this.type = type;
  }

  public String typeOrDefault() {
    return type == null ? ServiceType.ClusterIP.name() : type.name();
  }

  public List<AppPort> getPorts() {
    return ports;
  }

  public void setPorts(List<AppPort> ports) {
    this.ports = ports == null ? new ArrayList<>() : ports;
  }
}
