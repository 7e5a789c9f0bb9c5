package dev.serval.train;

import static dev.serval.train.internal.Checks.require;

import dev.serval.train.data.Dataset;
import dev.serval.train.data.Task;
import dev.serval.train.internal.Losses;
import dev.serval.train.internal.Network;
import dev.serval.train.internal.OnnxGraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A trained network, with the weights of its best validation epoch. Safe to use from several
 * threads: prediction keeps no state.
 *
 * <p>Exported ONNX models take input {@code "input"}, FP32 {@code [batch, features]} raw
 * features (standardization is part of the model), and give {@code "probabilities"} (classifier,
 * FP32 {@code [batch, classes]}) or {@code "output"} (regressor, FP32 {@code [batch, targets]}).
 */
public final class TrainedModel implements Teacher {
  public static final String INPUT = "input";
  public static final String PROBABILITIES = "probabilities";
  public static final String OUTPUT = "output";

  private final Network network;
  private final Task task;
  private final List<EpochProgress> history;

  TrainedModel(Network network, Task task, List<EpochProgress> history) {
    this.network = network;
    this.task = task;
    this.history = List.copyOf(history);
  }

  public Task task() {
    return task;
  }

  public int featureCount() {
    return network.inputWidth();
  }

  /** Classes of a classifier, targets of a regressor. */
  public int outputWidth() {
    return network.outputWidth();
  }

  /** One entry per trained epoch; shorter than the epoch budget when training stopped early. */
  public List<EpochProgress> history() {
    return history;
  }

  /**
   * Class probabilities (classifier) or predicted values (regressor) for {@code rows} rows of
   * raw features, row-major: what the exported model's output gives.
   */
  public float[] predict(float[] features, int rows) {
    float[] output = logits(features, rows);
    return task == Task.CLASSIFICATION ? Losses.softmax(output, rows, outputWidth(), 1) : output;
  }

  /** The network's last layer before the softmax (the values themselves for a regressor). */
  @Override
  public float[] logits(float[] features, int rows) {
    require(rows >= 0 && features.length == rows * featureCount(), "features must hold " + rows
        + " rows of " + featureCount() + " values but has " + features.length);
    return network.predict(features, rows);
  }

  /** The predicted class of each row (classifier only). */
  @Override
  public int[] classify(float[] features, int rows) {
    require(task == Task.CLASSIFICATION, "a regressor has no classes; use predict");
    return Teacher.topClasses(logits(features, rows), rows, outputWidth());
  }

  /** Loss and metric (accuracy, or RMSE for a regressor) on {@code data}. */
  public Evaluation evaluate(Dataset data) {
    require(data.featureCount() == featureCount() && data.task() == task
            && data.outputWidth() <= outputWidth(),
        "data (" + data + ") does not fit this " + task + " model of " + featureCount()
            + " features and " + outputWidth() + " outputs");
    return evaluate(network, task, data);
  }

  /** The fraction of rows of {@code data} classified correctly. */
  public double accuracy(Dataset data) {
    require(task == Task.CLASSIFICATION, "a regressor has no accuracy; use evaluate");
    return evaluate(data).metric();
  }

  static Evaluation evaluate(Network network, Task task, Dataset data) {
    int rows = data.rows();
    int width = network.outputWidth();
    float[] output = network.predict(data.features(), rows);
    float[] targets = Fitter.targetRows(data, width);
    float[] unusedGrad = new float[output.length];
    if (task == Task.REGRESSION) {
      double mse = Losses.squaredError(output, targets, rows, width, 1, unusedGrad);
      return new Evaluation(task, mse, Math.sqrt(mse));
    }
    double loss = Losses.softCrossEntropy(output, targets, rows, width, 1, 1, unusedGrad);
    int[] predicted = Teacher.topClasses(output, rows, width);
    int correct = 0;
    for (int n = 0; n < rows; n++) {
      correct += predicted[n] == data.label(n) ? 1 : 0;
    }
    return new Evaluation(task, loss, (double) correct / rows);
  }

  /** The model as a serialized ONNX {@code ModelProto} (IR 8, opset 17). */
  public byte[] toOnnx() {
    OnnxGraph graph = new OnnxGraph(task == Task.CLASSIFICATION ? "classifier" : "regressor");
    if (task == Task.REGRESSION) {
      network.export(graph, INPUT, OUTPUT);
      return graph.model(INPUT, featureCount(), OUTPUT, outputWidth());
    }
    String logits = network.export(graph, INPUT, "logits");
    graph.node("Softmax", List.of(logits), PROBABILITIES, OnnxGraph.attribute("axis", -1L));
    return graph.model(INPUT, featureCount(), PROBABILITIES, outputWidth());
  }

  /**
   * Writes {@link #toOnnx()} to {@code file}, creating parent folders. The bytes go to a
   * temporary file in the same folder first, so that a reader never sees half a model.
   */
  public void writeOnnx(Path file) {
    Path folder = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(folder);
      Path temp = Files.createTempFile(folder, "model", ".onnx.tmp");
      try {
        Files.move(Files.write(temp, toOnnx()), file, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ONNX model to " + file, e);
    }
  }
}
