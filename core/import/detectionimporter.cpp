#include "import/detectionimporter.h"

#include "common/error.h"
#include "common/progress.h"
#include "common/sqlidentifier.h"
#include "formats/cocoreader.h"
#include "formats/vocreader.h"
#include "formats/yoloreader.h"
#include "import/detectionembeddings.h"
#include "import/imagepathchecker.h"
#include "import/importproblems.h"
#include "import/metadatatyping.h"
#include "import/projectwriter.h"
#include "storage/arraystore.h"
#include "storage/detectionstore.h"
#include "storage/project.h"
#include "storage/sqlitedatabase.h"
#include "storage/sqlitetransaction.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>

namespace loupe {

namespace {

const QString kAnnotationsFile = QStringLiteral("annotations.json");
const QString kPredictionsFile = QStringLiteral("predictions.json");

/** A detection folder read and checked, in COCO's shapes, before anything is written. */
struct DetectionSource
{
    CocoDataset dataset;
    std::vector<CocoResult> predictions;
    bool hasPredictions = false;
    QString imageRoot;
    QString annotationsName; ///< for messages: "annotations.json", "labels", "Annotations"
    QString predictionsName; ///< the run's source
    QString format;          ///< project_info.source_format
};

DetectionSource readSource(const QString &folder, DetectionFormat format, Progress &progress)
{
    const QDir dir(folder);
    DetectionSource source;
    switch (format) {
    case DetectionFormat::Coco:
        progress.setStep(QStringLiteral("Reading %1").arg(kAnnotationsFile));
        source.dataset = CocoReader::readInstances(dir.filePath(kAnnotationsFile), progress);
        source.hasPredictions = QFileInfo(dir.filePath(kPredictionsFile)).isFile();
        if (source.hasPredictions) {
            progress.setStep(QStringLiteral("Reading %1").arg(kPredictionsFile));
            source.predictions =
                CocoReader::readResults(dir.filePath(kPredictionsFile), source.dataset, progress);
        }
        source.imageRoot = QFileInfo(dir.filePath(QStringLiteral("images"))).isDir()
                               ? dir.filePath(QStringLiteral("images"))
                               : folder;
        source.annotationsName = kAnnotationsFile;
        source.predictionsName = kPredictionsFile;
        source.format = QStringLiteral("coco");
        break;
    case DetectionFormat::Yolo: {
        progress.setStep(QStringLiteral("Reading the YOLO labels"));
        YoloFolder yolo = YoloReader::read(folder, progress);
        source.dataset = std::move(yolo.dataset);
        source.predictions = std::move(yolo.predictions);
        source.hasPredictions = yolo.hasPredictions;
        source.imageRoot = dir.filePath(QStringLiteral("images"));
        source.annotationsName = QStringLiteral("labels");
        source.predictionsName = QStringLiteral("predictions");
        source.format = QStringLiteral("yolo");
        break;
    }
    case DetectionFormat::Voc:
        progress.setStep(QStringLiteral("Reading the VOC annotations"));
        source.dataset = VocReader::read(folder, progress);
        source.imageRoot = VocReader::imageRoot(folder);
        source.annotationsName = QStringLiteral("Annotations");
        source.format = QStringLiteral("voc");
        break;
    case DetectionFormat::None:
        throw Error(
            QStringLiteral("%1: not a detection folder (no annotations.json, labels/ or Annotations/)")
                .arg(folder));
    }
    return source;
}

/** Every box inside its image (COCO's reader checks its own; YOLO's and VOC's are checked here). */
void checkBoxesInside(const DetectionSource &source)
{
    for (size_t g = 0; g < source.dataset.annotations.size(); ++g) {
        const CocoAnnotation &a = source.dataset.annotations[g];
        const CocoImage &image = source.dataset.images[size_t(a.image)];
        const QString outside = boxOutsideImage(a.box, image);
        if (!outside.isEmpty())
            throw Error(QStringLiteral("%1: %2: the box [%3, %4, %5, %6] %7")
                            .arg(source.annotationsName, image.fileName)
                            .arg(a.box.x)
                            .arg(a.box.y)
                            .arg(a.box.width)
                            .arg(a.box.height)
                            .arg(outside));
    }
}

QString imageEntry(qint64 index, const CocoImage &image)
{
    return QStringLiteral("images[%1] (id %2)").arg(index).arg(image.id);
}

/** The category names as class names: each must be unique. */
QStringList classNames(const CocoDataset &dataset, const QString &file)
{
    QStringList names;
    QSet<QString> seen;
    for (size_t i = 0; i < dataset.categories.size(); ++i) {
        const QString name = dataset.categories[i].name.trimmed();
        if (seen.contains(name))
            throw Error(
                QStringLiteral("%1: categories[%2] (id %3): the name \"%4\" is used by another category")
                    .arg(file)
                    .arg(i)
                    .arg(dataset.categories[i].id)
                    .arg(name));
        seen.insert(name);
        names << name;
    }
    return names;
}

/** Every image file, checked on all cores; problems listed in image order. */
void checkImages(const CocoDataset &dataset, const QString &imageRoot, const QString &file,
                 ImportProblems &problems)
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
                file, 0,
                QStringLiteral("%1: %2").arg(imageEntry(i, dataset.images[size_t(i)]), results[size_t(i)]));
    }
}

/** The images' scalar keys as metadata columns ("split" is the split), typed by their values. */
struct MetadataLayout
{
    QList<MetadataColumn> columns;
    QHash<QString, int> columnOfKey; // COCO key -> index into columns
};

