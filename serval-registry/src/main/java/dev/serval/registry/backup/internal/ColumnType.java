package dev.serval.registry.backup.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * The portable kinds of column a backup stores, each as a typed JSON value: numbers as numbers,
 * text as strings, times as ISO-8601 strings, bytes as base64. Named by kind rather than by the
 * driver's type code, so that an archive written from H2 restores into PostgreSQL.
 */
public enum ColumnType {
  INTEGER(Integer.class) {
    @Override
    JsonNode json(Object value) {
      return IntNode.valueOf((Integer) value);
    }

    @Override
    Object value(JsonNode node) {
      return node.isIntegralNumber() && node.canConvertToInt() ? node.intValue() : null;
    }
  },
  BIGINT(Long.class) {
    @Override
    JsonNode json(Object value) {
      return LongNode.valueOf((Long) value);
    }

    @Override
    Object value(JsonNode node) {
      return node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : null;
    }
  },
  DECIMAL(BigDecimal.class) {
    @Override
    JsonNode json(Object value) {
      return DecimalNode.valueOf((BigDecimal) value);
    }

    @Override
    Object value(JsonNode node) {
      return node.isNumber() ? node.decimalValue() : null;
    }
  },
  DOUBLE(Double.class) {
    @Override
    JsonNode json(Object value) {
      return DoubleNode.valueOf((Double) value);
    }

    @Override
    Object value(JsonNode node) {
      return node.isNumber() ? node.doubleValue() : null;
    }
  },
  BOOLEAN(Boolean.class) {
    @Override
    JsonNode json(Object value) {
      return BooleanNode.valueOf((Boolean) value);
    }

    @Override
    Object value(JsonNode node) {
      return node.isBoolean() ? node.booleanValue() : null;
    }
  },
  STRING(String.class) {
    @Override
    Object value(JsonNode node) {
      return node.isTextual() ? node.textValue() : null;
    }
  },
  TIMESTAMPTZ(OffsetDateTime.class) {
    @Override
    Object value(JsonNode node) {
      return node.isTextual() ? OffsetDateTime.parse(node.textValue()) : null;
    }
  },
  TIMESTAMP(LocalDateTime.class) {
    @Override
    Object value(JsonNode node) {
      return node.isTextual() ? LocalDateTime.parse(node.textValue()) : null;
    }
  },
  DATE(LocalDate.class) {
    @Override
    Object value(JsonNode node) {
      return node.isTextual() ? LocalDate.parse(node.textValue()) : null;
    }
  },
  TIME(LocalTime.class) {
    @Override
    Object value(JsonNode node) {
      return node.isTextual() ? LocalTime.parse(node.textValue()) : null;
    }
  },
  BYTES(byte[].class) {
    @Override
    JsonNode read(ResultSet rs, int column) throws SQLException {
      byte[] value = rs.getBytes(column);
      return value == null ? NullNode.instance : BinaryNode.valueOf(value);
    }

    @Override
    Object value(JsonNode node) {
      try {
        return node.isTextual() ? node.binaryValue() : null;
      } catch (IOException e) {
        return null; // not base64: reported as a value of the wrong kind
      }
    }
  };

  private final Class<?> javaType;

  ColumnType(Class<?> javaType) {
    this.javaType = javaType;
  }

  /**
   * The kind of a column as {@link java.sql.DatabaseMetaData#getColumns} describes it.
   *
   * @return empty for types a backup cannot carry portably
   */
  public static Optional<ColumnType> of(int jdbcType, String typeName) {
    return Optional.ofNullable(
        switch (jdbcType) {
          case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> INTEGER;
          case Types.BIGINT -> BIGINT;
          case Types.DECIMAL, Types.NUMERIC -> DECIMAL;
          case Types.REAL, Types.FLOAT, Types.DOUBLE -> DOUBLE;
          // PostgreSQL's driver reports its boolean as BIT.
          case Types.BOOLEAN, Types.BIT -> BOOLEAN;
          case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR,
              Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB -> STRING;
          case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMPTZ;
          // PostgreSQL's driver reports timestamptz as TIMESTAMP; only the name tells them apart.
          case Types.TIMESTAMP -> hasTimeZone(typeName) ? TIMESTAMPTZ : TIMESTAMP;
          case Types.DATE -> DATE;
          case Types.TIME -> TIME;
          case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BYTES;
          default -> null;
        });
  }

  private static boolean hasTimeZone(String typeName) {
    String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    return name.equals("timestamptz") || name.contains("with time zone");
  }

  /** The column's value in the current row as JSON; SQL NULL becomes JSON null. */
  JsonNode read(ResultSet rs, int column) throws SQLException {
    Object value = rs.getObject(column, javaType);
    return value == null ? NullNode.instance : json(value);
  }

  /** Times and other values without a JSON type of their own are written as ISO-8601 text. */
  JsonNode json(Object value) {
    return TextNode.valueOf(value.toString());
  }

  /**
   * The JDBC parameter value for a JSON value read back from an archive.
   *
   * @throws IllegalArgumentException when the JSON value is not of this kind
   */
  Object decode(JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    Object value;
    try {
      value = value(node);
    } catch (DateTimeParseException e) {
      value = null;
    }
    if (value == null) {
      throw new IllegalArgumentException(
          "expected " + name().toLowerCase(Locale.ROOT) + " but found " + node);
    }
    return value;
  }

  /** The value for a non-null JSON node, or null when the node is not of this kind. */
  abstract Object value(JsonNode node);
}
