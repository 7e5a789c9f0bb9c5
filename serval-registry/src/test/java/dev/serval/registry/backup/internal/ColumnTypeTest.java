package dev.serval.registry.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.sql.Types;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {
  @Test
  void postgresTimestamptzReportedAsTimestampKeepsItsZone() {
    assertThat(ColumnType.of(Types.TIMESTAMP, "timestamptz")).contains(ColumnType.TIMESTAMPTZ);
    assertThat(ColumnType.of(Types.TIMESTAMP, "timestamp")).contains(ColumnType.TIMESTAMP);
    assertThat(ColumnType.of(Types.BIT, "bool")).contains(ColumnType.BOOLEAN);
  }

  @Test
  void typesWithoutPortableFormAreNotSupported() {
    assertThat(ColumnType.of(Types.OTHER, "uuid")).isEmpty();
  }

  @Test
  void decodesIsoTimesAndRejectsValuesOfTheWrongKind() {
    assertThat(ColumnType.TIMESTAMPTZ.decode(TextNode.valueOf("2025-06-01T12:00:00.5Z")))
        .isEqualTo(OffsetDateTime.parse("2025-06-01T12:00:00.5Z"));
    assertThatThrownBy(() -> ColumnType.BIGINT.decode(TextNode.valueOf("12")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected bigint but found \"12\"");
    assertThatThrownBy(() -> ColumnType.TIMESTAMPTZ.decode(IntNode.valueOf(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ColumnType.TIMESTAMPTZ.decode(TextNode.valueOf("yesterday")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
