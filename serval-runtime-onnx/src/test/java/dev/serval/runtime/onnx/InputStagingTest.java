package dev.serval.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serval.runtime.onnx.internal.InputStaging;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class InputStagingTest {
  @Test
  void copiesHeapBytesIntoAReusedDirectBuffer() {
    InputStaging staging = new InputStaging(2);
    ByteBuffer[] buffers = staging.take();

    ByteBuffer first = InputStaging.stage(buffers, 1, ByteBuffer.wrap(new byte[] {1, 2, 3}));
    ByteBuffer slot = buffers[1];
    ByteBuffer second = InputStaging.stage(buffers, 1, ByteBuffer.wrap(new byte[] {9, 8}));

    assertThat(first.isDirect()).isTrue();
    assertThat(second.position()).isZero();
    assertThat(second.remaining()).isEqualTo(2);
    assertThat(second.get(0)).isEqualTo((byte) 9);
    assertThat(buffers[1]).isSameAs(slot);
    assertThat(buffers[0]).isNull();
  }

  @Test
  void growsASlotThatIsTooSmall() {
    ByteBuffer[] buffers = new InputStaging(1).take();
    InputStaging.stage(buffers, 0, ByteBuffer.allocate(10));
    ByteBuffer small = buffers[0];

    ByteBuffer staged = InputStaging.stage(buffers, 0, ByteBuffer.allocate(small.capacity() + 1));

    assertThat(buffers[0]).isNotSameAs(small);
    assertThat(staged.remaining()).isEqualTo(small.capacity() + 1);
  }

  @Test
  void givesAConcurrentCallerItsOwnBuffers() {
    InputStaging staging = new InputStaging(1);
    ByteBuffer[] first = staging.take();
    ByteBuffer[] second = staging.take();
    staging.give(first);

    assertThat(second).isNotSameAs(first);
    assertThat(staging.take()).isSameAs(first);
  }
}
