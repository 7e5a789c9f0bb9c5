package dev.serval.server.grpc.internal;

import dev.serval.core.TensorSpec;
import dev.serval.grpc.api.InferBatchStatistics;
import dev.serval.grpc.api.InferStatistics;
import dev.serval.grpc.api.ModelMetadataResponse;
import dev.serval.grpc.api.ModelMetadataResponse.TensorMetadata;
import dev.serval.grpc.api.ModelStatisticsResponse;
import dev.serval.grpc.api.RepositoryIndexResponse;
import dev.serval.grpc.api.StatisticDuration;
import dev.serval.serving.ModelMetadata;
import dev.serval.serving.ModelStatistics;
import dev.serval.serving.ModelStatistics.BatchStat;
import dev.serval.serving.ModelStatistics.Stat;
import dev.serval.serving.RepositoryEntry;
import java.util.List;

/** Serving's metadata, statistics and repository index as the protocol's messages. */
final class ProtoMessages {
  private ProtoMessages() {}

  static ModelMetadataResponse metadata(ModelMetadata metadata) {
    ModelMetadataResponse.Builder response =
        ModelMetadataResponse.newBuilder()
            .setName(metadata.name())
            .addAllVersions(metadata.versions())
            .setPlatform(metadata.platform());
    metadata.signature().inputs().forEach(spec -> response.addInputs(tensor(spec)));
    metadata.signature().outputs().forEach(spec -> response.addOutputs(tensor(spec)));
    return response.build();
  }

  static ModelStatisticsResponse statistics(List<ModelStatistics> statistics) {
    ModelStatisticsResponse.Builder response = ModelStatisticsResponse.newBuilder();
    for (ModelStatistics model : statistics) {
      dev.serval.grpc.api.ModelStatistics.Builder stats =
          response.addModelStatsBuilder()
              .setName(model.name())
              .setVersion(model.version())
              .setLastInference(model.lastInferenceMillis())
              .setInferenceCount(model.inferenceCount())
              .setExecutionCount(model.executionCount())
              .setInferenceStats(
                  InferStatistics.newBuilder()
                      .setSuccess(duration(model.success()))
                      .setFail(duration(model.fail()))
                      .setQueue(duration(model.queue()))
                      .setComputeInput(duration(model.computeInput()))
                      .setComputeInfer(duration(model.computeInfer()))
                      .setComputeOutput(duration(model.computeOutput())));
      for (BatchStat batch : model.batches()) {
        stats.addBatchStats(
            InferBatchStatistics.newBuilder()
                .setBatchSize(batch.batchSize())
                .setComputeInput(duration(batch.computeInput()))
                .setComputeInfer(duration(batch.computeInfer()))
                .setComputeOutput(duration(batch.computeOutput())));
      }
    }
    return response.build();
  }

  static RepositoryIndexResponse index(List<RepositoryEntry> entries) {
    RepositoryIndexResponse.Builder response = RepositoryIndexResponse.newBuilder();
    for (RepositoryEntry entry : entries) {
      response.addModelsBuilder()
          .setName(entry.name())
          .setVersion(entry.version() == null ? "" : entry.version())
          .setState(entry.state().name())
          .setReason(entry.reason() == null ? "" : entry.reason());
    }
    return response.build();
  }

  private static TensorMetadata tensor(TensorSpec spec) {
    TensorMetadata.Builder tensor =
        TensorMetadata.newBuilder().setName(spec.name()).setDatatype(spec.datatype().name());
    for (long dim : spec.shape().dims()) {
      tensor.addShape(dim);
    }
    return tensor.build();
  }

  private static StatisticDuration duration(Stat stat) {
    return StatisticDuration.newBuilder().setCount(stat.count()).setNs(stat.nanos()).build();
  }
}
