#include "storage/projectschema.h"

#include "common/error.h"
#include "dataset/samplestate.h"
#include "common/sqlidentifier.h"
#include "storage/sqlitedatabase.h"
#include "storage/sqlitetransaction.h"

#include <functional>
#include <vector>

namespace loupe {

namespace ProjectSchema {

namespace {

// Version 1: the first schema. Documented column by column in docs/project-format.md.
const char *const kSchemaV1 = R"sql(
CREATE TABLE project_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE classes (
    class_index INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE
);

CREATE TABLE samples (
    sample_index   INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    image          TEXT NOT NULL,
    label          INTEGER REFERENCES classes(class_index),
    original_label INTEGER REFERENCES classes(class_index),
    split          TEXT
);
CREATE INDEX samples_by_label ON samples(label);
CREATE INDEX samples_by_split ON samples(split);

CREATE TABLE metadata_columns (
    name     TEXT PRIMARY KEY COLLATE NOCASE,
    type     TEXT NOT NULL CHECK (type IN ('integer', 'real', 'text')),
    position INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sample_metadata (
    sample_index INTEGER PRIMARY KEY REFERENCES samples(sample_index)
);

CREATE TABLE runs (
    run_id      INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created     TEXT NOT NULL,
    num_classes INTEGER NOT NULL,
    source      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE predictions (
    run_id            INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    sample_index      INTEGER NOT NULL REFERENCES samples(sample_index),
    predicted         INTEGER NOT NULL REFERENCES classes(class_index),
    confidence        REAL NOT NULL,
    given_probability REAL,
    loss              REAL,
    margin            REAL,
    PRIMARY KEY (run_id, sample_index)
) WITHOUT ROWID;
CREATE INDEX predictions_by_loss ON predictions(run_id, loss DESC);

CREATE TABLE arrays (
    run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    rows       INTEGER NOT NULL,
    cols       INTEGER NOT NULL,
    chunk_rows INTEGER NOT NULL,
    dtype      TEXT NOT NULL DEFAULT 'float32',
    PRIMARY KEY (run_id, name)
) WITHOUT ROWID;

CREATE TABLE array_chunks (
    run_id    INTEGER NOT NULL,
    name      TEXT NOT NULL,
    chunk     INTEGER NOT NULL,
    first_row INTEGER NOT NULL,
    row_count INTEGER NOT NULL,
    data      BLOB NOT NULL,
    UNIQUE (run_id, name, chunk),
    FOREIGN KEY (run_id, name) REFERENCES arrays(run_id, name) ON DELETE CASCADE
);

CREATE TABLE training_history (
    run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    epoch  INTEGER NOT NULL,
    metric TEXT NOT NULL,
    value  REAL,
    PRIMARY KEY (run_id, epoch, metric)
) WITHOUT ROWID;

CREATE TABLE label_edits (
    edit_id      INTEGER PRIMARY KEY,
    sample_index INTEGER NOT NULL REFERENCES samples(sample_index),
    old_label    INTEGER REFERENCES classes(class_index),
    new_label    INTEGER REFERENCES classes(class_index),
    time         TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX label_edits_by_sample ON label_edits(sample_index);

CREATE TRIGGER label_edits_are_never_deleted BEFORE DELETE ON label_edits
BEGIN SELECT RAISE(ABORT, 'label_edits is an audit trail: rows are never deleted'); END;
CREATE TRIGGER label_edits_are_never_changed BEFORE UPDATE ON label_edits
BEGIN SELECT RAISE(ABORT, 'label_edits is an audit trail: rows are never changed'); END;
)sql";

// Version 2: the analysis engine's results, per prediction run.
const char *const kSchemaV2 = R"sql(
CREATE TABLE analysis_steps (
    run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    step       TEXT NOT NULL,
    parameters TEXT NOT NULL DEFAULT '{}',
    summary    TEXT NOT NULL DEFAULT '{}',
    finished   TEXT NOT NULL,
    seconds    REAL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

CREATE TABLE sample_analysis (
    run_id          INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    sample_index    INTEGER NOT NULL REFERENCES samples(sample_index),
    issue_score     REAL,
    is_issue        INTEGER,
    suggested_label INTEGER REFERENCES classes(class_index),
    cluster         INTEGER,
    map_cluster     INTEGER,
    outlier_score   REAL,
    PRIMARY KEY (run_id, sample_index)
) WITHOUT ROWID;
CREATE INDEX sample_analysis_by_issue ON sample_analysis(run_id, issue_score DESC);

CREATE TABLE clusters (
    run_id                   INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    method                   TEXT NOT NULL,
    cluster                  INTEGER NOT NULL,
    size                     INTEGER NOT NULL,
    labelled                 INTEGER NOT NULL,
    errors                   INTEGER NOT NULL,
    error_rate               REAL,
    expected_errors          REAL,
    mean_loss                REAL,
    severity                 REAL,
    p_value                  REAL,
    dominant_label           INTEGER,
    dominant_label_share     REAL,
    dominant_predicted       INTEGER,
    dominant_predicted_share REAL,
    PRIMARY KEY (run_id, method, cluster)
) WITHOUT ROWID;

CREATE TABLE slices (
    run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    rank       INTEGER NOT NULL,
    column     TEXT NOT NULL,
    value      TEXT NOT NULL,
    condition  TEXT NOT NULL,
    count      INTEGER NOT NULL,
    errors     INTEGER NOT NULL,
    error_rate REAL,
    lift       REAL,
    ci_low     REAL,
    ci_high    REAL,
    p_value    REAL,
    score      REAL,
    PRIMARY KEY (run_id, rank)
) WITHOUT ROWID;

CREATE TABLE duplicate_pairs (
    run_id      INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    sample_a    INTEGER NOT NULL REFERENCES samples(sample_index),
    sample_b    INTEGER NOT NULL REFERENCES samples(sample_index),
    distance    REAL,
    cross_split INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX duplicate_pairs_by_run ON duplicate_pairs(run_id, kind);

CREATE TABLE image_problems (
    sample_index INTEGER PRIMARY KEY REFERENCES samples(sample_index),
    problem      TEXT NOT NULL
);
)sql";

// Version 3: review marks (reviewed, ambiguous, excluded) with their own audit trail.
const char *const kSchemaV3 = R"sql(
CREATE TABLE sample_reviews (
    sample_index INTEGER PRIMARY KEY REFERENCES samples(sample_index),
    status       TEXT NOT NULL CHECK (status IN ('reviewed', 'ambiguous', 'excluded')),
    time         TEXT NOT NULL
);

CREATE TABLE review_edits (
    edit_id      INTEGER PRIMARY KEY,
    sample_index INTEGER NOT NULL REFERENCES samples(sample_index),
    old_status   TEXT,
    new_status   TEXT,
    time         TEXT NOT NULL,
    source       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_edits_by_sample ON review_edits(sample_index);

CREATE TRIGGER review_edits_are_never_deleted BEFORE DELETE ON review_edits
BEGIN SELECT RAISE(ABORT, 'review_edits is an audit trail: rows are never deleted'); END;
CREATE TRIGGER review_edits_are_never_changed BEFORE UPDATE ON review_edits
BEGIN SELECT RAISE(ABORT, 'review_edits is an audit trail: rows are never changed'); END;
)sql";

// Version 4: who made each edit (the operating-system user), for the edit log.
const char *const kSchemaV4 = R"sql(
ALTER TABLE label_edits ADD COLUMN user TEXT NOT NULL DEFAULT '';
ALTER TABLE review_edits ADD COLUMN user TEXT NOT NULL DEFAULT '';
)sql";

// Version 6: what the data says without user metadata and patterns across classes: metadata
// columns computed from the images (flagged, so a re-analysis rewrites them and never a user's
// column), each sample's failure pattern, and a one-line description of every cluster with the
// samples that show it (comma-separated sample indexes).
const char *const kSchemaV6 = R"sql(
ALTER TABLE metadata_columns ADD COLUMN computed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sample_analysis ADD COLUMN pattern INTEGER;
ALTER TABLE clusters ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE clusters ADD COLUMN examples TEXT NOT NULL DEFAULT '';
)sql";

// Version 7: each clustering's own order (clusters.rank, 0 first): the failure patterns rank by
// excess per member, the clusters by excess errors. Rows of older projects keep rank NULL and
// are read in severity order, as before.
const char *const kSchemaV7 = R"sql(
ALTER TABLE clusters ADD COLUMN rank INTEGER;
)sql";

// Version 8: object detection. A project's task is project_info.task ("classification" when
// absent, or "detection"). In a detection project a sample is an image (its label NULL, its
// size in image_sizes), its annotated objects are rows of `boxes` (ids never reused, so an
// undone deletion gets its id back) and a run's predicted boxes rows of `predicted_boxes`
// (per-box class probabilities and embeddings, when given, are run arrays with one row per
// box_index). x, y, width and height are pixels, COCO's [x, y, width, height]. Every change
// to a box is a row of the append-only audit trail box_edits.
const char *const kSchemaV8 = R"sql(
CREATE TABLE image_sizes (
    sample_index INTEGER PRIMARY KEY REFERENCES samples(sample_index),
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0)
);

CREATE TABLE boxes (
    box_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_index INTEGER NOT NULL REFERENCES samples(sample_index),
    class_index  INTEGER NOT NULL REFERENCES classes(class_index),
    x            REAL NOT NULL,
    y            REAL NOT NULL,
    width        REAL NOT NULL CHECK (width > 0),
    height       REAL NOT NULL CHECK (height > 0),
    area         REAL,
    crowd        INTEGER NOT NULL DEFAULT 0,
    source_id    INTEGER
);
CREATE INDEX boxes_by_sample ON boxes(sample_index);

CREATE TABLE predicted_boxes (
    run_id        INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    box_index     INTEGER NOT NULL,
    sample_index  INTEGER NOT NULL REFERENCES samples(sample_index),
    class_index   INTEGER NOT NULL REFERENCES classes(class_index),
    x             REAL NOT NULL,
    y             REAL NOT NULL,
    width         REAL NOT NULL CHECK (width > 0),
    height        REAL NOT NULL CHECK (height > 0),
    score         REAL NOT NULL CHECK (score >= 0 AND score <= 1),
    embedding_row INTEGER,
    PRIMARY KEY (run_id, box_index)
) WITHOUT ROWID;
CREATE INDEX predicted_boxes_by_sample ON predicted_boxes(run_id, sample_index);

CREATE TABLE box_edits (
    edit_id      INTEGER PRIMARY KEY,
    box_id       INTEGER NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('add', 'delete', 'relabel', 'move')),
    sample_index INTEGER NOT NULL REFERENCES samples(sample_index),
    old_class    INTEGER,
    new_class    INTEGER,
    old_x REAL, old_y REAL, old_width REAL, old_height REAL,
    new_x REAL, new_y REAL, new_width REAL, new_height REAL,
    time         TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    user         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX box_edits_by_box ON box_edits(box_id);

CREATE TRIGGER box_edits_are_never_deleted BEFORE DELETE ON box_edits
BEGIN SELECT RAISE(ABORT, 'box_edits is an audit trail: rows are never deleted'); END;
CREATE TRIGGER box_edits_are_never_changed BEFORE UPDATE ON box_edits
BEGIN SELECT RAISE(ABORT, 'box_edits is an audit trail: rows are never changed'); END;
)sql";

// Version 9: no indexes on samples(label), samples(split) and predictions(run_id, loss). They
// hardly served a query (on a 1M project, with against without: by split 0.08 s either way, by
// label 0.06 against 0.07 s, the 20 highest losses through sample_view, as the SQL filter reads,
// 0.46 against 0.51 s), and building them took 2.9 s of the 1M import's 12.
const char *const kSchemaV9 = R"sql(
DROP INDEX IF EXISTS samples_by_label;
DROP INDEX IF EXISTS samples_by_split;
DROP INDEX IF EXISTS predictions_by_loss;
)sql";

