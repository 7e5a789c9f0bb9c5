package dev.serval.registry;

import dev.serval.bus.Event;
import dev.serval.bus.EventBus;
import dev.serval.bus.InProcessEventBus;
import dev.serval.core.InvalidInputException;
import dev.serval.core.ModelNotFoundException;
import dev.serval.registry.internal.DeploymentTables;
import dev.serval.registry.internal.Names;
import dev.serval.registry.internal.RegistryTables;
import dev.serval.registry.internal.RegistryTables.Allocation;
import dev.serval.registry.store.ArtifactStore;
import dev.serval.registry.store.StagedArtifact;
import dev.serval.store.Database;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models, their versions, aliases, tags and deployments, with artifacts in a content-addressed
 * store and metadata in H2 or PostgreSQL. Thread-safe; several registries (nodes) may share one
 * database and artifact folder, since all coordination happens through database row locks.
 *
 * <p>Every change is announced on {@link #events()} once its transaction has committed (never for
 * a change that failed), so that other components and nodes can react.
 */
public final class ModelRegistry implements AutoCloseable {
  /** The alias {@link #promote} moves. */
  public static final String PRODUCTION = "production";

  private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
  /** The embedded database file and Flyway history table that existing data folders use. */
  private static final String H2_FILE = "registry";
  private static final String HISTORY_TABLE = "flyway_schema_history";
  private static final String MIGRATIONS = "classpath:db/migration";

  private final Database db;
  private final ArtifactStore artifacts;
  private final Clock clock;
  private final long maxUploadBytes;
  private final ProtectedVersions protectedVersions;
  private final EventBus events;
  private final boolean ownsEvents;

  private ModelRegistry(
      Builder b, Database db, ArtifactStore artifacts, EventBus events, boolean ownsEvents) {
    this.db = db;
    this.artifacts = artifacts;
    this.clock = b.clock;
    this.maxUploadBytes = b.maxUploadBytes;
    this.protectedVersions = b.protectedVersions;
    this.events = events;
    this.ownsEvents = ownsEvents;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The content-addressed files, for loading and verifying a version's artifact. */
  public ArtifactStore artifacts() {
    return artifacts;
  }

  /** The bus the registry announces its changes on; see {@link Event} for the types. */
  public EventBus events() {
    return events;
  }

  /** The metadata database, for backup and restore, which work on all tables at once. */
  public Database database() {
    return db;
  }

  /** @throws ConflictException when a model with this name exists */
  public ModelRecord createModel(String name, String description) {
    Names.checkName("model name", name);
    Names.checkText("description", description, Names.MAX_TEXT);
    ModelRecord created = db.transaction(
        c -> {
          long id = RegistryTables.insertModel(c, name, description, now());
          if (id < 0) {
            throw new ConflictException("model '" + name + "' already exists");
          }
          return RegistryTables.model(c, id);
        });
    publish(Event.MODEL_CREATED, name, null, Map.of());
    return created;
  }

  public ModelRecord getModel(String name) {
    Names.checkName("model name", name);
    return db.transaction(c -> RegistryTables.model(c, RegistryTables.modelId(c, name, false)));
  }

  /** Models in name order. */
  public Page<ModelRecord> listModels(ModelFilter filter, PageRequest page) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(page, "page");
    return db.transaction(c -> RegistryTables.listModels(c, filter, page));
  }

  /** Pushes a version without test cases; see {@link #pushVersion(String, InputStream, VersionMetadata, Optional)}. */
  public VersionRecord pushVersion(String model, InputStream content, VersionMetadata metadata) {
    return pushVersion(model, content, metadata, Optional.empty());
  }

  /**
   * Pushes a version of an existing model; see {@link #pushVersion(String, InputStream,
   * VersionMetadata, Optional, boolean)}.
   *
   * @throws ModelNotFoundException when the model does not exist (checked before reading)
   */
  public VersionRecord pushVersion(
      String model, InputStream content, VersionMetadata metadata, Optional<InputStream> testCases) {
    return pushVersion(model, content, metadata, testCases, false);
  }

