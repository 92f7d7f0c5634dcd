#include "loupefolderimporter.h"

#include "csvreader.h"
#include "error.h"
#include "importproblems.h"
#include "npyfile.h"
#include "progress.h"
#include "project.h"
#include "projectwriter.h"
#include "sqlitedatabase.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QStringDecoder>

#include <cerrno>
#include <cmath>
#include <memory>
#include <optional>
#include <mutex>
#include <unordered_map>

#include <sys/stat.h>

namespace loupe {

namespace {

const QString kClassesFile = QStringLiteral("classes.txt");
const QString kSamplesFile = QStringLiteral("samples.csv");
const QString kPredictionsFile = QStringLiteral("predictions.npy");
const QString kLogitsFile = QStringLiteral("logits.npy");
const QString kEmbeddingsFile = QStringLiteral("embeddings.npy");
const QString kCoordsFile = QStringLiteral("coords.npy");
const QString kHistoryFile = QStringLiteral("history.csv");

// Rows whose probabilities sum to within this of 1 are renormalised; others are refused.
constexpr double kProbabilitySumTolerance = 1e-3;

QStringList readClasses(const QString &folder, ImportProblems &problems)
{
    QFile file(QDir(folder).filePath(kClassesFile));
    if (!file.open(QIODevice::ReadOnly)) {
        problems.add(kClassesFile, 0, file.exists() ? file.errorString() : QStringLiteral("missing"));
        return {};
    }
    QStringList names;
    QHash<QString, int> seen;
    // Checked, not QString::fromUtf8(): that would quietly turn a Latin-1 "café" into "caf\uFFFD".
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (int i = 0; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (i == 0 && line.startsWith("\xEF\xBB\xBF"))
            line.remove(0, 3);
        const QString name = QString(utf8.decode(line)).trimmed();
        if (utf8.hasError()) {
            problems.add(kClassesFile, i + 1, QStringLiteral("invalid UTF-8 text (save the file as UTF-8)"));
            utf8.resetState();
            continue;
        }
        const bool lastLine = i == lines.size() - 1;
        if (name.isEmpty()) {
            if (!lastLine)
                problems.add(kClassesFile, i + 1, QStringLiteral("empty class name"));
            continue;
        }
        if (seen.contains(name))
            problems.add(
                kClassesFile, i + 1,
                QStringLiteral("class \"%1\" is already on line %2").arg(name).arg(seen.value(name)));
        seen.insert(name, i + 1);
        names << name;
    }
    if (names.isEmpty() && problems.isEmpty())
        problems.add(kClassesFile, 0, QStringLiteral("lists no classes"));
    return names;
}

/** Column layout of samples.csv, worked out from its header. */
struct SamplesLayout
{
    int columnCount = 0;
    int id = -1;
    int image = -1;
    int label = -1;
    int split = -1;
    QList<int> metadataSources; // CSV column of each metadata column
    QList<MetadataColumn> metadata;
};

SamplesLayout parseHeader(const std::vector<QString> &header, ImportProblems &problems, QStringList &notes)
{
    SamplesLayout layout;
    layout.columnCount = int(header.size());
    const QStringList reserved = ProjectSchema::reservedColumnNames();
    QSet<QString> seen;
    // Lower-cased stored name -> CSV name: "loss" (stored as "meta_loss") and "meta_loss" cannot share.
    QHash<QString, QString> storedAs;
    for (int c = 0; c < layout.columnCount; ++c) {
        const QString name = header[size_t(c)].trimmed();
        if (name.isEmpty()) {
            problems.add(kSamplesFile, 1, QStringLiteral("column %1 has no name").arg(c + 1));
            continue;
        }
        if (seen.contains(name.toLower())) {
            problems.add(kSamplesFile, 1, QStringLiteral("column \"%1\" appears twice").arg(name));
            continue;
        }
        seen.insert(name.toLower());
        if (name == QLatin1String("id"))
            layout.id = c;
        else if (name == QLatin1String("image"))
            layout.image = c;
        else if (name == QLatin1String("label"))
            layout.label = c;
        else if (name == QLatin1String("split"))
            layout.split = c;
        else {
            QString stored = name;
            if (reserved.contains(name.toLower())) {
                stored = QStringLiteral("meta_") + name;
                notes << QStringLiteral(
                             "%1: metadata column \"%2\" is stored as \"%3\" (the name is reserved)")
                             .arg(kSamplesFile, name, stored);
            }
            if (storedAs.contains(stored.toLower())) {
                problems.add(
                    kSamplesFile, 1,
                    QStringLiteral("metadata columns \"%1\" and \"%2\" would both be stored as \"%3\"")
                        .arg(storedAs.value(stored.toLower()), name, stored));
                continue;
            }
            storedAs.insert(stored.toLower(), name);
            layout.metadataSources << c;
            layout.metadata.append({stored, MetadataColumn::Type::Integer});
        }
    }
    for (const auto &[index, name] :
         {std::pair{layout.id, "id"}, {layout.image, "image"}, {layout.label, "label"}}) {
        if (index < 0)
            problems.add(kSamplesFile, 1,
                         QStringLiteral("missing required column \"%1\"").arg(QLatin1String(name)));
    }
    return layout;
}

/** Checks that an image path stays inside the dataset folder and names a file. */
class ImagePathChecker
{
public:
    explicit ImagePathChecker(const QString &folder)
        : m_root(folder), m_canonicalRoot(QFileInfo(folder).canonicalFilePath() + QLatin1Char('/'))
    {
    }

