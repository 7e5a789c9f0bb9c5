package dev.serval.server.cli;

import dev.serval.train.Activation;
import dev.serval.train.CnnTrainer;
import dev.serval.train.Distillation;
import dev.serval.train.EpochProgress;
import dev.serval.train.FmTrainer;
import dev.serval.train.LinearTrainer;
import dev.serval.train.MlpTrainer;
import dev.serval.train.Optimizer;
import dev.serval.train.Teacher;
import dev.serval.train.TrainedModel;
import dev.serval.train.TrainingOptions;
import dev.serval.train.data.Dataset;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The {@code --param KEY=VALUE} settings of a built-in trainer. Parameters rather than options,
 * so that a job's {@code {key}} placeholders and a tuning study's parameters name them directly.
 * Each value is checked when read; a key no trainer knows is refused with the list of known ones.
 */
final class TrainerSettings {
  /** Every key, with what it sets and its default, for help texts and errors. */
  static final Map<String, String> KEYS = known();

  /** Which built-in trainer. */
  enum Kind { MLP, CNN, LINEAR, FM }

  /** Keys that only some trainers read; any other key applies to all. */
  private static final Map<String, Set<Kind>> ONLY_FOR = Map.of(
      "hidden", EnumSet.of(Kind.MLP, Kind.CNN),
      "dropout", EnumSet.of(Kind.MLP, Kind.CNN),
      "activation", EnumSet.of(Kind.MLP),
      "batch_norm", EnumSet.of(Kind.MLP),
      "filters", EnumSet.of(Kind.CNN),
      "image", EnumSet.of(Kind.CNN),
      "factors", EnumSet.of(Kind.FM),
      "init_std", EnumSet.of(Kind.FM));

  private final Map<String, String> values;

  private TrainerSettings(Map<String, String> values) {
    this.values = values;
  }

  /** @param values KEY to VALUE, as given */
  static TrainerSettings of(Map<String, String> values) {
    Map<String, String> copy = new TreeMap<>(values);
    copy.keySet().stream().filter(key -> !KEYS.containsKey(key)).findFirst().ifPresent(key -> {
      throw new UsageException("unknown trainer parameter '" + key + "'; known: "
          + String.join(", ", KEYS.keySet()));
    });
    return new TrainerSettings(copy);
  }

  double validationFraction() {
    return number("validation", 0.15);
  }

  double testFraction() {
    return number("test", 0.15);
  }

  long splitSeed() {
    return (long) integer("split_seed", 7);
  }

  double temperature() {
    return number("temperature", 4);
  }

  double alpha() {
    return number("alpha", 0.5);
  }

  /** A trainer whose settings have all been read and checked. */
  @FunctionalInterface
  interface Trainer {
    TrainedModel fit(Dataset train, Dataset validation, Consumer<EpochProgress> progress);
  }

  /**
   * The trainer of {@code kind}, learning from {@code teacher} too when there is one; reading
   * every setting here refuses a bad value before any training (or queuing) starts.
   */
  Trainer trainer(Kind kind, Teacher teacher) {
    refuseKeysOtherTrainersRead(kind);
    TrainingOptions options = options(teacher);
    validationFraction();
    testFraction();
    splitSeed();
    if (kind == Kind.LINEAR) {
      return LinearTrainer.builder().options(options).build()::fit;
    }
    if (kind == Kind.FM) {
      return FmTrainer.builder().factors(integer("factors", 8))
          .initStd(number("init_std", 0.1)).options(options).build()::fit;
    }
    int[] hidden = hidden(kind == Kind.MLP ? "128" : "");
    double dropout = number("dropout", 0);
    if (kind == Kind.CNN) {
      int[] image = image();
      CnnTrainer cnn = CnnTrainer.builder().image(image[0], image[1], image[2])
          .filters(integer("filters", 16)).hidden(hidden).dropout(dropout).options(options)
          .build();
      return cnn::fit;
    }
    MlpTrainer mlp = MlpTrainer.builder().hidden(hidden).dropout(dropout)
        .activation(choice("activation", Activation.class, Activation.RELU))
        .batchNorm(flag("batch_norm", false)).options(options)
        .build();
    return mlp::fit;
  }

