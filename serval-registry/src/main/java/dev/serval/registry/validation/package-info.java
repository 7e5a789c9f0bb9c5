/**
 * Validation of a model version before it may serve: {@link
 * dev.serval.registry.validation.ModelValidator} runs the format, dependency, signature, smoke and
 * test-case steps over any {@link dev.serval.core.runtime.ModelBackend} and returns a {@link
 * dev.serval.registry.validation.ValidationReport}; {@link
 * dev.serval.registry.validation.TestCases} reads the test cases pushed with a model.
 */
package dev.serval.registry.validation;