// Version 10: the uniqueness of samples.id is a named index, samples_by_id, not a UNIQUE
// constraint. An import drops named indexes and builds them after its rows (ProjectWriter); a
// constraint's index it cannot drop, and keeping it up to date row by row cost a 1M import
// 1.4 of its 11.9 s of CPU (7.59 against 8.68 s of wall time, medians of 5 on a busy machine). SQLite cannot
// drop a constraint, so the table is rebuilt (and sample_view, which names it, with it), with foreign keys
// off: dropping a table they reference would delete through them.
const char *const kSchemaV10 = R"sql(
DROP VIEW IF EXISTS sample_view;
CREATE TABLE samples_v10 (
    sample_index   INTEGER PRIMARY KEY,
    id             TEXT NOT NULL,
    image          TEXT NOT NULL,
    label          INTEGER REFERENCES classes(class_index),
    original_label INTEGER REFERENCES classes(class_index),
    split          TEXT
);
INSERT INTO samples_v10(sample_index, id, image, label, original_label, split)
    SELECT sample_index, id, image, label, original_label, split FROM samples;
DROP TABLE samples;
ALTER TABLE samples_v10 RENAME TO samples;
CREATE UNIQUE INDEX samples_by_id ON samples(id);
)sql";

bool hasTable(SqliteDatabase &db, const QString &name)
{
    auto query =
        db.prepare(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?"));
    query.bind(1, name);
    return query.step() && query.columnInt(0) > 0;
}

bool hasColumn(SqliteDatabase &db, const QString &table, const QString &column)
{
    auto query = db.prepare(QStringLiteral("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?"));
    query.bind(1, table).bind(2, column);
    return query.step() && query.columnInt(0) > 0;
}

QList<MetadataColumn> storedMetadataColumns(SqliteDatabase &db)
{
    QList<MetadataColumn> columns;
    auto statement = db.prepare(QStringLiteral("SELECT name, type FROM metadata_columns ORDER BY position"));
    while (statement.step())
        columns.append({statement.columnText(0), metadataTypeFromName(statement.columnText(1))});
    return columns;
}

using Migration = std::function<void(SqliteDatabase &)>;

// migrations[i] takes a database from version i to version i + 1.
const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> steps = {
        [](SqliteDatabase &db) { db.exec(QString::fromUtf8(kSchemaV1)); },
        [](SqliteDatabase &db) {
            db.exec(QString::fromUtf8(kSchemaV2));
            recreateSampleView(db, storedMetadataColumns(db));
        },
        [](SqliteDatabase &db) {
            db.exec(QString::fromUtf8(kSchemaV3));
            recreateSampleView(db, storedMetadataColumns(db));
        },
        [](SqliteDatabase &db) { db.exec(QString::fromUtf8(kSchemaV4)); },
        // Version 5: sample_view.is_error is SampleState's definition (NULL for excluded samples).
        [](SqliteDatabase &db) { recreateSampleView(db, storedMetadataColumns(db)); },
        [](SqliteDatabase &db) {
            db.exec(QString::fromUtf8(kSchemaV6));
            recreateSampleView(db, storedMetadataColumns(db));
        },
        [](SqliteDatabase &db) { db.exec(QString::fromUtf8(kSchemaV7)); },
        [](SqliteDatabase &db) { db.exec(QString::fromUtf8(kSchemaV8)); },
        [](SqliteDatabase &db) { db.exec(QString::fromUtf8(kSchemaV9)); },
        [](SqliteDatabase &db) {
            if (db.queryInt(QStringLiteral("PRAGMA foreign_keys")) != 0)
                throw Error(QStringLiteral("%1: the upgrade to project format 10 needs foreign keys off")
                                .arg(db.path()));
            db.exec(QString::fromUtf8(kSchemaV10));
            recreateSampleView(db, storedMetadataColumns(db));
        },
    };
    return steps;
}

} // namespace

