package dev.serval.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class GrpcMessagesTest {
  @Test
  void readsTheModelAndVersionWhereverTheyAre() throws IOException {
    byte[] body = frame(message("m", "3", true));

    assertThat(GrpcMessages.modelOf(body)).isEqualTo(new GrpcMessages.ModelRef("m", "3"));
  }

  @Test
  void rewritingNamesTheBackupAtItsDefaultVersionAndKeepsTheRest() throws IOException {
    byte[] rewritten = GrpcMessages.withModel(frame(message("m", "3", true)), "backup");

    assertThat(GrpcMessages.modelOf(rewritten))
        .isEqualTo(new GrpcMessages.ModelRef("backup", null));
    assertThat(rewritten.length).isGreaterThan(frame(message("m", "3", true)).length);
  }

  @Test
  void refusesCompressedMessages() throws IOException {
    byte[] body = frame(message("m", "", false));
    body[0] = 1;

    assertThatThrownBy(() -> GrpcMessages.modelOf(body)).hasMessageContaining("compressed");
  }

  /** A message with the model (1), version (2) and, optionally first, an id (3). */
  private static byte[] message(String model, String version, boolean idFirst)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    if (idFirst) {
      out.writeString(3, "request-1");
    }
    out.writeString(1, model);
    out.writeString(2, version);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] frame(byte[] message) {
    return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length)
        .put(message).array();
  }
}
