package dev.serval.train;

import static dev.serval.train.internal.Checks.positive;
import static dev.serval.train.internal.Checks.require;

import dev.serval.train.data.Dataset;
import dev.serval.train.internal.ActivationLayer;
import dev.serval.train.internal.Conv2d;
import dev.serval.train.internal.MaxPool2d;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Trains a small convolutional network on images given as rows of channel, height, width
 * values: 3x3 convolution (padding 1) → ReLU → 2x2 max pooling → optional hidden dense layers →
 * output. The exported model takes the same flat {@code [batch, features]} input as an MLP and
 * reshapes it to images itself.
 */
public final class CnnTrainer {
  private final int[] image;
  private final int filters;
  private final DenseStack head;
  private final TrainingOptions options;

  private CnnTrainer(Builder builder) {
    this.image = builder.image.clone();
    this.filters = positive("filters", builder.filters);
    this.head = new DenseStack(builder.hidden, Activation.RELU, false, builder.dropout);
    this.options = builder.options;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Trains like {@link MlpTrainer#fit}; rows must hold channels x height x width values. */
  public TrainedModel fit(Dataset train, Dataset validation, Consumer<EpochProgress> progress) {
    require(train.featureCount() == image[0] * image[1] * image[2], "images of shape "
        + Arrays.toString(image) + " need " + image[0] * image[1] * image[2]
        + " features per row but the data has " + train.featureCount());
    return Fitter.fit(options, train, validation, progress, (layers, inputs, outputs, random) -> {
      Conv2d conv = new Conv2d("conv0", image, filters, random.split());
      layers.add(conv);
      layers.add(ActivationLayer.relu(conv.outputWidth()));
      MaxPool2d pool = new MaxPool2d(new int[] {filters, image[1], image[2]});
      layers.add(pool);
      head.appendTo(layers, pool.outputWidth(), outputs, random);
    });
  }

  /** Settings; by default 1x8x8 images (the digits), 16 filters, no hidden dense layer. */
  public static final class Builder extends TrainerBuilder<Builder> {
    private int[] image = {1, 8, 8};
    private int filters = 16;

    private Builder() {
      super(new int[0]);
    }

    public Builder image(int channels, int height, int width) {
      positive("channels", channels);
      require(height >= 2 && width >= 2, "image height and width must be >= 2 for 2x2 pooling"
          + " but were " + height + " and " + width);
      this.image = new int[] {channels, height, width};
      return this;
    }

    public Builder filters(int filters) {
      this.filters = filters;
      return this;
    }

    @Override
    Builder self() {
      return this;
    }

    public CnnTrainer build() {
      return new CnnTrainer(this);
    }
  }
}