int version(SqliteDatabase &db)
{
    return int(db.queryInt(QStringLiteral("PRAGMA user_version")));
}

void migrate(SqliteDatabase &db)
{
    migrateTo(db, kCurrentVersion);
}

void migrateTo(SqliteDatabase &db, int target)
{
    static_assert(kCurrentVersion == 10, "add a migration step for every new schema version");
    const int from = version(db);
    if (from >= target)
        return;
    SqliteTransaction transaction(db);
    for (int v = from; v < target; ++v)
        migrations().at(size_t(v))(db);
    db.exec(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId));
    db.exec(QStringLiteral("PRAGMA user_version = %1").arg(target));
    transaction.commit();
}

QStringList reservedColumnNames()
{
    return {QStringLiteral("sample_index"),
            QStringLiteral("id"),
            QStringLiteral("image"),
            QStringLiteral("split"),
            QStringLiteral("label"),
            QStringLiteral("label_index"),
            QStringLiteral("original_label"),
            QStringLiteral("edited"),
            QStringLiteral("predicted"),
            QStringLiteral("predicted_index"),
            QStringLiteral("confidence"),
            QStringLiteral("given_probability"),
            QStringLiteral("loss"),
            QStringLiteral("margin"),
            QStringLiteral("is_error"),
            QStringLiteral("run_id"),
            QStringLiteral("issue_score"),
            QStringLiteral("is_issue"),
            QStringLiteral("suggested_label"),
            QStringLiteral("cluster"),
            QStringLiteral("map_cluster"),
            QStringLiteral("outlier_score"),
            QStringLiteral("pattern"),
            QStringLiteral("review_status")};
}