    /** Empty when the path is fine, else the problem. */
    QString check(const QString &path) const
    {
        if (path.isEmpty())
            return QStringLiteral("empty image path");
        if (QDir::isAbsolutePath(path) || path.startsWith(QLatin1Char('\\')))
            return QStringLiteral(
                       "image path \"%1\" is absolute; paths must be relative to the dataset folder")
                .arg(path);
        const QString clean = QDir::cleanPath(path);
        if (clean == QLatin1String("..") || clean.startsWith(QLatin1String("../")))
            return QStringLiteral("image path \"%1\" escapes the dataset folder").arg(path);
        const QString absolute = m_root.filePath(clean);
        if (isPlainFileInPlainFolder(absolute))
            return {};
        const QFileInfo info(absolute);
        // exists() follows links, so it is false for a broken link and for a link loop
        // (whose canonical path Qt does not report as empty). A loop through a folder link
        // on the way (img/self/self/x.png) shows only in stat()'s ELOOP.
        if (!info.exists())
            return info.isSymLink() || isLinkLoop(absolute)
                       ? QStringLiteral("image \"%1\" is a broken link or a link loop").arg(path)
                       : QStringLiteral("image \"%1\" does not exist").arg(path);
        // A link to the file, or to a folder on its way, must not lead out of the dataset folder.
        // Folders are few, so their canonical paths are cached rather than resolved per sample.
        const QString canonical = info.isSymLink()
                                      ? info.canonicalFilePath()
                                      : canonicalFolder(info.path()) + QLatin1Char('/') + info.fileName();
        if (!canonical.startsWith(m_canonicalRoot))
            return QStringLiteral("image \"%1\" links outside the dataset folder").arg(path);
        if (!info.isFile())
            return QStringLiteral("image \"%1\" is not a file").arg(path);
        return {};
    }

private:
    // The common case in one lstat(): a regular file (not a link) whose folder was already
    // found to resolve inside the dataset. Everything else takes the careful path.
    bool isPlainFileInPlainFolder(const QString &absolute) const
    {
        struct stat info;
        if (::lstat(QFile::encodeName(absolute).constData(), &info) != 0 || !S_ISREG(info.st_mode))
            return false;
        const QString folder = absolute.left(absolute.lastIndexOf(QLatin1Char('/')));
        const QString canonical = canonicalFolder(folder) + QLatin1Char('/');
        return canonical.startsWith(m_canonicalRoot);
    }

    static bool isLinkLoop(const QString &absolute)
    {
        struct stat info;
        return ::stat(QFile::encodeName(absolute).constData(), &info) != 0 && errno == ELOOP;
    }