  /**
   * Stores the content (and the test cases, if any) and records a new PENDING version. Uploads
   * are streamed to disk before any database work, so a cut or oversized upload leaves neither a
   * row nor a file, nor, when {@code register} is set, a new model without versions. The test
   * cases are stored as given; the caller checks them.
   *
   * @param register whether a missing model is registered (once the upload has been received);
   *     when false, a missing model is refused before anything is read
   * @throws ModelNotFoundException when the model does not exist and {@code register} is false
   * @throws dev.serval.core.PayloadTooLargeException when the content exceeds the upload limit
   */
  public VersionRecord pushVersion(String model, InputStream content, VersionMetadata metadata,
      Optional<InputStream> testCases, boolean register) {
    Names.checkName("model name", model);
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(testCases, "testCases");
    if (!register) {
      db.transaction(c -> RegistryTables.modelId(c, model, false));
    }
    VersionRecord pushed;
    try (StagedArtifact staged = artifacts.stage(content, maxUploadBytes);
        StagedArtifact cases = testCases.map(in -> artifacts.stage(in, maxUploadBytes)).orElse(null)) {
      if (register) {
        registerIfMissing(model);
      }
      pushed = db.transaction(
          c -> {
            Instant now = now();
            Allocation at = RegistryTables.allocateVersion(c, model);
            // Locked in digest order, so that two pushes sharing both files cannot deadlock.
            List<StagedArtifact> files = Stream.of(staged, cases).filter(Objects::nonNull)
                .sorted(Comparator.comparing(StagedArtifact::sha256)).toList();
            for (StagedArtifact file : files) {
              RegistryTables.lockArtifact(c, file.sha256(), file.size(), now);
            }
            RegistryTables.insertVersion(c, at, staged.sha256(), staged.size(),
                cases == null ? null : cases.sha256(), metadata, now);
            // Published under the artifacts' row locks: a concurrent delete of the same content
            // either finished before (and we recreate the file) or waits for our commit.
            files.forEach(StagedArtifact::publish);
            return RegistryTables.version(c, at.modelId(), model, at.version());
          });
    }
    publish(Event.VERSION_CREATED, model, pushed.version(), Map.of());
    return pushed;
  }

  /**
   * In a transaction of its own: inserting into the push's transaction would abort it on
   * PostgreSQL when a concurrent first push registers the model at the same time.
   */
  private void registerIfMissing(String model) {
    boolean created = db.transaction(
        c -> RegistryTables.insertModel(c, model, "", now()) >= 0);
    if (created) {
      publish(Event.MODEL_CREATED, model, null, Map.of());
    }
  }

  /** Versions still PENDING or VALIDATING, e.g. left so by a crash; oldest first. */
  public List<VersionRecord> unfinishedVersions() {
    return db.transaction(
        c -> {
          List<VersionRecord> found = new ArrayList<>();
          for (RegistryTables.Unfinished u : RegistryTables.unfinishedVersions(c)) {
            found.add(requireVersion(c, u.modelId(), u.model(), u.version()));
          }
          return found;
        });
  }

  public VersionRecord getVersion(String model, int version) {
    Names.checkName("model name", model);
    return db.transaction(c -> requireVersion(c, RegistryTables.modelId(c, model, false), model, version));
  }

  /** Versions in ascending number order. */
  public Page<VersionRecord> listVersions(String model, PageRequest page) {
    Names.checkName("model name", model);
    Objects.requireNonNull(page, "page");
    return db.transaction(
        c -> RegistryTables.listVersions(c, RegistryTables.modelId(c, model, false), model, page));
  }