MetadataLayout metadataLayout(const CocoDataset &dataset, const QString &file, QStringList &notes)
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
                                 .arg(file, key, stored);
                }
                if (storedAs.contains(stored.toLower()))
                    throw Error(
                        QStringLiteral("%1: the image keys \"%2\" and \"%3\" would both be stored as the "
                                       "metadata column \"%4\"")
                            .arg(file, storedAs.value(stored.toLower()), key, stored));
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
                      int categories, const QString &sourceName)
{
    const int runId = project.addRun(options.runName, categories, sourceName);
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
                .arg(sourceName)
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

DetectionImporter::DetectionImporter(const QString &folder) : m_folder(QFileInfo(folder).absoluteFilePath())
{
}

DetectionFormat DetectionImporter::format(const QString &folder)
{
    if (QFileInfo(QDir(folder).filePath(kAnnotationsFile)).isFile())
        return DetectionFormat::Coco;
    if (YoloReader::isYoloFolder(folder))
        return DetectionFormat::Yolo;
    if (VocReader::isVocFolder(folder))
        return DetectionFormat::Voc;
    return DetectionFormat::None;
}

ImportSummary DetectionImporter::run(const QString &projectPath, const ImportOptions &options,
                                     Progress &progress)
{
    ImportSummary summary;
    const DetectionSource source = readSource(m_folder, format(m_folder), progress);
    const CocoDataset &dataset = source.dataset;
    const QStringList classes = classNames(dataset, source.annotationsName);
    checkBoxesInside(source);
    progress.setStep(QStringLiteral("Checking the images"));
    ImportProblems problems;
    checkImages(dataset, source.imageRoot, source.annotationsName, problems);
    const DetectionEmbeddings embeddings(m_folder, problems);
    embeddings.check(source.predictions, source.predictionsName, qint64(dataset.images.size()),
                     source.hasPredictions, problems, progress);
    problems.throwIfAny();
    const MetadataLayout layout = metadataLayout(dataset, source.annotationsName, summary.notes);

    ProjectWriter writer(projectPath, options.overwrite);
    Project &project = writer.project();
    writer.setDatasetRoot(source.imageRoot);
    project.setInfo(QStringLiteral("source_format"), source.format);
    project.setTask(ProjectTask::Detection);
    QStringList categoryIds; // a later run's results name the categories by these ids
    for (const CocoCategory &c : dataset.categories)
        categoryIds << QString::number(c.id);
    project.setInfo(QStringLiteral("category_ids"), categoryIds.join(QLatin1Char(',')));
    writer.writeClasses(classes);
    writer.writeMetadataColumns(layout.columns);
    progress.setStep(QStringLiteral("Writing images and boxes"));
    writeImages(dataset, layout, project.database(), progress);
    std::vector<qint64> sourceIds;
    DetectionStore(project.database()).writeAnnotations(annotationsOf(dataset, sourceIds), sourceIds);
    if (source.hasPredictions) {
        writePredictions(project, source.predictions, options, int(classes.size()), source.predictionsName);
        embeddings.write(project, project.latestRunId(), source.predictions, progress);
    }
    progress.throwIfCancelled();
    writer.commit();

    summary.samples = qint64(dataset.images.size());
    summary.classes = int(classes.size());
    summary.metadata = layout.columns;
    summary.hasPredictions = source.hasPredictions;
    summary.task = ProjectTask::Detection;
    summary.boxes = qint64(dataset.annotations.size());
    summary.predictedBoxes = qint64(source.predictions.size());
    return summary;
}

int DetectionImporter::importRun(Project &project, const QString &folder, const QString &runName,
                                 Progress &progress, qint64 *boxes)
{
    if (project.task() != ProjectTask::Detection)
        throw Error(QStringLiteral("%1: not a detection project").arg(project.fileName()));
    for (const RunInfo &run : project.runs()) {
        if (run.name == runName)
            throw Error(
                QStringLiteral("%1: a run named \"%2\" exists already").arg(project.fileName(), runName));
    }
    const QString results = QDir(folder).filePath(kPredictionsFile);
    if (!QFileInfo(results).isFile())
        throw Error(QStringLiteral("%1: no %2 (a COCO results file)").arg(folder, kPredictionsFile));
    // The project's images and categories under the ids the results use.
    CocoDataset ids;
    auto samples = project.database().prepare(QStringLiteral("SELECT id FROM samples ORDER BY sample_index"));
    for (qint64 i = 0; samples.step(); ++i)
        ids.images.push_back({cocoImageId(samples.columnText(0), i), {}, 0, 0, {}});
    const QStringList classes = project.classNames();
    const QStringList categoryIds =
        project.info(QStringLiteral("category_ids")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (int c = 0; c < classes.size(); ++c)
        ids.categories.push_back(
            {categoryIds.size() == classes.size() ? categoryIds[c].toLongLong() : c + 1, classes[c], {}});
    ids.indexIds(kPredictionsFile);
    progress.setStep(QStringLiteral("Reading %1").arg(kPredictionsFile));
    const std::vector<CocoResult> predictions = CocoReader::readResults(results, ids, progress);
    ImportProblems problems;
    const DetectionEmbeddings embeddings(folder, problems);
    embeddings.check(predictions, kPredictionsFile, qint64(ids.images.size()), true, problems, progress);
    problems.throwIfAny();
    SqliteTransaction transaction(project.database());
    ImportOptions options;
    options.runName = runName;
    writePredictions(project, predictions, options, int(classes.size()), results);
    const int runId = project.latestRunId();
    embeddings.write(project, runId, predictions, progress);
    transaction.commit();
    if (boxes)
        *boxes = qint64(predictions.size());
    return runId;
}

} // namespace loupe