  /** A key the trainer would ignore is a mistake the user should hear about. */
  private void refuseKeysOtherTrainersRead(Kind kind) {
    for (String key : values.keySet()) {
      Set<Kind> readers = ONLY_FOR.getOrDefault(key, EnumSet.allOf(Kind.class));
      if (!readers.contains(kind)) {
        throw new UsageException("trainer parameter " + key + " is for "
            + readers.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).sorted()
                .collect(Collectors.joining(" and ")) + ", not for "
            + kind.name().toLowerCase(Locale.ROOT));
      }
    }
  }

  private TrainingOptions options(Teacher teacher) {
    double lr = number("lr", 1e-3);
    String optimizer = text("optimizer", "adam");
    TrainingOptions.Builder options = TrainingOptions.builder()
        .epochs(integer("epochs", 100))
        .batchSize(integer("batch_size", 32))
        .optimizer(switch (optimizer) {
          case "adam" -> Optimizer.adam(lr);
          case "sgd" -> Optimizer.sgd(lr, number("momentum", 0.9));
          default -> throw new UsageException("trainer parameter optimizer must be adam or sgd,"
              + " got '" + optimizer + "'");
        })
        .l2(number("l2", 0))
        .l1(number("l1", 0))
        .huber(huberDelta())
        .mixup(number("mixup", 0))
        .patience(integer("patience", 10))
        .seed(integer("seed", 0))
        .standardize(flag("standardize", true));
    double temperature = temperature();
    double alpha = alpha();
    if (teacher != null) {
      options.distillation(new Distillation(teacher, temperature, alpha));
    }
    return options.build();
  }

  /** 0 for the squared error, the Huber delta for {@code loss=huber}. */
  private double huberDelta() {
    String loss = text("loss", "squared");
    double delta = number("huber_delta", 1);
    return switch (loss) {
      case "squared" -> 0;
      case "huber" -> delta;
      default -> throw invalid("loss", loss, "squared or huber");
    };
  }

  private int[] hidden(String fallback) {
    String text = text("hidden", fallback);
    if (text.isBlank() || text.equals("none")) {
      return new int[0];
    }
    try {
      return Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt)
          .toArray();
    } catch (NumberFormatException e) {
      throw invalid("hidden", text, "comma-separated layer widths such as 128 or 128,64");
    }
  }

  private int[] image() {
    String text = text("image", "1x8x8");
    String[] parts = text.toLowerCase(Locale.ROOT).split("x");
    try {
      if (parts.length == 3) {
        return Arrays.stream(parts).mapToInt(Integer::parseInt).toArray();
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw invalid("image", text, "CHANNELSxHEIGHTxWIDTH such as 1x8x8");
  }

  private String text(String key, String fallback) {
    return values.getOrDefault(key, fallback).trim();
  }

  private double number(String key, double fallback) {
    String text = text(key, Double.toString(fallback));
    try {
      double value = Double.parseDouble(text);
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw invalid(key, text, "a finite number");
  }

  private int integer(String key, int fallback) {
    String text = text(key, Integer.toString(fallback));
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw invalid(key, text, "an integer");
    }
  }

  private boolean flag(String key, boolean fallback) {
    String text = text(key, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
    if (!text.equals("true") && !text.equals("false")) {
      throw invalid(key, text, "true or false");
    }
    return Boolean.parseBoolean(text);
  }

  private <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
    String text = text(key, fallback.name());
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid(key, text, "one of " + Arrays.toString(type.getEnumConstants())
          .toLowerCase(Locale.ROOT));
    }
  }

  private static UsageException invalid(String key, String value, String expected) {
    return new UsageException("trainer parameter " + key + " must be " + expected + ", got '"
        + value + "'");
  }

  private static Map<String, String> known() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("hidden", "mlp, cnn: hidden layer widths, e.g. 128,64 (mlp: 128, cnn: none)");
    keys.put("epochs", "most epochs (100)");
    keys.put("patience", "epochs without a better validation loss before stopping (10)");
    keys.put("batch_size", "rows per mini-batch (32)");
    keys.put("optimizer", "adam or sgd (adam)");
    keys.put("lr", "learning rate (0.001)");
    keys.put("momentum", "sgd momentum (0.9)");
    keys.put("l2", "weight decay (0)");
    keys.put("l1", "L1 penalty on weights; with l2 an elastic net (0)");
    keys.put("loss", "regression loss: squared or huber (squared)");
    keys.put("huber_delta", "error beyond which the huber loss grows linearly (1)");
    keys.put("dropout", "mlp, cnn: dropout rate after hidden layers (0)");
    keys.put("mixup", "mixup alpha, 0 = off (0)");
    keys.put("activation", "mlp: relu or tanh (relu)");
    keys.put("batch_norm", "mlp: batch normalization, true or false (false)");
    keys.put("filters", "cnn: convolution filters (16)");
    keys.put("image", "cnn: CxHxW of each row (1x8x8)");
    keys.put("factors", "fm: length k of each feature's factor vector (8)");
    keys.put("init_std", "fm: standard deviation of the initial factors (0.1)");
    keys.put("standardize", "centre and scale inputs inside the model (true)");
    keys.put("seed", "weights, shuffling and dropout seed (0)");
    keys.put("validation", "share of rows for validation (0.15)");
    keys.put("test", "share of rows held out for the test (0.15)");
    keys.put("split_seed", "seed of the train/validation/test split (7)");
    keys.put("temperature", "distillation temperature (4)");
    keys.put("alpha", "distillation weight of the true labels (0.5)");
    return Collections.unmodifiableMap(keys);
  }
}