void recreateSampleView(SqliteDatabase &db, const QList<MetadataColumn> &metadata)
{
    QString metadataColumns;
    for (const MetadataColumn &column : metadata)
        metadataColumns += QStringLiteral(",\n    m.") + quoteSqlIdentifier(column.name);
    // Older schema versions (reachable through migrateTo() only) have no review marks.
    const bool reviews = hasTable(db, QStringLiteral("sample_reviews"));
    const QString reviewColumn = reviews ? QStringLiteral(",\n    r.status AS review_status") : QString();
    const QString reviewJoin =
        reviews ? QStringLiteral("LEFT JOIN sample_reviews AS r ON r.sample_index = s.sample_index\n")
                : QString();
    // The one definition of a model error, in SQL (SampleState::isError() in C++).
    const QString isError =
        SampleState::isErrorSql(QStringLiteral("s.label"), QStringLiteral("p.predicted"),
                                reviews ? QStringLiteral("r.status") : QStringLiteral("NULL"));

    db.exec(QStringLiteral("DROP VIEW IF EXISTS sample_view"));
    db.exec(QStringLiteral(R"sql(
CREATE VIEW sample_view AS
SELECT
    s.sample_index,
    s.id,
    s.image,
    s.split,
    lc.name AS label,
    s.label AS label_index,
    oc.name AS original_label,
    (s.label IS NOT s.original_label) AS edited,
    pc.name AS predicted,
    p.predicted AS predicted_index,
    p.confidence,
    p.given_probability,
    p.loss,
    p.margin,
    )sql") + isError +
            QStringLiteral(R"sql( AS is_error,
    p.run_id,
    a.issue_score,
    a.is_issue,
    sc.name AS suggested_label,
    a.cluster,
    a.map_cluster,
    a.outlier_score)sql") +
            (hasColumn(db, QStringLiteral("sample_analysis"), QStringLiteral("pattern"))
                 ? QStringLiteral(",\n    a.pattern")
                 : QString()) +
            reviewColumn + metadataColumns + QStringLiteral(R"sql(
FROM samples AS s
LEFT JOIN classes AS lc ON lc.class_index = s.label
LEFT JOIN classes AS oc ON oc.class_index = s.original_label
LEFT JOIN predictions AS p ON p.sample_index = s.sample_index
    AND p.run_id = (SELECT max(run_id) FROM runs)
LEFT JOIN classes AS pc ON pc.class_index = p.predicted
LEFT JOIN sample_analysis AS a ON a.run_id = p.run_id AND a.sample_index = s.sample_index
LEFT JOIN classes AS sc ON sc.class_index = a.suggested_label
LEFT JOIN sample_metadata AS m ON m.sample_index = s.sample_index
)sql") + reviewJoin);
}

} // namespace ProjectSchema
} // namespace loupe