    QString canonicalFolder(const QString &folder) const
    {
        std::lock_guard lock(m_mutex);
        auto it = m_canonicalFolders.constFind(folder);
        if (it == m_canonicalFolders.cend())
            it = m_canonicalFolders.insert(folder, QFileInfo(folder).canonicalFilePath());
        return *it;
    }

    QDir m_root;
    QString m_canonicalRoot;
    mutable std::mutex m_mutex; // check() runs on several threads
    mutable QHash<QString, QString>
        m_canonicalFolders; // folder as written -> canonical path; guarded by m_mutex
};

/**
 * Checks image paths in batches on all cores: one file-system call per image is the
 * slowest part of reading a million-row samples.csv, and the calls parallelise well.
 * Problems are reported in line order all the same.
 */
class ImageCheckBatch
{
public:
    ImageCheckBatch(const ImagePathChecker &checker, ImportProblems &problems)
        : m_checker(checker), m_problems(problems)
    {
    }

    void add(qint64 line, const QString &path)
    {
        m_lines.push_back(line);
        m_paths.push_back(path);
        if (m_paths.size() >= kBatchSize)
            flush();
    }

    void flush()
    {
        std::vector<QString> results(m_paths.size());
        const auto count = qint64(m_paths.size());
#pragma omp parallel for schedule(static, 256)
        for (qint64 i = 0; i < count; ++i)
            results[size_t(i)] = m_checker.check(m_paths[size_t(i)]);
        for (size_t i = 0; i < results.size(); ++i) {
            if (!results[i].isEmpty())
                m_problems.add(kSamplesFile, m_lines[i], results[i]);
        }
        m_lines.clear();
        m_paths.clear();
    }

private:
    static constexpr size_t kBatchSize = 16384;
    const ImagePathChecker &m_checker;
    ImportProblems &m_problems;
    std::vector<qint64> m_lines;
    std::vector<QString> m_paths;
};

/** What pass 1 over samples.csv keeps per sample: compact, so a million rows stay small. */
struct SamplesScan
{
    SamplesLayout layout;
    std::vector<int> labels; // -1 for unlabeled
    qint64 unlabeled = 0;
};

void inferType(MetadataColumn &column, const QString &value)
{
    if (value.isEmpty() || column.type == MetadataColumn::Type::Text)
        return;
    bool ok = false;
    if (column.type == MetadataColumn::Type::Integer) {
        value.toLongLong(&ok);
        if (ok)
            return;
        column.type = MetadataColumn::Type::Real;
    }
    value.toDouble(&ok);
    if (!ok)
        column.type = MetadataColumn::Type::Text;
}

SamplesScan scanSamples(const QString &folder, const QStringList &classes, ImportProblems &problems,
                        QStringList &notes, Progress &progress)
{
    SamplesScan scan;
    const QString path = QDir(folder).filePath(kSamplesFile);
    if (!QFileInfo::exists(path)) {
        problems.add(kSamplesFile, 0, QStringLiteral("missing"));
        return scan;
    }
    CsvReader reader(path);
    std::vector<QString> fields;
    if (!reader.readRecord(fields)) {
        problems.add(kSamplesFile, 0, QStringLiteral("is empty; expected a header line with id,image,label"));
        return scan;
    }
    scan.layout = parseHeader(fields, problems, notes);
    if (!problems.isEmpty())
        return scan;

    QHash<QString, int> classIndex;
    for (int i = 0; i < classes.size(); ++i)
        classIndex.insert(classes.at(i), i);
    const ImagePathChecker images(folder);
    ImageCheckBatch pendingImages(images, problems);
    // 64-bit hashes of the ids seen so far, with their line: a million ids in ~40 MB.
    std::unordered_map<size_t, qint64> idLines;
    SamplesLayout &layout = scan.layout;

    while (reader.readRecord(fields)) {
        const qint64 line = reader.recordLine();
        if ((line & 0xfff) == 0) {
            progress.throwIfCancelled();
            progress.setProgress(reader.bytesRead(), reader.fileSize());
        }
        if (problems.isFull())
            break;
        if (int(fields.size()) != layout.columnCount) {
            if (fields.size() == 1 && fields[0].isEmpty())
                problems.add(kSamplesFile, line, QStringLiteral("empty line"));
            else
                problems.add(kSamplesFile, line,
                             QStringLiteral("has %1 fields; the header has %2")
                                 .arg(fields.size())
                                 .arg(layout.columnCount));
            scan.labels.push_back(-1);
            continue;
        }
        const QString &id = fields[size_t(layout.id)];
        if (id.isEmpty())
            problems.add(kSamplesFile, line, QStringLiteral("empty id"));
        const auto [it, inserted] = idLines.emplace(qHash(id, size_t(0x9e3779b97f4a7c15ull)), line);
        if (!inserted)
            problems.add(kSamplesFile, line,
                         QStringLiteral("id \"%1\" is already on line %2").arg(id).arg(it->second));

        pendingImages.add(line, fields[size_t(layout.image)]);

        const QString &label = fields[size_t(layout.label)];
        int labelIndex = -1;
        if (label.isEmpty()) {
            ++scan.unlabeled;
        } else {
            labelIndex = classIndex.value(label, -1);
            if (labelIndex < 0)
                problems.add(kSamplesFile, line,
                             QStringLiteral("unknown class \"%1\" (not in classes.txt)").arg(label));
        }
        scan.labels.push_back(labelIndex);
        for (int m = 0; m < layout.metadata.size(); ++m)
            inferType(layout.metadata[m], fields[size_t(layout.metadataSources.at(m))]);
    }
    pendingImages.flush();
    if (scan.labels.empty() && problems.isEmpty())
        problems.add(kSamplesFile, 0, QStringLiteral("has a header but no samples"));
    return scan;
}

/** The probability source: predictions.npy as given (renormalised) or softmax(logits.npy). */
struct ProbabilityInput
{
    std::unique_ptr<NpyFile> file;
    bool logits = false;
};

std::unique_ptr<NpyFile> openOptionalNpy(const QString &folder, const QString &name, ImportProblems &problems)
{
    const QString path = QDir(folder).filePath(name);
    if (!QFileInfo::exists(path))
        return nullptr;
    try {
        return std::make_unique<NpyFile>(path);
    } catch (const Error &error) {
        problems.add(name, 0, error.message().section(QStringLiteral(": "), 1));
        return nullptr;
    }
}

void checkRowCount(const NpyFile &file, qint64 samples, ImportProblems &problems)
{
    if (file.rows() != samples)
        problems.add(
            file.fileName(), 0,
            QStringLiteral("has %1 rows but samples.csv has %2 samples").arg(file.rows()).arg(samples));
}

void softmaxInPlace(float *row, int cols)
{
    const float maximum = *std::max_element(row, row + cols);
    double sum = 0.0;
    for (int k = 0; k < cols; ++k) {
        row[k] = std::exp(row[k] - maximum);
        sum += row[k];
    }
    for (int k = 0; k < cols; ++k)
        row[k] = float(row[k] / sum);
}

/** Scans every value of a .npy file (memory-mapped, in blocks) for NaN/Inf and, for probabilities, their
 * sums. */
void checkValues(const NpyFile &file, bool probabilities, ImportProblems &problems, Progress &progress)
{
    const qint64 cols = file.cols();
    const qint64 block = std::max<qint64>(1, (1 << 20) / std::max<qint64>(1, cols));
    std::vector<float> buffer(size_t(block * cols));
    for (qint64 first = 0; first < file.rows() && !problems.isFull(); first += block) {
        const qint64 count = std::min(block, file.rows() - first);
        file.readRows(first, count, buffer.data());
        for (qint64 r = 0; r < count; ++r) {
            const float *row = buffer.data() + r * cols;
            double sum = 0.0;
            QString problem;
            for (qint64 k = 0; k < cols && problem.isEmpty(); ++k) {
                if (!std::isfinite(row[k]))
                    problem =
                        QStringLiteral("%1 in column %2")
                            .arg(std::isnan(row[k]) ? QStringLiteral("NaN") : QStringLiteral("infinity"))
                            .arg(k);
                else if (probabilities && row[k] < 0.0f)
                    problem = QStringLiteral("negative probability %1 in column %2").arg(row[k]).arg(k);
                sum += row[k];
            }
            if (problem.isEmpty() && probabilities && std::abs(sum - 1.0) > kProbabilitySumTolerance)
                problem =
                    QStringLiteral("probabilities sum to %1, not 1 (tolerance %2); save unnormalised scores "
                                   "as logits.npy instead")
                        .arg(sum, 0, 'g', 6)
                        .arg(kProbabilitySumTolerance);
            if (!problem.isEmpty())
                problems.add(file.fileName(), 0, QStringLiteral("row %1: %2").arg(first + r).arg(problem));
        }
        progress.throwIfCancelled();
        progress.setProgress(first + count, file.rows());
    }
}

struct History
{
    QStringList metrics; // metrics[0] is "epoch"
    std::vector<std::vector<double>> rows;
};

std::optional<History> readHistory(const QString &folder, ImportProblems &problems)
{
    const QString path = QDir(folder).filePath(kHistoryFile);
    if (!QFileInfo::exists(path))
        return std::nullopt;
    History history;
    CsvReader reader(path);
    std::vector<QString> fields;
    if (!reader.readRecord(fields)) {
        problems.add(kHistoryFile, 0, QStringLiteral("is empty; expected epoch,train_loss,val_loss"));
        return std::nullopt;
    }
    for (const QString &field : fields)
        history.metrics << field.trimmed();
    if (history.metrics.value(0) != QLatin1String("epoch") ||
        !history.metrics.contains(QLatin1String("train_loss")) ||
        !history.metrics.contains(QLatin1String("val_loss"))) {
        problems.add(kHistoryFile, 1,
                     QStringLiteral("the header must start with epoch and name train_loss and val_loss"));
        return std::nullopt;
    }
    for (int c = 1; c < history.metrics.size(); ++c) {
        if (history.metrics.indexOf(history.metrics.at(c)) < c) {
            problems.add(kHistoryFile, 1,
                         QStringLiteral("column \"%1\" appears twice").arg(history.metrics.at(c)));
            return std::nullopt;
        }
    }
    QHash<double, qint64> epochLines; // each (epoch, metric) is stored once
    while (reader.readRecord(fields)) {
        if (fields.size() != size_t(history.metrics.size())) {
            problems.add(kHistoryFile, reader.recordLine(),
                         QStringLiteral("has %1 fields; the header has %2")
                             .arg(fields.size())
                             .arg(history.metrics.size()));
            continue;
        }
        std::vector<double> row;
        for (size_t c = 0; c < fields.size(); ++c) {
            bool ok = false;
            const double value = fields[c].isEmpty() ? NAN : fields[c].toDouble(&ok);
            if (!ok && !fields[c].isEmpty())
                problems.add(kHistoryFile, reader.recordLine(),
                             QStringLiteral("\"%1\" in column %2 is not a number")
                                 .arg(fields[c], history.metrics.at(int(c))));
            row.push_back(value);
        }
        if (!std::isfinite(row[0]) || row[0] != std::floor(row[0])) {
            problems.add(kHistoryFile, reader.recordLine(), QStringLiteral("epoch must be a whole number"));
        } else if (epochLines.contains(row[0])) {
            problems.add(
                kHistoryFile, reader.recordLine(),
                QStringLiteral("epoch %1 is already on line %2").arg(row[0]).arg(epochLines.value(row[0])));
        } else {
            epochLines.insert(row[0], reader.recordLine());
            history.rows.push_back(std::move(row));
        }
    }
    return history;
}

void bindMetadataValue(SqliteStatement &insert, int index, const MetadataColumn &column, const QString &value)
{
    if (value.isEmpty()) {
        insert.bindNull(index);
        return;
    }
    switch (column.type) {
    case MetadataColumn::Type::Integer:
        insert.bind(index, value.toLongLong());
        return;
    case MetadataColumn::Type::Real:
        insert.bind(index, value.toDouble());
        return;
    case MetadataColumn::Type::Text:
        insert.bind(index, value);
        return;
    }
}

/** Pass 2 over samples.csv: the samples and their metadata, already validated by pass 1. */
void writeSamples(const QString &folder, const SamplesScan &scan, SqliteDatabase &db, Progress &progress)
{
    const SamplesLayout &layout = scan.layout;
    auto insertSample = db.prepare(QStringLiteral("INSERT INTO samples(sample_index, id, image, label, "
                                                  "original_label, split) VALUES (?, ?, ?, ?, ?, ?)"));
    QString metadataSql = QStringLiteral("INSERT INTO sample_metadata(sample_index");
    QString placeholders = QStringLiteral("?");
    for (const MetadataColumn &column : layout.metadata) {
        metadataSql += QStringLiteral(", ") + ProjectSchema::quoteIdentifier(column.name);
        placeholders += QStringLiteral(", ?");
    }
    auto insertMetadata =
        db.prepare(metadataSql + QStringLiteral(") VALUES (") + placeholders + QStringLiteral(")"));

    CsvReader reader(QDir(folder).filePath(kSamplesFile));
    std::vector<QString> fields;
    reader.readRecord(fields); // header
    qint64 sample = 0;
    while (reader.readRecord(fields)) {
        const int label = scan.labels[size_t(sample)];
        insertSample.bind(1, sample)
            .bind(2, fields[size_t(layout.id)])
            .bind(3, QDir::cleanPath(fields[size_t(layout.image)]));
        if (label < 0)
            insertSample.bindNull(4).bindNull(5);
        else
            insertSample.bind(4, label).bind(5, label);
        const QString split = layout.split >= 0 ? fields[size_t(layout.split)].trimmed() : QString();
        if (split.isEmpty())
            insertSample.bindNull(6);
        else
            insertSample.bind(6, split);
        insertSample.execute();

        insertMetadata.bind(1, sample);
        for (int m = 0; m < layout.metadata.size(); ++m)
            bindMetadataValue(insertMetadata, m + 2, layout.metadata.at(m),
                              fields[size_t(layout.metadataSources.at(m))]);
        insertMetadata.execute();
        if ((++sample & 0xfff) == 0) {
            progress.throwIfCancelled();
            progress.setProgress(reader.bytesRead(), reader.fileSize());
        }
    }
}

ArrayStore::RowSource probabilityRows(const NpyFile &file, bool logits)
{
    return [&file, logits](qint64 first, qint64 count, float *out) {
        file.readRows(first, count, out);
        const int cols = int(file.cols());
        for (qint64 r = 0; r < count; ++r) {
            float *row = out + r * cols;
            if (logits) {
                softmaxInPlace(row, cols);
                continue;
            }
            double sum = 0.0;
            for (int k = 0; k < cols; ++k)
                sum += row[k];
            for (int k = 0; k < cols; ++k)
                row[k] = float(row[k] / sum);
        }
    };
}

ArrayStore::RowSource plainRows(const NpyFile &file)
{
    return [&file](qint64 first, qint64 count, float *out) {
        file.readRows(first, count, out);
    };
}

} // namespace

LoupeFolderImporter::LoupeFolderImporter(const QString &folder)
    : m_folder(QFileInfo(folder).absoluteFilePath())
{
}

ImportSummary LoupeFolderImporter::run(const QString &projectPath, const ImportOptions &options,
                                       Progress &progress)
{
    if (!QFileInfo(m_folder).isDir())
        throw Error(QStringLiteral("%1: not a folder").arg(m_folder));
    ImportSummary summary;
    ImportProblems problems;

    progress.setStep(QStringLiteral("Checking %1").arg(kSamplesFile));
    const QStringList classes = readClasses(m_folder, problems);
    problems.throwIfAny();
    const SamplesScan scan = scanSamples(m_folder, classes, problems, summary.notes, progress);
    problems.throwIfAny();
    const auto samples = qint64(scan.labels.size());

    auto predictions = openOptionalNpy(m_folder, kPredictionsFile, problems);
    auto logits = openOptionalNpy(m_folder, kLogitsFile, problems);
    auto embeddings = openOptionalNpy(m_folder, kEmbeddingsFile, problems);
    auto coords = openOptionalNpy(m_folder, kCoordsFile, problems);
    if (predictions && logits)
        problems.add(kLogitsFile, 0, QStringLiteral("give predictions.npy or logits.npy, not both"));
    const bool usesLogits = !predictions && logits;
    const NpyFile *scores = predictions ? predictions.get() : logits.get();
    for (const NpyFile *file :
         std::initializer_list<const NpyFile *>{scores, embeddings.get(), coords.get()}) {
        if (file)
            checkRowCount(*file, samples, problems);
    }
    if (scores && scores->cols() != classes.size())
        problems.add(scores->fileName(), 0,
                     QStringLiteral("has %1 columns but classes.txt lists %2 classes")
                         .arg(scores->cols())
                         .arg(classes.size()));
    if (coords && coords->cols() != 2)
        problems.add(kCoordsFile, 0, QStringLiteral("has %1 columns; expected 2 (x, y)").arg(coords->cols()));
    if ((embeddings || coords) && !scores)
        problems.add(embeddings ? kEmbeddingsFile : kCoordsFile, 0,
                     QStringLiteral("belongs to a model run: add predictions.npy or logits.npy too"));
    const auto history = readHistory(m_folder, problems);
    if (history && !scores)
        problems.add(kHistoryFile, 0,
                     QStringLiteral("belongs to a model run: add predictions.npy or logits.npy too"));
    problems.throwIfAny();

    if (scores) {
        progress.setStep(QStringLiteral("Checking %1").arg(scores->fileName()));
        checkValues(*scores, !usesLogits, problems, progress);
    }
    for (const NpyFile *file : std::initializer_list<const NpyFile *>{embeddings.get(), coords.get()}) {
        if (file) {
            progress.setStep(QStringLiteral("Checking %1").arg(file->fileName()));
            checkValues(*file, false, problems, progress);
        }
    }
    problems.throwIfAny();

    ProjectWriter writer(projectPath, options.overwrite);
    SqliteDatabase &db = writer.project().database();
    writer.setDatasetRoot(m_folder);
    writer.project().setInfo(QStringLiteral("source_format"), QStringLiteral("loupe-folder"));
    writer.writeClasses(classes);
    writer.writeMetadataColumns(scan.layout.metadata);
    progress.setStep(QStringLiteral("Writing samples"));
    writeSamples(m_folder, scan, db, progress);

    if (scores) {
        const int runId = writer.addRun(options.runName, int(classes.size()), scores->fileName());
        progress.setStep(QStringLiteral("Writing predictions"));
        writer.writeProbabilities(runId, samples, int(classes.size()), scan.labels,
                                  probabilityRows(*scores, usesLogits), progress);
        if (embeddings) {
            progress.setStep(QStringLiteral("Writing embeddings"));
            writer.writeArray(runId, QStringLiteral("embeddings"), {samples, embeddings->cols()},
                              plainRows(*embeddings), progress);
        }
        if (coords) {
            progress.setStep(QStringLiteral("Writing coordinates"));
            writer.writeArray(runId, QStringLiteral("coords"), {samples, 2}, plainRows(*coords), progress);
        }
        if (history)
            writer.writeHistory(runId, history->metrics, history->rows);
    }
    progress.setStep(QStringLiteral("Finishing"));
    // The writing loops poll only every few thousand rows: a small import must not outrun a cancel.
    progress.throwIfCancelled();
    writer.commit();

    summary.samples = samples;
    summary.unlabeled = scan.unlabeled;
    summary.classes = int(classes.size());
    summary.metadata = scan.layout.metadata;
    summary.hasPredictions = scores != nullptr;
    summary.hasEmbeddings = embeddings != nullptr;
    summary.hasCoords = coords != nullptr;
    summary.hasHistory = history.has_value();
    if (usesLogits)
        summary.notes
            << QStringLiteral("%1: softmax applied to turn logits into probabilities").arg(kLogitsFile);
    return summary;
}

} // namespace loupe
