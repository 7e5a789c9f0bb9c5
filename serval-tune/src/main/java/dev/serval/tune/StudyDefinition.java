package dev.serval.tune;

/**
 * What identifies a study in a storage besides its name: a worker joining it must search the
 * same space in the same direction, or its trials would mix incomparable values.
 *
 * @param spaceJson the space as {@link SearchSpace#toJson()} writes it
 */
public record StudyDefinition(String name, Direction direction, String spaceJson) {

  /** Throws {@link StudyConflictException} naming what differs from {@code wanted}. */
  public void requireSame(StudyDefinition wanted) {
    if (direction != wanted.direction) {
      throw new StudyConflictException("study " + name + " exists with direction " + direction
          + ", not " + wanted.direction + "; use another study name");
    }
    if (!spaceJson.equals(wanted.spaceJson)) {
      throw new StudyConflictException("study " + name + " exists with another search space: "
          + spaceJson + ", not " + wanted.spaceJson + "; use another study name");
    }
  }
}