  /**
   * Moves a version along its lifecycle; see {@link VersionState#canMoveTo}.
   *
   * @param reason why; required for FAILED, may be empty otherwise
   * @throws ConflictException when the move is not legal from the current state
   */
  public VersionRecord setState(String model, int version, VersionState state, String reason) {
    Names.checkName("model name", model);
    Objects.requireNonNull(state, "state");
    Names.checkText("reason", reason, Names.MAX_TEXT);
    if (state == VersionState.FAILED && reason.isBlank()) {
      throw new InvalidInputException("a FAILED version needs a reason");
    }
    VersionRecord moved = db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, false);
          VersionRecord current = requireVersion(c, id, model, version);
          if (!current.state().canMoveTo(state)
              || !RegistryTables.moveState(c, id, version, current.state(), state, reason, now())) {
            throw new ConflictException(
                describe(model, version) + " is " + current.state() + " and cannot move to "
                    + state + " (allowed: PENDING -> VALIDATING -> READY or FAILED)");
          }
          return requireVersion(c, id, model, version);
        });
    if (state == VersionState.READY || state == VersionState.FAILED) {
      publish(Event.VERSION_VALIDATED, model, version,
          reason.isEmpty() ? Map.of("state", state.name())
              : Map.of("state", state.name(), "reason", reason));
    }
    return moved;
  }

  /** Records the signature found by validation; only before the version is READY or FAILED. */
  public VersionRecord setSignature(String model, int version, String signatureJson) {
    Names.checkName("model name", model);
    Lineage.checkJsonObject("signature", signatureJson, 1_000_000);
    return db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, true);
          VersionRecord current = requireVersion(c, id, model, version);
          if (current.state() == VersionState.READY || current.state() == VersionState.FAILED) {
            throw new ConflictException(
                describe(model, version) + " is " + current.state() + "; its signature is final");
          }
          RegistryTables.setSignature(c, id, version, signatureJson, now());
          return requireVersion(c, id, model, version);
        });
  }

  /**
   * Points {@code alias} at a READY version, moving it if it exists.
   *
   * @throws ConflictException when the version is not READY
   */
  public ModelRecord setAlias(String model, String alias, int version) {
    Names.checkName("model name", model);
    checkAlias(alias);
    ModelRecord changed = db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, true);
          VersionRecord target = requireVersion(c, id, model, version);
          if (target.state() != VersionState.READY) {
            throw new ConflictException(
                "alias '" + alias + "' can only point to a READY version; "
                    + describe(model, version) + " is " + target.state());
          }
          RegistryTables.putAlias(c, id, alias, version, now());
          return RegistryTables.model(c, id);
        });
    publish(Event.ALIAS_MOVED, model, version, Map.of("alias", alias));
    return changed;
  }

  /** @throws ModelNotFoundException when the model has no such alias */
  public ModelRecord removeAlias(String model, String alias) {
    Names.checkName("model name", model);
    checkAlias(alias);
    ModelRecord changed = db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, true);
          if (!RegistryTables.removeAlias(c, id, alias)) {
            throw new ModelNotFoundException("model '" + model + "' has no alias '" + alias + "'");
          }
          return RegistryTables.model(c, id);
        });
    publish(Event.ALIAS_MOVED, model, null, Map.of("alias", alias, "removed", "true"));
    return changed;
  }

  /**
   * The version named by a number ("3") or an alias ("production").
   *
   * @throws ModelNotFoundException when neither exists
   */
  public VersionRecord resolve(String model, String versionOrAlias) {
    Names.checkName("model name", model);
    Names.checkName("version or alias", versionOrAlias);
    return db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, false);
          Integer number = parseVersion(versionOrAlias);
          if (number == null) {
            number = RegistryTables.aliasTarget(c, id, versionOrAlias);
            if (number == null) {
              throw new ModelNotFoundException(
                  "model '" + model + "' has no alias '" + versionOrAlias + "'");
            }
          }
          return requireVersion(c, id, model, number);
        });
  }

  /**
   * Records a new deployment revision: which versions serve and how traffic splits.
   *
   * @throws InvalidInputException when the spec names a version the model does not have
   * @throws ConflictException when a version it names is not READY
   */
  public DeploymentRecord deploy(String model, DeploymentSpec spec) {
    Names.checkName("model name", model);
    Objects.requireNonNull(spec, "spec");
    return changeDeployment(model, (c, id) -> {
      requireDeployable(c, id, model, spec);
      return DeploymentTables.append(c, id, model, spec, "deploy", now());
    });
  }

  /** The current deployment; empty when the model was never deployed or it was cleared. */
  public Optional<DeploymentRecord> deployment(String model) {
    Names.checkName("model name", model);
    return db.transaction(c -> Optional.ofNullable(
            DeploymentTables.newest(c, RegistryTables.modelId(c, model, false), model))
        .filter(d -> !d.cleared()));
  }

  /** The newest {@code limit} (1-1000) revisions, newest first, cleared ones included. */
  public List<DeploymentRecord> deploymentHistory(String model, int limit) {
    Names.checkName("model name", model);
    if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
      throw new InvalidInputException(
          "limit must be 1-" + PageRequest.MAX_LIMIT + ": " + limit);
    }
    return db.transaction(
        c -> DeploymentTables.history(c, RegistryTables.modelId(c, model, false), model, limit));
  }

  /**
   * Writes a new revision equal to the one before the current one, so rolling back twice returns
   * to where one started. The versions it names must still be READY.
   *
   * @throws ConflictException when there is no earlier revision
   */
  public DeploymentRecord rollback(String model) {
    Names.checkName("model name", model);
    return changeDeployment(model, (c, id) -> {
      DeploymentRecord current = DeploymentTables.newest(c, id, model);
      DeploymentRecord previous =
          current == null ? null : DeploymentTables.before(c, id, model, current.revision());
      if (previous == null) {
        throw new ConflictException("model '" + model + "' has no deployment revision before "
            + (current == null ? "the first" : "revision " + current.revision())
            + " to roll back to");
      }
      if (!previous.cleared()) {
        requireDeployable(c, id, model, previous.spec());
      }
      return DeploymentTables.append(c, id, model, previous.spec(),
          "rollback to revision " + previous.revision(), now());
    });
  }

  /**
   * Sends all traffic to a READY version and points alias {@value #PRODUCTION} at it, both or
   * neither.
   *
   * @throws ModelNotFoundException when the version does not exist
   * @throws ConflictException when it is not READY
   */
  public DeploymentRecord promote(String model, int version) {
    Names.checkName("model name", model);
    DeploymentRecord promoted = changeDeployment(model, (c, id) -> {
      requireReady(requireVersion(c, id, model, version));
      RegistryTables.putAlias(c, id, PRODUCTION, version, now());
      return DeploymentTables.append(c, id, model, DeploymentSpec.single(version),
          "promote version " + version, now());
    });
    publish(Event.ALIAS_MOVED, model, version, Map.of("alias", PRODUCTION));
    return promoted;
  }

  /** Makes the model serve its newest READY version again; does nothing when not deployed. */
  public void clearDeployment(String model) {
    Names.checkName("model name", model);
    changeDeployment(model, (c, id) -> {
      DeploymentRecord current = DeploymentTables.newest(c, id, model);
      return current == null || current.cleared()
          ? null
          : DeploymentTables.append(c, id, model, null, "clear", now());
    });
  }

  /** A deployment change under the model's row lock, announced once committed. */
  private DeploymentRecord changeDeployment(String model, DeploymentChange change) {
    DeploymentRecord written = db.transaction(
        c -> change.apply(c, RegistryTables.modelId(c, model, true)));
    if (written != null) {
      publish(Event.DEPLOYMENT_CHANGED, model, null,
          Map.of("revision", Integer.toString(written.revision())));
    }
    return written;
  }

  @FunctionalInterface
  private interface DeploymentChange {
    /** @return the revision written, or null when nothing changed */
    DeploymentRecord apply(Connection c, long modelId) throws SQLException;
  }

  private static void requireDeployable(Connection c, long id, String model, DeploymentSpec spec)
      throws SQLException {
    for (int version : spec.versions()) {
      VersionRecord found = RegistryTables.version(c, id, model, version);
      if (found == null) {
        throw new InvalidInputException(
            "the deployment names " + describe(model, version) + ", which does not exist");
      }
      requireReady(found);
    }
  }

  private static void requireReady(VersionRecord version) {
    if (version.state() != VersionState.READY) {
      throw new ConflictException("only READY versions can serve; "
          + describe(version.model(), version.version()) + " is " + version.state());
    }
  }

  private static void refuseIfDeployed(Connection c, long id, String model, int version)
      throws SQLException {
    DeploymentRecord current = DeploymentTables.newest(c, id, model);
    if (current != null && !current.cleared() && current.spec().versions().contains(version)) {
      throw new ConflictException(describe(model, version) + " is used by deployment revision "
          + current.revision() + "; deploy without it or clear the deployment first");
    }
  }

  /** Replaces the model's description. */
  public ModelRecord setModelDescription(String model, String description) {
    Names.checkName("model name", model);
    Names.checkText("description", description, Names.MAX_TEXT);
    return db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, true);
          RegistryTables.describeModel(c, id, description);
          return RegistryTables.model(c, id);
        });
  }

  /** Replaces a version's description. */
  public VersionRecord setVersionDescription(String model, int version, String description) {
    Names.checkName("model name", model);
    Names.checkText("description", description, Names.MAX_TEXT);
    return db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, true);
          requireVersion(c, id, model, version);
          RegistryTables.describeVersion(c, id, version, description, now());
          return requireVersion(c, id, model, version);
        });
  }

  public ModelRecord setModelTag(String model, String key, String value) {
    return changeModelTag(model, key, value);
  }

  /** Removing a tag that is not set is not an error. */
  public ModelRecord removeModelTag(String model, String key) {
    return changeModelTag(model, key, null);
  }

  public VersionRecord setVersionTag(String model, int version, String key, String value) {
    return changeVersionTag(model, version, key, value);
  }

  /** Removing a tag that is not set is not an error. */
  public VersionRecord removeVersionTag(String model, int version, String key) {
    return changeVersionTag(model, version, key, null);
  }

  private ModelRecord changeModelTag(String model, String key, String valueOrNull) {
    Names.checkName("model name", model);
    checkTag(key, valueOrNull);
    ModelRecord changed = db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, true);
          changeTag(c, id, null, key, valueOrNull);
          return RegistryTables.model(c, id);
        });
    publishTagChange(model, null, key, valueOrNull);
    return changed;
  }

  private VersionRecord changeVersionTag(
      String model, int version, String key, String valueOrNull) {
    Names.checkName("model name", model);
    checkTag(key, valueOrNull);
    VersionRecord changed = db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, true);
          requireVersion(c, id, model, version);
          changeTag(c, id, version, key, valueOrNull);
          return requireVersion(c, id, model, version);
        });
    publishTagChange(model, version, key, valueOrNull);
    return changed;
  }

  private void publishTagChange(String model, Integer version, String key, String valueOrNull) {
    publish(Event.TAGS_CHANGED, model, version, valueOrNull == null
        ? Map.of("key", key, "removed", "true") : Map.of("key", key, "value", valueOrNull));
  }

  private static void checkTag(String key, String valueOrNull) {
    Tags.checkKey(key);
    if (valueOrNull != null) {
      Tags.checkValue(valueOrNull);
    }
  }

  private static void changeTag(
      Connection c, long id, Integer version, String key, String valueOrNull) throws SQLException {
    if (valueOrNull == null) {
      RegistryTables.removeTag(c, id, version, key);
    } else {
      RegistryTables.putTag(c, id, version, key, valueOrNull);
    }
  }

  /**
   * Deletes a version and, when no other version shares its content, its artifact.
   *
   * @throws ConflictException when an alias points to it, the current deployment uses it, or
   *     {@link ProtectedVersions} protects it
   */
  public void deleteVersion(String model, int version) {
    Names.checkName("model name", model);
    db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, true);
          VersionRecord doomed = requireVersion(c, id, model, version);
          List<String> aliases = RegistryTables.aliasesOf(c, id, version);
          if (!aliases.isEmpty()) {
            throw new ConflictException(
                describe(model, version) + " is used by alias '" + aliases.get(0)
                    + "'; move or remove the alias first");
          }
          refuseIfDeployed(c, id, model, version);
          refuseIfProtected(model, version);
          RegistryTables.deleteVersion(c, id, version);
          deleteIfUnreferenced(c, doomed.sha256());
          if (doomed.testCasesSha256() != null) {
            deleteIfUnreferenced(c, doomed.testCasesSha256());
          }
          return null;
        });
    publish(Event.VERSION_DELETED, model, version, Map.of());
  }

  /**
   * Deletes a model with its versions, aliases, tags and deployment history.
   *
   * @throws ConflictException when {@link ProtectedVersions} protects one of its versions
   */
  public void deleteModel(String model) {
    Names.checkName("model name", model);
    db.transaction(
        c -> {
          long id = RegistryTables.modelId(c, model, true);
          for (int version : RegistryTables.versionNumbers(c, id)) {
            refuseIfProtected(model, version);
          }
          for (String sha256 : RegistryTables.deleteModel(c, id)) {
            deleteIfUnreferenced(c, sha256);
          }
          return null;
        });
    publish(Event.MODEL_DELETED, model, null, Map.of());
  }

  private void refuseIfProtected(String model, int version) {
    Optional<String> reason = protectedVersions.reason(model, version);
    if (reason.isPresent()) {
      throw new ConflictException(describe(model, version) + " is in use: " + reason.get());
    }
  }

  /**
   * Deletes the file while still holding the artifact's row lock, so no push of the same content
   * can publish in between. Should the commit then fail, the version row survives without its file;
   * {@link ArtifactStore#verify} reports that.
   */
  private void deleteIfUnreferenced(Connection c, String sha256) throws SQLException {
    if (RegistryTables.releaseArtifact(c, sha256)) {
      artifacts.delete(sha256);
    }
  }

  /**
   * Deletes stored files that no artifact row names and that are older than the grace period:
   * left by a crash between publishing a file and committing its version. Younger files may
   * belong to a push on another node that has not committed yet.
   */
  private void removeOrphanArtifacts(Duration grace) {
    for (String sha256 : artifacts.storedBefore(clock.instant().minus(grace))) {
      db.transaction(
          c -> {
            if (!RegistryTables.artifactExists(c, sha256)) {
              log.info("removing artifact {} that no version references", sha256);
              artifacts.delete(sha256);
            }
            return null;
          });
    }
  }

  private static VersionRecord requireVersion(Connection c, long id, String model, int version)
      throws SQLException {
    VersionRecord found = version < 1 ? null : RegistryTables.version(c, id, model, version);
    if (found == null) {
      throw new ModelNotFoundException(describe(model, version) + " does not exist");
    }
    return found;
  }

  private static void checkAlias(String alias) {
    Names.checkName("alias", alias);
    if (parseVersion(alias) != null) {
      throw new InvalidInputException("alias must not be a number, it would hide a version: " + alias);
    }
  }

  /** @return the number when the text is all digits, else null */
  private static Integer parseVersion(String text) {
    if (!text.chars().allMatch(Character::isDigit)) {
      return null;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new InvalidInputException("version number out of range: " + text);
    }
  }

  private static String describe(String model, int version) {
    return "version " + version + " of model '" + model + "'";
  }

  /** Microseconds: what PostgreSQL stores, so that records read back equal those returned. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Announces a committed change. The change stands whatever happens here, so a failure to publish
   * is logged, not thrown to the caller as if the change had failed.
   */
  private void publish(String type, String model, Integer version, Map<String, String> details) {
    try {
      events.publish(new Event(type, model, version, details, events.nodeId(), now()));
    } catch (RuntimeException e) {
      log.error("{} of '{}' is committed but its event could not be published", type, model, e);
    }
  }

  @Override
  public void close() {
    db.close();
    if (ownsEvents) {
      events.close();
    }
  }

  /** Configures a registry; {@link #build} opens the store and migrates the schema. */
  public static final class Builder {
    private Path dataDir;
    private String jdbcUrl;
    private String jdbcUser;
    private String jdbcPassword;
    private Path artifactDir;
    private Clock clock = Clock.systemUTC();
    private long maxUploadBytes = 4L << 30;
    private Duration orphanGrace = Duration.ofHours(1);
    private ProtectedVersions protectedVersions = ProtectedVersions.NONE;
    private EventBus eventBus;

    private Builder() {}

    /** Default home of the H2 database ({@code DIR/db}) and the artifacts ({@code DIR/artifacts}). */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "dataDir");
      return this;
    }

    /** Use this database instead of the embedded one, e.g. {@code jdbc:postgresql://host/db}. */
    public Builder jdbc(String url, String user, String password) {
      if (url == null || !url.startsWith("jdbc:")) {
        throw new IllegalArgumentException("jdbc url must start with jdbc: " + url);
      }
      this.jdbcUrl = url;
      this.jdbcUser = user;
      this.jdbcPassword = password;
      return this;
    }

    /** Artifact folder; may be shared by several nodes. */
    public Builder artifactDir(Path dir) {
      this.artifactDir = Objects.requireNonNull(dir, "artifactDir");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder maxUploadBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxUploadBytes must be > 0: " + bytes);
      }
      this.maxUploadBytes = bytes;
      return this;
    }

    /** How old an unfinished upload must be before a start-up removes it as abandoned. */
    public Builder orphanGrace(Duration grace) {
      if (grace == null || grace.isNegative()) {
        throw new IllegalArgumentException("orphanGrace must be >= 0: " + grace);
      }
      this.orphanGrace = grace;
      return this;
    }

    public Builder protectedVersions(ProtectedVersions hook) {
      this.protectedVersions = Objects.requireNonNull(hook, "protectedVersions");
      return this;
    }

    /**
     * Where changes are announced, e.g. a RabbitMQ bus shared by all nodes; the caller owns and
     * closes it. Default: an in-process bus that the registry owns and closes.
     */
    public Builder eventBus(EventBus bus) {
      this.eventBus = Objects.requireNonNull(bus, "eventBus");
      return this;
    }

    public ModelRegistry build() {
      if (dataDir == null && (jdbcUrl == null || artifactDir == null)) {
        throw new IllegalStateException("set dataDir, or both jdbc and artifactDir");
      }
      Path artifactRoot = artifactDir != null ? artifactDir : dataDir.resolve("artifacts");
      ArtifactStore store = ArtifactStore.open(artifactRoot, clock, orphanGrace);
      Database db =
          jdbcUrl != null
              ? Database.of(jdbcUrl, jdbcUser, jdbcPassword)
              : Database.h2(dataDir.resolve("db"), H2_FILE);
      try {
        db.migrate(MIGRATIONS, HISTORY_TABLE);
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }
      boolean ownsEvents = eventBus == null;
      ModelRegistry registry = new ModelRegistry(
          this, db, store, ownsEvents ? InProcessEventBus.create() : eventBus, ownsEvents);
      try {
        registry.removeOrphanArtifacts(orphanGrace);
      } catch (RuntimeException e) {
        registry.close();
        throw e;
      }
      return registry;
    }
  }
}
