package dev.serval.server.security.internal;

import dev.serval.grpc.api.ModelInferRequest;
import dev.serval.grpc.api.ModelMetadataRequest;
import dev.serval.grpc.api.ModelReadyRequest;
import dev.serval.grpc.api.ModelStatisticsRequest;
import dev.serval.grpc.api.RepositoryModelLoadRequest;
import dev.serval.grpc.api.RepositoryModelUnloadRequest;
import dev.serval.security.Permission;
import dev.serval.server.security.internal.Access.Scope;
import java.util.Map;

/** What each method of {@code inference.GRPCInferenceService} needs, and the model it names. */
final class GrpcAccess {
  private static final Access INFER = new Access(Permission.INFER, Scope.MODEL, null, false);
  private static final Map<String, Access> METHODS = Map.ofEntries(
      Map.entry("ServerLive", Access.OPEN),
      Map.entry("ServerReady", Access.OPEN),
      Map.entry("ServerMetadata", Access.read(Scope.NONE, null)),
      Map.entry("ModelReady", Access.read(Scope.MODEL, null)),
      Map.entry("ModelMetadata", Access.read(Scope.MODEL, null)),
      // Without a model name it covers every model, which the scope check then requires.
      Map.entry("ModelStatistics", Access.read(Scope.MODEL, null)),
      Map.entry("ModelInfer", INFER),
      Map.entry("ModelStreamInfer", INFER),
      Map.entry("RepositoryIndex", Access.read(Scope.ALL, null)),
      Map.entry("RepositoryModelLoad", Access.write("repository.load")),
      Map.entry("RepositoryModelUnload", Access.write("repository.unload")));

  private GrpcAccess() {}

  /** By the method's bare name, e.g. {@code ModelInfer}; methods not listed need an admin. */
  static Access of(String method) {
    return METHODS.getOrDefault(method, Access.admin("grpc." + method, true));
  }

  /** The model a request message names, or null for none (every model). */
  static String model(Object message) {
    String name;
    if (message instanceof ModelInferRequest m) {
      name = m.getModelName();
    } else if (message instanceof ModelMetadataRequest m) {
      name = m.getName();
    } else if (message instanceof ModelReadyRequest m) {
      name = m.getName();
    } else if (message instanceof ModelStatisticsRequest m) {
      name = m.getName();
    } else if (message instanceof RepositoryModelLoadRequest m) {
      name = m.getModelName();
    } else if (message instanceof RepositoryModelUnloadRequest m) {
      name = m.getModelName();
    } else {
      name = "";
    }
    return name.isEmpty() ? null : name;
  }
}
