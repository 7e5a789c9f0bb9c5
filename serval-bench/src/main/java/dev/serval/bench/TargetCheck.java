package dev.serval.bench;

/**
 * One of the speed targets held against what was measured.
 *
 * @param met whether the goal was reached, or {@code null} when the figure is informational
 */
public record TargetCheck(String name, String measured, String goal, Boolean met) {}
