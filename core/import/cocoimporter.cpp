#include "import/cocoimporter.h"

#include "common/error.h"
#include "common/progress.h"
#include "common/sqlidentifier.h"
#include "formats/cocoreader.h"
#include "import/imagepathchecker.h"
#include "import/importproblems.h"
#include "import/metadatatyping.h"
#include "import/projectwriter.h"
#include "storage/arraystore.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>

namespace loupe {

namespace {

const QString kAnnotationsFile = QStringLiteral("annotations.json");
const QString kPredictionsFile = QStringLiteral("predictions.json");

QString imageEntry(qint64 index, const CocoImage &image)
{
    return QStringLiteral("images[%1] (id %2)").arg(index).arg(image.id);
}

/** The category names as class names: each must be unique. */
QStringList classNames(const CocoDataset &dataset)
{
    QStringList names;
    QSet<QString> seen;
    for (size_t i = 0; i < dataset.categories.size(); ++i) {
        const QString name = dataset.categories[i].name.trimmed();
        if (seen.contains(name))
            throw Error(
                QStringLiteral("%1: categories[%2] (id %3): the name \"%4\" is used by another category")
                    .arg(kAnnotationsFile)
                    .arg(i)
                    .arg(dataset.categories[i].id)
                    .arg(name));
        seen.insert(name);
        names << name;
    }
    return names;
}

/** Every image file, checked on all cores; problems listed in image order. */
void checkImages(const CocoDataset &dataset, const QString &imageRoot, ImportProblems &problems)
{
    const ImagePathChecker checker(imageRoot);
    std::vector<QString> results(dataset.images.size());
    const auto count = qint64(dataset.images.size());
#pragma omp parallel for schedule(static, 256)
    for (qint64 i = 0; i < count; ++i)
        results[size_t(i)] = checker.check(dataset.images[size_t(i)].fileName);
    for (qint64 i = 0; i < count; ++i) {
        if (!results[size_t(i)].isEmpty())
            problems.add(
                kAnnotationsFile, 0,
                QStringLiteral("%1: %2").arg(imageEntry(i, dataset.images[size_t(i)]), results[size_t(i)]));
    }
}

/** The images' scalar keys as metadata columns ("split" is the split), typed by their values. */
struct MetadataLayout
{
    QList<MetadataColumn> columns;
    QHash<QString, int> columnOfKey; // COCO key -> index into columns
};

MetadataLayout metadataLayout(const CocoDataset &dataset, QStringList &notes)
{
    MetadataLayout layout;
    const QStringList reserved = ProjectSchema::reservedColumnNames();
    QHash<QString, QString> storedAs; // lower-cased stored name -> key
    for (const CocoImage &image : dataset.images) {
        for (const auto &[key, value] : image.metadata) {
            if (key == QLatin1String("split"))
                continue;
            auto found = layout.columnOfKey.constFind(key);
            if (found == layout.columnOfKey.cend()) {
                QString stored = key;
                if (reserved.contains(key.toLower()) || key.trimmed().isEmpty()) {
                    stored = QStringLiteral("meta_") + key;
                    notes << QStringLiteral("%1: image key \"%2\" is stored as \"%3\" (the name is reserved)")
                                 .arg(kAnnotationsFile, key, stored);
                }
                if (storedAs.contains(stored.toLower()))
                    throw Error(
                        QStringLiteral("%1: the image keys \"%2\" and \"%3\" would both be stored as the "
                                       "metadata column \"%4\"")
                            .arg(kAnnotationsFile, storedAs.value(stored.toLower()), key, stored));
                storedAs.insert(stored.toLower(), key);
                found = layout.columnOfKey.insert(key, int(layout.columns.size()));
                layout.columns.append({stored, MetadataColumn::Type::Integer});
            }
            widenMetadataType(layout.columns[*found], value);
        }
    }
    return layout;
}

void writeImages(const CocoDataset &dataset, const MetadataLayout &layout, SqliteDatabase &db,
                 Progress &progress)
{
    auto insertSample = db.prepare(QStringLiteral("INSERT INTO samples(sample_index, id, image, label, "
                                                  "original_label, split) VALUES (?, ?, ?, NULL, NULL, ?)"));
    auto insertMetadata = prepareMetadataInsert(db, layout.columns);
    auto insertSize =
        db.prepare(QStringLiteral("INSERT INTO image_sizes(sample_index, width, height) VALUES (?, ?, ?)"));
    std::vector<QString> values(size_t(layout.columns.size()));
    for (size_t i = 0; i < dataset.images.size(); ++i) {
        const CocoImage &image = dataset.images[i];
        QString split;
        std::fill(values.begin(), values.end(), QString());
        for (const auto &[key, value] : image.metadata) {
            if (key == QLatin1String("split"))
                split = value.trimmed();
            else
                values[size_t(layout.columnOfKey.value(key))] = value;
        }
        insertSample.bind(1, qint64(i))
            .bind(2, QString::number(image.id))
            .bind(3, QDir::cleanPath(image.fileName));
        if (split.isEmpty())
            insertSample.bindNull(4);
        else
            insertSample.bind(4, split);
        insertSample.execute();
        insertMetadata.bind(1, qint64(i));
        for (int m = 0; m < layout.columns.size(); ++m)
            bindMetadataValue(insertMetadata, m + 2, layout.columns.at(m), values[size_t(m)]);
        insertMetadata.execute();
        if (image.width > 0 && image.height > 0)
            insertSize.bind(1, qint64(i)).bind(2, image.width).bind(3, image.height).execute();
        if ((i & 0xfff) == 0) {
            progress.throwIfCancelled();
            progress.setProgress(qint64(i), qint64(dataset.images.size()));
        }
    }
}

std::vector<Annotation> annotationsOf(const CocoDataset &dataset, std::vector<qint64> &sourceIds)
{
    std::vector<Annotation> annotations;
    annotations.reserve(dataset.annotations.size());
    sourceIds.reserve(dataset.annotations.size());
    for (const CocoAnnotation &a : dataset.annotations) {
        annotations.push_back({a.image, a.category, a.box, a.area, a.crowd});
        sourceIds.push_back(a.id);
    }
    return annotations;
}

/** The run's boxes; their probabilities, when every box has them, as the run array "box_probabilities". */
void writePredictions(Project &project, const std::vector<CocoResult> &results, const ImportOptions &options,
                      int categories)
{
    const int runId = project.addRun(options.runName, categories, kPredictionsFile);
    std::vector<Detection> detections;
    std::vector<qint64> embeddingRows;
    detections.reserve(results.size());
    size_t withProbabilities = 0;
    for (const CocoResult &r : results) {
        detections.push_back({r.image, r.category, r.box, r.score});
        embeddingRows.push_back(r.embeddingRow);
        withProbabilities += !r.probabilities.empty();
    }
    DetectionStore(project.database()).writePredictions(runId, detections, embeddingRows);
    if (withProbabilities == 0)
        return;
    if (withProbabilities != results.size())
        throw Error(
            QStringLiteral("%1: %2 of %3 boxes have probabilities; give them for every box or for none")
                .arg(kPredictionsFile)
                .arg(withProbabilities)
                .arg(results.size()));
    ArrayStore(project.database())
        .write(runId, QStringLiteral("box_probabilities"), {qint64(results.size()), categories},
               [&results, categories](qint64 first, qint64 count, float *out) {
                   for (qint64 r = 0; r < count; ++r)
                       std::copy_n(results[size_t(first + r)].probabilities.data(), categories,
                                   out + r * categories);
               });
}

} // namespace

CocoImporter::CocoImporter(const QString &folder) : m_folder(QFileInfo(folder).absoluteFilePath()) {}

bool CocoImporter::isCocoFolder(const QString &folder)
{
    return QFileInfo(QDir(folder).filePath(kAnnotationsFile)).isFile();
}

ImportSummary CocoImporter::run(const QString &projectPath, const ImportOptions &options, Progress &progress)
{
    if (!isCocoFolder(m_folder))
        throw Error(QStringLiteral("%1: not a COCO folder (no %2)").arg(m_folder, kAnnotationsFile));
    const QDir folder(m_folder);
    ImportSummary summary;

    progress.setStep(QStringLiteral("Reading %1").arg(kAnnotationsFile));
    const CocoDataset dataset = CocoReader::readInstances(folder.filePath(kAnnotationsFile), progress);
    const QStringList classes = classNames(dataset);
    const QString imageRoot = QFileInfo(folder.filePath(QStringLiteral("images"))).isDir()
                                  ? folder.filePath(QStringLiteral("images"))
                                  : m_folder;
    progress.setStep(QStringLiteral("Checking the images"));
    ImportProblems problems;
    checkImages(dataset, imageRoot, problems);
    problems.throwIfAny();
    const MetadataLayout layout = metadataLayout(dataset, summary.notes);

    std::vector<CocoResult> results;
    const bool hasPredictions = QFileInfo(folder.filePath(kPredictionsFile)).isFile();
    if (hasPredictions) {
        progress.setStep(QStringLiteral("Reading %1").arg(kPredictionsFile));
        results = CocoReader::readResults(folder.filePath(kPredictionsFile), dataset, progress);
    }

    ProjectWriter writer(projectPath, options.overwrite);
    Project &project = writer.project();
    writer.setDatasetRoot(imageRoot);
    project.setInfo(QStringLiteral("source_format"), QStringLiteral("coco"));
    project.setTask(ProjectTask::Detection);
    writer.writeClasses(classes);
    writer.writeMetadataColumns(layout.columns);
    progress.setStep(QStringLiteral("Writing images and boxes"));
    writeImages(dataset, layout, project.database(), progress);
    std::vector<qint64> sourceIds;
    DetectionStore(project.database()).writeAnnotations(annotationsOf(dataset, sourceIds), sourceIds);
    if (hasPredictions)
        writePredictions(project, results, options, int(classes.size()));
    progress.throwIfCancelled();
    writer.commit();

    summary.samples = qint64(dataset.images.size());
    summary.classes = int(classes.size());
    summary.metadata = layout.columns;
    summary.hasPredictions = hasPredictions;
    summary.task = ProjectTask::Detection;
    summary.boxes = qint64(dataset.annotations.size());
    summary.predictedBoxes = qint64(results.size());
    return summary;
}

} // namespace loupe
