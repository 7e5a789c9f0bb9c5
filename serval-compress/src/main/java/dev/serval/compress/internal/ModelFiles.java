package dev.serval.compress.internal;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.serval.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the model to compress, refusing files the rewrites cannot take as a whole. */
public final class ModelFiles {
  /** Protobuf cannot hold a message of 2 GiB or more; such models keep weights outside. */
  static final long PROTOBUF_LIMIT = Integer.MAX_VALUE;

  private ModelFiles() {}

  /**
   * The parsed model.
   *
   * @throws InvalidInputException when the file is missing, not an ONNX model, over 2 GB, or keeps
   *     weights in external data files
   */
  public static ModelProto read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("input model " + file + " does not exist or is not a file");
    }
    long size = size(file);
    if (size >= PROTOBUF_LIMIT) {
      throw new InvalidInputException("input model " + file + " has " + size
          + " bytes, over the 2 GB a single ONNX file can hold; compress models that fit in one"
          + " file (without external data)");
    }
    ModelProto model = parse(file);
    requireSelfContained(file, model);
    return model;
  }

  /** The size of a file in bytes. */
  public static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static ModelProto parse(Path file) {
    ModelProto model;
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setSizeLimit(Integer.MAX_VALUE);
      model = ModelProto.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw notOnnx(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    // Many byte strings parse as some protobuf message; a model has a version and nodes.
    if (model.getIrVersion() <= 0 || !model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw notOnnx(file);
    }
    return model;
  }

  private static void requireSelfContained(Path file, ModelProto model) {
    for (TensorProto tensor : model.getGraph().getInitializerList()) {
      if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
        throw new InvalidInputException("input model " + file + " keeps initializer '"
            + tensor.getName() + "' in an external data file; compress models whose weights"
            + " are inside the .onnx file (under 2 GB)");
      }
    }
  }

  private static InvalidInputException notOnnx(Path file) {
    return new InvalidInputException(
        "input model " + file + " is not an ONNX model (no ModelProto with a graph)");
  }
}
