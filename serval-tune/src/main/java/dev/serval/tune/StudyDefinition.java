package dev.serval.tune;

import java.util.List;

/**
 * What identifies a study in a storage besides its name: a worker joining it must search the
 * same space in the same directions, or its trials would mix incomparable values.
 *
 * @param directions one per objective
 * @param spaceJson the space as {@link SearchSpace#toJson()} writes it
 */
public record StudyDefinition(String name, List<Direction> directions, String spaceJson) {

  public StudyDefinition {
    directions = List.copyOf(directions);
  }

  private static String describe(List<Direction> directions) {
    return directions.size() == 1 ? "direction " + directions.get(0) : "directions " + directions;
  }

  /** Throws {@link StudyConflictException} naming what differs from {@code wanted}. */
  public void requireSame(StudyDefinition wanted) {
    if (!directions.equals(wanted.directions)) {
      throw new StudyConflictException("study " + name + " exists with " + describe(directions)
          + ", not " + describe(wanted.directions).replaceFirst("^directions? ", "")
          + "; use another study name");
    }
    if (!spaceJson.equals(wanted.spaceJson)) {
      throw new StudyConflictException("study " + name + " exists with another search space: "
          + spaceJson + ", not " + wanted.spaceJson + "; use another study name");
    }
  }
}
